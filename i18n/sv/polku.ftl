# Polkus meddelanden på svenska. Varje nyckel måste finnas även i fi/ och en/.

field-label = fält

## Fel: ett meddelande per ErrorCode.

error-unauthenticated = Logga in först: begäran innehöll ingen åtkomsttoken.
error-invalid-token = Åtkomsttoken är inte giltig.
error-token-expired = Åtkomsttoken har gått ut. Logga in på nytt.
error-forbidden = Du har inte behörighet att göra detta.
error-not-found = Hittades inte.
error-unknown-tenant = Sysselsättningsområdet som nämns i token finns inte.
error-validation = Värdet i { $field } är inte giltigt.
error-required = { $field } är obligatoriskt.
error-too-long = { $field } är för långt (högst { $max } tecken).
error-invalid-slug = { $field }: "{ $value }" är ingen giltig identifierare. Använd små bokstäver a–z, siffror och bindestreck, och börja med en bokstav.
error-slug-taken = { $field }: identifieraren används redan.
error-invalid-municipality-code = { $field }: "{ $value }" är ingen kommunkod. Använd Statistikcentralens tresiffriga kod, t.ex. 638.
error-unknown-municipality = { $field }: det finns ingen kommun med koden { $value }.
error-municipality-taken = { $field }: kommun { $value } hör redan till ett annat sysselsättningsområde.
error-unknown-region = { $field }: det finns ingen region "{ $value }".
error-invalid-business-id = { $field }: "{ $value }" är inte ett giltigt FO-nummer. Formen är 1234567-8 och kontrollsiffran måste stämma.
error-business-id-taken = { $field }: en partner med detta FO-nummer finns redan.
error-invalid-language = { $field }: "{ $value }" är inget språk som stöds. Använd fi, sv eller en.
error-language-not-enabled = { $field }: språket { $lang } används inte i detta sysselsättningsområde.
error-default-language-not-enabled = { $field }: standardspråket måste vara ett av de använda språken.
error-negative-capacity = { $field }: kapaciteten kan inte vara negativ.
error-invalid-amount = { $field }: "{ $value }" är inget giltigt belopp i euro (högst två decimaler, t.ex. 1250,50).
error-invalid-date-range = { $field }: slutdatumet är före startdatumet.
error-out-of-range = { $field } ligger utanför det tillåtna intervallet ({ $min }–{ $max }).
error-invalid-email = { $field } är ingen giltig e-postadress.
error-unknown-partner = { $field }: det finns ingen sådan partnerorganisation i detta sysselsättningsområde.
error-already-retired = Tjänsten har redan tagits ur bruk.
error-invalid-cursor = { $field }: markören är inte giltig. Börja om från första sidan.
error-page-size-too-large = { $field }: högst { $max } poster per sida.
error-query-too-deep = Frågan är för djupt nästlad (högst { $max } nivåer).
error-query-too-complex = Frågan är för komplex (högst { $max }).
error-bad-request = Begäran är inte giltig: { $value }
error-unavailable = Tjänsten är tillfälligt otillgänglig. Försök igen om en stund.
error-internal = Något gick fel hos oss. Ange detta spårnings-id när du kontaktar supporten: { $trace }
error-invalid-hetu = { $field } är ingen giltig personbeteckning.
error-customer-exists = { $field }: en kund med denna personbeteckning finns redan i området.
error-municipality-not-in-area = { $field }: kommun { $value } hör inte till detta sysselsättningsområde.
error-municipality-in-use = { $field }: det bor kunder i en kommun som du tar bort från området.
error-unknown-coach = { $field }: det finns ingen sådan egencoach i detta sysselsättningsområde.
error-caseload-full = Egencoachens kundantal är fullt ({ $max } kunder). En chef kan gå förbi gränsen.
error-unknown-task = { $field }: planen har ingen sådan uppgift.
error-stale-plan-version = Planen har ändrats sedan du öppnade den (nu version { $value }). Ladda om den och försök igen.
error-invalid-transfer-file = Överföringsfilen kan inte läsas: { $value }
error-no-rule-for-date = { $field }: inga regler för servicemodellen gällde den { $value } (de första trädde i kraft 2.5.2022).
error-date-too-far-ahead = { $field }: { $value } ligger mer än ett år framåt.
error-no-path-rule-for-date = { $field }: inga gränser för servicestigen gällde den { $value } (de första gäller från { $first }).
error-not-a-period = { $field }: en avgång (arbete, utbildning, annat) har bara en dag, inget slutdatum.
error-period-length = { $field }: en period kan vara { $min }–{ $max } månader.
error-work-trial-limit = { $field }: { $scope ->
        [organiser] arbetsprövning hos samma anordnare får vara högst { $months } månader.
        [task] arbetsprövning hos kommunen i samma uppgift får vara högst { $months } månader.
       *[total] arbetsprövningar får vara högst { $months } månader sammanlagt.
    }
