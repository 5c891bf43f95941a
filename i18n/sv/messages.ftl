# Meddelanden till kunden om en bokad tid (e-post, sms).
message-subject-invitation = Din bokade tid: { $kind }, { $when }
message-subject-reminder = Påminnelse: { $kind }, { $when }
message-subject-rescheduled = Din tid har flyttats: { $when }
message-subject-cancelled = Din tid { $when } är avbokad
message-subject-summons = Kallelse: { $kind }, { $when }
message-greeting = Hej { $name },
message-body-invitation = du har en bokad tid hos sysselsättningstjänsterna i { $area }.
message-body-reminder = vi påminner om din bokade tid hos sysselsättningstjänsterna i { $area }.
message-body-rescheduled = din tid hos sysselsättningstjänsterna i { $area } har flyttats till en ny tidpunkt.
message-body-cancelled = din tid { $when } hos sysselsättningstjänsterna i { $area } är avbokad.
message-body-summons = du kallas till ett möte hos sysselsättningstjänsterna i { $area }.
message-when = Tid: { $when } ({ $minutes } min)
message-where-in-person = Plats: { $place }
message-where-phone = Sätt: din egencoach ringer dig.
message-where-video = Sätt: videomöte, { $link }
message-coach = Din egencoach: { $coach }
message-change = Om du inte kan komma, kontakta din egencoach före mötet.
message-signoff = Sysselsättningstjänsterna i { $area }
message-sms-invitation = { $area }: bokad tid ({ $kind }) { $when }.
message-sms-reminder = { $area }: påminnelse, bokad tid ({ $kind }) { $when }.
message-sms-rescheduled = { $area }: din tid har flyttats till { $when }.
message-sms-cancelled = { $area }: din tid { $when } är avbokad.
message-sms-summons = { $area }: kallelse ({ $kind }) { $when }.
message-kind-initial_interview = inledande intervju
message-kind-job_search_discussion = jobbsökningssamtal
message-kind-supplementary_discussion = kompletterande jobbsökningssamtal
message-kind-tripartite_discussion = trepartssamtal
message-kind-coaching_session = coachningsmöte

# Följden av att utebli, i en kallelse (dagens regler).
message-consequence-intro = Om du inte kommer och inte har ett giltigt skäl, måste sysselsättningstjänsterna meddela det till FPA eller din arbetslöshetskassa, och det kan påverka din arbetslöshetsförmån.
message-consequence-reminder = Enligt de regler som gäller mötesdagen skulle det som försummelse nr { $ordinal } under granskningsperioden leda till en skriftlig påminnelse.
message-consequence-waiting = Enligt de regler som gäller mötesdagen skulle det som försummelse nr { $ordinal } under granskningsperioden leda till { $days } dagar utan arbetslöshetsförmån.
message-consequence-work = Enligt de regler som gäller mötesdagen skulle det som försummelse nr { $ordinal } under granskningsperioden leda till en arbetsvillkorsskyldighet: ingen förmån förrän du har arbetat eller deltagit i sysselsättningsfrämjande service i { $weeks } veckor.
message-consequence-statute = Lagen om utkomstskydd för arbetslösa (1290/2002), 2 a kap.; regel { $rule }.

# Kallelsen som utskrivet brev.
letter-summons-title = Kallelse till möte
letter-summons-intro = Du kallas till ett möte ({ $kind }) hos sysselsättningstjänsterna i { $area }. Att delta hör till dina skyldigheter som arbetssökande.

# Personalens dagliga sammandrag av aviseringar (arbetsmejl).
digest-subject = Polku: { $count } nya aviseringar, { $date }
digest-greeting = Hej { $name },
digest-intro = här är det som är nytt för dig i { $area }:
digest-footer = Öppna Polku för detaljerna. Det här mejlet kommer bara de dagar då det finns något nytt.
digest-someone = en kund
digest-kind-customer_assigned = { $customer } har tilldelats dig.
digest-kind-referral_accepted = { $customer }: partnern godkände din hänvisning.
digest-kind-referral_declined = { $customer }: partnern avslog din hänvisning.
digest-kind-referral_interrupted = { $customer }: hänvisningen avbröts.
digest-kind-appointment_confirmed = { $customer } bekräftade ett möte.
digest-kind-appointment_missed = { $customer } kom inte till ett möte.
digest-kind-obligation_due = { $customer }: { $obligation } ska ske senast { $due }.
digest-obligation-initial_interview = den inledande intervjun
digest-obligation-job_search_discussion = ett jobbsökningssamtal
digest-obligation-supplementary_discussion = ett kompletterande jobbsökningssamtal
digest-obligation-intensive_discussion = ett intensifierat jobbsökningssamtal
digest-obligation-plan_review = granskningen av planen
digest-obligation-activation_plan_review = granskningen av aktiveringsplanen
digest-obligation-vacancy_application = en ansökan till en anvisad plats
digest-kind-budget_threshold = Budget { $year }, { $purpose }: bindningarna har nått { $percent } % av anslaget.
digest-kind-budget_overridden = Budget { $year }, { $purpose }: en chef band medel utöver anslaget, med motivering.
digest-purpose-employment_grants = sysselsättningsunderstöd
digest-purpose-pay_subsidy_top_ups = kommunala tillägg till lönesubvention
digest-purpose-bought_places = köpta serviceplatser
digest-purpose-other = övrigt
digest-kind-partner_deviation = { $customer }: partnern meddelar: { $deviation }.
digest-kind-closing_assessment = { $customer }: partnern lämnade slutbedömningen.
digest-deviation-unexplained_absence = oförklarad frånvaro
digest-deviation-wants_to_stop = kunden vill sluta
digest-deviation-safety_concern = oro för säkerhet eller hälsa
digest-deviation-ends_early = perioden upphör i förtid
