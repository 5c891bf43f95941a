# En egencoachs vecka på /week (crates/polku-server/assets/week.html).
# Sidan får varje meddelande som börjar med week- som det är, så inget meddelande
# har variabler: där ett meddelande har %1 eller %2 sätter sidan in värdet.
# Varje nyckel ska också finnas i mapparna fi/ och en/.

week-product = Polku
week-title = Vecka %1
week-page-title = Egencoachens vecka
week-language = Språk
week-lang-fi = suomi
week-lang-sv = svenska
week-lang-en = English
week-sign-out = Logga ut
week-print = Skriv ut

## Inloggning

week-login-heading = Logga in
week-login-intro = Klistra in den åtkomsttoken som du har fått från din organisations inloggningstjänst.
week-login-token = Åtkomsttoken
week-login-submit = Logga in
week-login-session = Din token sparas bara i den här webbläsarfliken och glöms bort när du stänger fliken.

## Hämtning och fel

week-loading = Veckan hämtas…
week-no-token = Du är inte inloggad. Veckan visas bara med en åtkomsttoken: logga in nedan.
week-error-network = Det gick inte att få kontakt med servern. Försök igen om en stund.
week-error-http = Servern svarade med ett fel (HTTP %1). Försök igen om en stund.
week-bad-week = ”%1” är ingen vecka. Ange veckan som år och ISO-veckonummer, till exempel 2026-W49.
week-no-coach = Välj den egencoach vars vecka du vill se.
week-unknown-coach = Det finns ingen egencoach med den här identifieraren i ditt område.
week-names-unavailable = Kundernas namn kunde inte hämtas; de bokade tiderna visas utan dem.

## Val av egencoach och vecka

week-controls = Egencoach och vecka
week-coach = Egencoach
week-show = Visa
week-weeks = Veckor
week-previous = Föregående vecka
week-current = Denna vecka
week-next = Nästa vecka
week-time-zone = Tiderna är i områdets tidszon (%1).
week-summary = Bokade tider: %1, av dem avbokade: %2

## Dagarna

week-today = i dag
week-working-hours = Arbetstid %1
week-no-working-hours = Ingen arbetstid
week-no-appointments = Inga bokade tider
week-minutes = %1 min
week-customer = Kund

## Slag av möten

week-kind-initial-interview = Inledande intervju
week-kind-job-search-discussion = Jobbsökningssamtal
week-kind-supplementary-discussion = Kompletterande jobbsökningssamtal
week-kind-tripartite-discussion = Trepartssamtal
week-kind-coaching-session = Coachningsmöte

## Kontaktsätt

week-channel-in-person = Besök
week-channel-phone = Telefon
week-channel-video = Video

## Tillstånd

week-state-booked = Bokad
week-state-confirmed = Bekräftad
week-state-cancelled = Avbokad
week-state-held = Hållen
week-state-no-show = Uteblev