error-invalid-subsidy-rate = { $field }: lönesubventionen är 30, 40, 50, 70 eller 100 procent, inte { $value }; reglerna för startdagen avgör vilka.
error-subsidy-rate-not-allowed = { $field }: lönesubvention på { $rate } procent gäller bara föreningar, stiftelser och registrerade religionssamfund, när arbetstiden är högst { $percent } % av heltid.
error-subsidy-cap-exceeded = { $field }: lönesubvention på { $rate } procent är högst { $cap } € i månaden.
error-path-overlap = { $field }: överlappar perioden { $from }–{ $to }.
error-service-category-mismatch = { $field }: tjänsten hör inte till detta skede av servicestigen.
error-unknown-service = { $field }: sysselsättningsområdets tjänsteutbud har ingen sådan tjänst.
error-label-taken = { $field }: beteckningen används redan.
error-illegal-transition = Remissen kan inte { $value ->
        [send] skickas
        [accept] godkännas
        [decline] avslås
        [start] inledas
        [complete] avslutas
        [interrupt] avbrytas
       *[other] återkallas
    } i läget { $from }.
error-service-retired = { $field }: tjänsten har tagits ur bruk och kan inte längre väljas.
error-api-key-revoked = API-nyckeln har återkallats.
error-rate-limited = För många förfrågningar. Försök igen om { $value } sekunder.
error-grant-working-time = { $field }: sysselsättningsunderstöd kräver en arbetstid över { $min } %; { $value } % räcker inte.
error-grant-employer-kind = { $field }: sysselsättningsunderstöd kan bara beviljas ett företag eller en förening.
error-persisted-query-not-found = Den sparade frågan är okänd; skicka frågan tillsammans med hashvärdet.
error-invalid-month = { $field }: "{ $value }" är inte en månad. Skriv den som ÅÅÅÅ-MM, t.ex. 2026-03.
error-period-outside-data = { $field }: { $value } ligger utanför nyckeltalen, som finns för { $from }–{ $to }.
error-region-not-held = { $field }: du har tillsyn över { $region }, inte över regionen "{ $value }".
error-area-outside-region = { $field }: sysselsättningsområdet "{ $value }" hör inte till de områden du får se.

## Nyckeltalens indelningar

figures-group-labour-market-subsidy = arbetsmarknadsstöd
figures-group-basic-daily-allowance = grunddagpenning
figures-group-earnings-related-allowance = inkomstrelaterad dagpenning
figures-group-none = ingen förmån
figures-group-unknown = okänd
figures-lang-fi = finska
figures-lang-sv = svenska
figures-lang-en = engelska
figures-age-15-24 = 15–24 år
figures-age-25-29 = 25–29 år
figures-age-30-54 = 30–54 år
figures-age-55-64 = 55–64 år
figures-age-65-plus = 65 år eller äldre
figures-exit-open-market = öppna arbetsmarknaden
figures-exit-pay-subsidised-work = lönesubventionerat arbete
figures-exit-education = utbildning
figures-category-personal-coaching = personlig coachning
figures-category-workshop = verkstad
figures-category-training = utbildning
figures-category-rehabilitative-work = arbetsverksamhet i rehabiliteringssyfte
figures-category-work-trial = arbetsprövning
figures-category-pay-subsidised-employment = lönesubventionerat arbete
figures-category-apprenticeship = läroavtal
figures-category-skills-demonstration = fristående examen
figures-category-employment-grant = sysselsättningsunderstöd
figures-category-other = annan tjänst
error-invalid-date = { $field } är inget datum som Polku kan använda (tillåtet { $min }–{ $max }).
error-not-committed = En del av begäran misslyckades i databasen, så inget sparades och inga uppgifter returnerades. Försök igen; om felet upprepas, ange detta spårnings-id till supporten: { $trace }
error-reveal-reason-required = { $field }: utan motivering får endast kundens personliga coach (utsedd för minst { $hours } timmar sedan) eller en chef se personbeteckningen. Ange skälet; det förs in i loggen.
error-too-many-fields = Frågan begär { $count } fält; högst { $max } är tillåtna i en begäran.
error-payload-too-large = Begäran är för stor: högst { $value }.
error-request-timeout = Begäran tog för lång tid (över { $value } s) och avbröts. Försök igen.
error-subscriptions-only = Över WebSocket kan endast prenumerationer skickas; skicka frågor och ändringar till POST /graphql.
error-too-many-subscriptions = Högst { $value } prenumerationer kan vara öppna på en anslutning.
error-too-many-connections = Du har redan { $value } öppna anslutningar; stäng någon först.
error-connection-init-timeout = Anslutningen initierades inte i tid.
error-subsidy-rate-not-in-force = { $field }: reglerna som gällde { $date } har ingen lönesubvention på { $rate } procent; de har { $value } procent.
error-subsidy-basis-not-in-force = { $field }: { $value ->
        [employment_subsidy_55] sysselsättningsstöd för personer som fyllt 55 år
       *[other] denna grund för lönesubvention
    } fanns inte i reglerna som gällde { $date }.
