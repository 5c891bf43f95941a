# Asiakkaalle tapaamisesta lähtevät viestit (sähköposti, tekstiviesti).
message-subject-invitation = Tapaamisesi: { $kind }, { $when }
message-subject-reminder = Muistutus: { $kind }, { $when }
message-subject-rescheduled = Tapaamisesi aika on muuttunut: { $when }
message-subject-cancelled = Tapaamisesi { $when } on peruttu
message-subject-summons = Kutsu: { $kind }, { $when }
message-greeting = Hei { $name },
message-body-invitation = sinulle on varattu tapaaminen: { $area }, työllisyyspalvelut.
message-body-reminder = muistutamme tapaamisestasi: { $area }, työllisyyspalvelut.
message-body-rescheduled = tapaamisesi ({ $area }, työllisyyspalvelut) on siirretty uuteen aikaan.
message-body-cancelled = tapaamisesi { $when } ({ $area }, työllisyyspalvelut) on peruttu.
message-body-summons = sinut kutsutaan tapaamiseen ({ $area }, työllisyyspalvelut).
message-when = Aika: { $when } ({ $minutes } min)
message-where-in-person = Paikka: { $place }
message-where-phone = Tapa: omavalmentajasi soittaa sinulle.
message-where-video = Tapa: videotapaaminen, { $link }
message-coach = Omavalmentajasi: { $coach }
message-change = Jos et pääse paikalle, ota yhteyttä omavalmentajaasi ennen tapaamista.
message-signoff = { $area }, työllisyyspalvelut
message-sms-invitation = { $area }: tapaaminen ({ $kind }) { $when }.
message-sms-reminder = { $area }: muistutus, tapaaminen ({ $kind }) { $when }.
message-sms-rescheduled = { $area }: tapaamisesi on siirretty, uusi aika { $when }.
message-sms-cancelled = { $area }: tapaamisesi { $when } on peruttu.
message-sms-summons = { $area }: kutsu tapaamiseen ({ $kind }) { $when }.
message-kind-initial_interview = alkuhaastattelu
message-kind-job_search_discussion = työnhakukeskustelu
message-kind-supplementary_discussion = täydentävä työnhakukeskustelu
message-kind-tripartite_discussion = kolmikantakeskustelu
message-kind-coaching_session = valmennustapaaminen

# Poisjäämisen seuraus kutsussa (päivän säännöt).
message-consequence-intro = Jos et tule etkä ilmoita pätevää syytä, työllisyyspalvelujen on ilmoitettava siitä Kelalle tai työttömyyskassallesi, ja se voi vaikuttaa työttömyysetuuteesi.
message-consequence-reminder = Tapaamispäivänä voimassa olevien sääntöjen mukaan tarkastelujakson { $ordinal }. laiminlyönti johtaisi kirjalliseen muistutukseen.
message-consequence-waiting = Tapaamispäivänä voimassa olevien sääntöjen mukaan tarkastelujakson { $ordinal }. laiminlyönti johtaisi { $days } päivän korvauksettomaan määräaikaan.
message-consequence-work = Tapaamispäivänä voimassa olevien sääntöjen mukaan tarkastelujakson { $ordinal }. laiminlyönti johtaisi työssäolovelvoitteeseen: etuutta ei makseta ennen kuin olet ollut työssä tai työllistymistä edistävässä palvelussa { $weeks } viikkoa.
message-consequence-statute = Työttömyysturvalaki (1290/2002), 2 a luku; sääntö { $rule }.

# Kutsu tulostettavana kirjeenä.
letter-summons-title = Kutsu tapaamiseen
letter-summons-intro = Sinut kutsutaan tapaamiseen: { $kind }. Järjestäjä: { $area }, työllisyyspalvelut. Osallistuminen kuuluu velvollisuuksiisi työnhakijana.

# Henkilöstön päivittäinen koonti ilmoituksista (työsähköposti).
digest-subject = Polku: { $count } uutta ilmoitusta, { $date }
digest-greeting = Hei { $name },
digest-intro = tässä sinulle uutta ({ $area }):
digest-footer = Näet tiedot Polussa. Tämä viesti tulee vain päivinä, joina on jotain uutta.
digest-someone = asiakas
digest-kind-customer_assigned = { $customer } on osoitettu sinulle.
digest-kind-referral_accepted = { $customer }: kumppani hyväksyi ohjauksesi.
digest-kind-referral_declined = { $customer }: kumppani hylkäsi ohjauksesi.
digest-kind-referral_interrupted = { $customer }: ohjaus keskeytyi.
digest-kind-appointment_confirmed = { $customer } vahvisti tapaamisen.
digest-kind-appointment_missed = { $customer } ei tullut tapaamiseen.
digest-kind-obligation_due = { $customer }: { $obligation } erääntyy { $due }.
digest-obligation-initial_interview = alkuhaastattelu
digest-obligation-job_search_discussion = työnhakukeskustelu
digest-obligation-supplementary_discussion = täydentävä työnhakukeskustelu
digest-obligation-intensive_discussion = tehostettu työnhakukeskustelu
digest-obligation-plan_review = suunnitelman tarkistus
digest-obligation-activation_plan_review = aktivointisuunnitelman tarkistus
digest-obligation-vacancy_application = työpaikkaan hakeminen
digest-kind-budget_threshold = Talousarvio { $year }, { $purpose }: sidonnat ovat { $percent } % määrärahasta.
digest-kind-budget_overridden = Talousarvio { $year }, { $purpose }: esihenkilö sitoi rahaa yli määrärahan perustellen.
digest-purpose-employment_grants = työllistämisavustukset
digest-purpose-pay_subsidy_top_ups = kunnan lisät palkkatukeen
digest-purpose-bought_places = ostopalvelupaikat
digest-purpose-other = muut
digest-kind-partner_deviation = { $customer }: kumppani ilmoittaa: { $deviation }.
digest-kind-closing_assessment = { $customer }: kumppani jätti loppuarvion.
digest-deviation-unexplained_absence = selvittämättömiä poissaoloja
digest-deviation-wants_to_stop = asiakas haluaa lopettaa
digest-deviation-safety_concern = huoli turvallisuudesta tai terveydestä
digest-deviation-ends_early = jakso päättyy ennenaikaisesti
