# Vyn med nyckeltal på /dashboard (crates/polku-server/assets/dashboard.html).
# Sidan får varje meddelande som börjar med dashboard- som det är, så inget meddelande
# har variabler: där ett meddelande har %1 eller %2 sätter sidan in värdet.
# Varje nyckel ska också finnas i mapparna fi/ och en/.

dashboard-product = Polku
dashboard-title = Nyckeltal för sysselsättningstjänsterna
dashboard-language = Språk
dashboard-lang-fi = suomi
dashboard-lang-sv = svenska
dashboard-lang-en = English
dashboard-sign-out = Logga ut

## Inloggning

dashboard-login-heading = Logga in
dashboard-login-intro = Klistra in den åtkomsttoken som du har fått från din organisations inloggningstjänst.
dashboard-login-token = Åtkomsttoken
dashboard-login-submit = Logga in
dashboard-login-session = Din token sparas bara i den här webbläsarfliken och glöms bort när du stänger fliken.

## Hämtning och fel

dashboard-loading = Siffrorna hämtas…
dashboard-no-access = Ditt användarkonto ger inte tillgång till nyckeltalen. De visas för chefer, sysselsättningsområdets huvudanvändare och tillsynen.
dashboard-no-figures = Det finns inga siffror ännu.
dashboard-no-areas = Det finns inga sysselsättningsområden att visa.
dashboard-error-network = Det gick inte att få kontakt med servern. Försök igen om en stund.
dashboard-error-http = Servern svarade med ett fel (HTTP %1). Försök igen om en stund.

## Urval

dashboard-controls = Urval
dashboard-from = Första månad
dashboard-to = Sista månad
dashboard-region = Region
dashboard-whole-country = Hela landet
dashboard-period = Period %1–%2
dashboard-computed-at = Siffrorna beräknade %1
dashboard-so-far = hittills

## Teckenförklaring

dashboard-legend-heading = Teckenförklaring
dashboard-marker-suppressed = ..
dashboard-suppressed = färre än 5 – visas inte
dashboard-legend-suppressed = Små tal döljs så att ingen kan identifieras: antal på 1–4 personer samt andelar och medelvärden som bygger på färre än fem personer. Om ett värde i en fördelning döljs, döljs också ett annat, så att det dolda värdet inte kan räknas ut av de övriga.
dashboard-marker-none = –
dashboard-none = inget att mäta
dashboard-marker-so-far = *
dashboard-legend-so-far = För innevarande månad visas siffrorna hittills.
dashboard-legend-gap = I diagrammen syns ett dolt eller saknat värde som ett avbrott i linjen.

## Avsnitt, tabeller och diagram

dashboard-comparison = Jämförelse mellan områdena
dashboard-comparison-caption = Nyckeltal per sysselsättningsområde, %1
dashboard-key-figures = Nyckeltal
dashboard-key-figures-caption = Nyckeltal, %1
dashboard-trends = Utveckling per månad
dashboard-trend-caption = %1 per månad
dashboard-breakdowns = Fördelningar, %1
dashboard-breakdown-caption = %1, %2
dashboard-download-csv = Ladda ner CSV
dashboard-chart-label = Linjediagram: %1 per månad, %2, en linje för varje sysselsättningsområde. Samma siffror finns i tabellen under diagrammet.
dashboard-month = Månad
dashboard-area = Sysselsättningsområde
dashboard-figure = Nyckeltal
dashboard-code = Kod
dashboard-unit-customers = Kunder
dashboard-unit-share = Andel (%)
dashboard-unit-euros = Euro per kund

## Nyckeltal

dashboard-fig-customers = Kunder
dashboard-fig-new-customers = Nya kunder
dashboard-fig-activation-rate = Aktiveringsgrad
dashboard-fig-initial-interview-median-days = Tid till inledande intervju, median (arbetsdagar)
dashboard-fig-initial-interviews-within-deadline = Inledande intervjuer inom tidsfristen
dashboard-fig-plan-up-to-date-rate = Aktuella planer
dashboard-fig-meetings-per-customer = Möten per kund
dashboard-fig-ors-change-mean = ORS-förändring, medelvärde
dashboard-fig-srs-mean = SRS, medelvärde
dashboard-fig-referral-acceptance-rate = Godkända remisser
dashboard-fig-cost-per-customer = Kostnad per kund

## Fördelningar

dashboard-by-group = Kunder efter förmån
dashboard-by-language = Kunder efter ärendespråk
dashboard-by-age-band = Kunder efter åldersgrupp
dashboard-exits = Avgångar från servicestigen
dashboard-transitions = Övergångar på servicestigen
dashboard-service-use = Användning av tjänster per tjänstekategori
dashboard-col-benefit = Förmån
dashboard-col-language = Ärendespråk
dashboard-col-age-band = Åldersgrupp
dashboard-col-exit = Avgång till
dashboard-col-transition = Övergång
dashboard-col-category = Tjänstekategori
dashboard-col-customers = Kunder
dashboard-col-places-filled = Platser i bruk (i genomsnitt)
dashboard-col-places-offered = Erbjudna platser (i genomsnitt)
dashboard-col-fill-rate = Beläggningsgrad

## Servicestigens skeden

dashboard-stage-rehabilitative-work = Arbetsverksamhet i rehabiliteringssyfte
dashboard-stage-work-trial = Arbetsprövning
dashboard-stage-pay-subsidised-work = Lönesubventionerat arbete
dashboard-stage-open-market = Öppna arbetsmarknaden
dashboard-stage-education = Utbildning
dashboard-stage-other-exit = Annan avgång

## Pengar

dashboard-funding = Kommunens finansieringsandel av arbetslöshetsförmånerna
dashboard-funding-none = Ingen faktura från FPA har importerats ännu.
dashboard-funding-comparison-caption = Kommunens finansieringsandel per sysselsättningsområde, enligt varje områdes senaste faktura från FPA (fakturans månad inom parentes)
dashboard-funding-caption = Kommunens finansieringsandel per kommun, %1, FPA:s faktura för %2
dashboard-municipality = Kommun
dashboard-total = Totalt
dashboard-col-people = Personer på fakturan
dashboard-col-billed = Fakturerat
dashboard-col-expected = Väntat enligt reglerna
dashboard-col-next-month = Nästa månad
dashboard-col-next-3-months = Nästa 3 månader
dashboard-col-next-12-months = Nästa 12 månader
dashboard-col-exit-rate = Lämnar förmånen per månad (%)
dashboard-forecast = Kommande finansieringsansvar
dashboard-forecast-caption = Kommunens finansieringsandel per månad efter %1
dashboard-col-continuing = Om förmånerna fortsätter
dashboard-col-with-exits = Med avgång i nuvarande takt
dashboard-budget = Budget %1
dashboard-budget-caption = Anslag och bindningar, %1
dashboard-budget-caption-closed = Anslag och bindningar, %1 (året stängt)
dashboard-budget-none = Inga anslag har fastställts för detta år.
dashboard-col-purpose = Ändamål
dashboard-col-appropriation = Anslag
dashboard-col-committed = Bundet
dashboard-col-spent = Använt
dashboard-col-free = Ledigt
dashboard-col-used = Användningsgrad
dashboard-col-year-end = Prognos för året
dashboard-purpose-employment-grants = Sysselsättningsunderstöd
dashboard-purpose-pay-subsidy-top-ups = Kommunala tillägg till lönesubvention
dashboard-purpose-bought-places = Köpta serviceplatser
dashboard-purpose-other = Övrigt