error-subsidy-rate-for-basis = { $field }: på denna grund ger reglerna som gällde { $date } { $value } procent, inte { $rate }.
error-subsidy-employer-not-allowed = { $field }: { $name ->
        [municipal_unit] från { $date } får en kommun eller en samkommun lönesubvention bara för att anställa en person med nedsatt arbetsförmåga eller en långtidsarbetslös som fyllt 60 år.
       *[other] en sådan arbetsgivare får ingen lönesubvention på denna grund (regler från { $date }).
    }
error-subsidy-condition-not-met = { $field }: { $scope ->
        [unemployment] stödet förutsätter minst { $min } månaders arbetslöshet under de senaste { $max } månaderna.
        [age] stödet gäller en person som fyllt { $min } år på första dagen.
       *[business] lönesubvention på 100 procent gäller bara uppgifter som inte anses vara affärsverksamhet.
    }
error-subsidy-period-too-long = { $field }: { $scope ->
        [longer] stödet beviljas för högst { $months } månader; för { $value } månader om personen varit arbetslös minst { $min } av de senaste { $max } månaderna.
       *[at_a_time] stödet beviljas för högst { $months } månader åt gången.
    }
error-subsidy-same-employer = { $field }: denna arbetsgivare hade lönesubvention för kunden till { $to }; en ny hos samma arbetsgivare är möjlig från { $date } ({ $value } år senare), om grunden inte är nedsatt arbetsförmåga.
error-date-in-future = { $field } ligger i framtiden: registrera det som har hänt, med den dag det hände.
error-no-job-search = { $field }: kunden har ingen jobbsökning (inget startdatum), så ingen försummelse eller ledig plats kan registreras.
error-invalid-postal-code = { $field } är inget postnummer: fem siffror, t.ex. 00140.
error-invalid-characters = { $field } innehåller ett styrtecken (till exempel NUL eller escape); tillåtna är bokstäver, siffror, skiljetecken, mellanslag och radbrytningar.
error-invalid-phone = { $field } är inget telefonnummer: siffror, gärna med mellanslag eller bindestreck, t.ex. 040 123 4567 eller +358 40 123 4567.
error-retention-below-minimum = { $field }: minst { $min } år; en kortare tid än lagens minimum kan inte anges (källa: { $value }).
error-legal-hold-active = { $field }: kundens uppgifter omfattas av en bevarandeskyldighet (legal hold); häv den innan uppgifterna raderas.
error-erasure-not-allowed = { $field }: kundens uppgifter ska bevaras så länge ett stöd eller en period på servicevägen pågår (lagen om arbetskraftsservice och bokföringsreglerna kräver det); radering är möjlig när den har upphört.
error-legal-basis-required = { $field }: en remiss kan inte skickas utan grund för att lämna ut kundens uppgifter: registrera kundens samtycke eller välj den lagstadgade grunden.
error-unknown-legal-basis = { $field } är ingen grund för utlämnande som Polku känner till; välj en grund i listan.
error-consent-not-recorded = { $field }: samtycket behöver den dag det gavs (inte i framtiden) och hur det gavs.
error-appointment-transition = En tid som är { $from ->
        [booked] bokad
        [confirmed] bekräftad
        [cancelled] avbokad
        [held] hållen
       *[no_show] uteblivet
    } kan inte { $action ->
        [booked] bokas
        [confirmed] bekräftas
        [rescheduled] flyttas
        [cancelled] avbokas
        [held] registreras som hållen
       *[no_show] registreras som uteblivet
    }.
error-appointment-not-due = { $field }: tiden har inte kommit ännu; den kan registreras som hållen eller uteblivet först när den har börjat.
error-appointment-in-past = { $field } har redan varit: en tid bokas framåt.
error-outside-working-hours = { $field } ligger utanför egencoachens arbetstid eller på en ledig dag; en chef kan ändå boka den.
error-appointment-overlap = { $field }: egencoachen har redan en tid vid den tidpunkten; välj en ledig tid, eller en chef kan ändå boka den.
error-invalid-url = { $field } är ingen giltig https-länk.
error-customer-not-active = { $field }: personen är inte längre kund i området (flyttat, anställd eller avslutad), så ingen tid kan bokas.
error-no-contact-for-channel = { $field }: kunden saknar kontaktuppgift för detta sätt att skicka; registrera en e-postadress eller ett telefonnummer, eller välj brev.
error-invoice-header = { $field }: första raden ska vara rubriken kuukausi;kunta;henkilotunnus;etuus;paivat;kertyneet_paivat;maksettu;kunnan_osuus (se docs/money.md).
error-invoice-columns = { $field }: en rad har 8 kolumner åtskilda med semikolon; denna har { $value }.
error-invalid-benefit = { $field }: "{ $value }" är ingen förmånskod; använd TMT (arbetsmarknadsstöd), PPR (grunddagpenning) eller APR (inkomstrelaterad dagpenning).
error-invoice-month-imported = { $field }: fakturan för { $value } har redan importerats; en månad importeras en gång.
error-invoice-mixed-months = { $field }: alla rader i en fil gäller samma månad; denna rad gäller { $value }.
error-municipality-outside-area = { $field }: kommunen { $value } hör inte till detta sysselsättningsområde.
error-invoice-duplicate-line = { $field }: samma person, förmån och kommun finns redan på rad { $value }.
error-invoice-days = { $field }: dagarna är 1–23 i en månad, och de ackumulerade dagarna minst månadens.
error-invoice-share-over-paid = { $field }: kommunens andel kan inte vara större än den utbetalda förmånen.
error-budget-exceeded = { $field }: { $value } € skulle överskrida anslaget; { $max } € är ledigt. En chef kan åsidosätta med motivering.
error-budget-year-closed = { $field }: budgetåret { $value } är stängt; inga åtaganden kan göras för det.
error-appropriation-below-committed = { $field }: anslaget kan inte vara mindre än de redan bundna { $min } €.
error-unknown-staff = { $field }: det finns ingen sådan anställd i detta sysselsättningsområde.
error-unknown-question = { $field }: slutbedömningen för denna tjänst har ingen fråga "{ $value }".
error-invalid-answer = { $field }: svaret passar inte frågan (ja/nej, 1–5 eller text).
error-attendance-week-start = { $field }: timmar per vecka rapporteras på veckans måndag; { $value } är ingen måndag.
error-attendance-outside-referral = { $field }: { $value } ligger utanför hänvisningen ({ $from } – { $to }).
error-attendance-hours-over = { $field }: { $value } timmar är mer än de tillåtna { $max }.
error-attendance-month-closed = { $field }: närvaron för { $value } är stängd och kan inte längre rapporteras eller rättas.
error-referral-still-open = { $field }: hänvisningen har inte avslutats; slutbedömningen görs när den har slutförts eller avbrutits.
error-assessment-already-filed = { $field }: slutbedömningen för denna hänvisning har redan lämnats.
error-agreement-transition = { $field }: ett avtal i läget { $value } kan inte ändras så här.
error-agreement-renewal = { $field }: ett gällande avtal kan förnyas en gång, och bara dess datum ändras.
error-attendance-duplicate-day = { $field }: { $value } har rapporterats två gånger i samma begäran.
error-agreement-outside-period = { $field }: kundens stig har ingen period med lönesubvention som täcker { $from }–{ $to }; registrera beslutet om lönesubvention på stigen först.
error-agreement-referral-ended = { $field }: hänvisningens läge är { $value }; ett avtal görs för en hänvisning som har godkänts eller pågår.
funding-assumptions = Fortsatt: varje förmån på den senaste fakturan fortsätter med samma dagpenning fem dagar i veckan, och dagarna räknas in i stegen. Med avgångar: som ovan, men varje månad minskat med andelen som lämnade förmånen mellan de två senaste fakturorna. Procentsatserna i 2025 års regel är inte bekräftade ur lagen (se docs/money.md).
