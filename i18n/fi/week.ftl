# Omavalmentajan viikko osoitteessa /week (crates/polku-server/assets/week.html).
# Sivu saa jokaisen week-alkuisen viestin sellaisenaan, joten viesteissä ei ole
# muuttujia: kun viestissä on %1 tai %2, sivu sijoittaa arvon paikalleen.
# Jokaisen avaimen on löydyttävä myös sv/- ja en/-kansioista.

week-product = Polku
week-title = Viikko %1
week-page-title = Omavalmentajan viikko
week-language = Kieli
week-lang-fi = suomi
week-lang-sv = svenska
week-lang-en = English
week-sign-out = Kirjaudu ulos
week-print = Tulosta

## Kirjautuminen

week-login-heading = Kirjaudu sisään
week-login-intro = Liitä alla olevaan kenttään käyttöoikeustunniste, jonka sait organisaatiosi kirjautumispalvelusta.
week-login-token = Käyttöoikeustunniste
week-login-submit = Kirjaudu
week-login-session = Tunniste säilyy vain tässä selaimen välilehdessä, ja se unohtuu, kun suljet välilehden.

## Lataaminen ja virheet

week-loading = Haetaan viikkoa…
week-no-token = Et ole kirjautunut. Viikko näytetään vain käyttöoikeustunnisteella: kirjaudu alla.
week-error-network = Palvelimeen ei saatu yhteyttä. Yritä hetken kuluttua uudelleen.
week-error-http = Palvelin vastasi virheellä (HTTP %1). Yritä hetken kuluttua uudelleen.
week-bad-week = ”%1” ei ole viikko. Anna viikko vuotena ja ISO-viikon numerona, esimerkiksi 2026-W49.
week-no-coach = Valitse omavalmentaja, jonka viikon haluat nähdä.
week-unknown-coach = Alueellasi ei ole omavalmentajaa tällä tunnisteella.
week-names-unavailable = Asiakkaiden nimiä ei saatu haettua; tapaamiset näytetään ilman niitä.

## Omavalmentajan ja viikon valinta

week-controls = Omavalmentaja ja viikko
week-coach = Omavalmentaja
week-show = Näytä
week-weeks = Viikot
week-previous = Edellinen viikko
week-current = Tämä viikko
week-next = Seuraava viikko
week-time-zone = Ajat ovat alueen aikavyöhykkeellä (%1).
week-summary = Tapaamisia: %1, joista peruttu: %2

## Päivät

week-today = tänään
week-working-hours = Työaika %1
week-no-working-hours = Ei työaikaa
week-no-appointments = Ei tapaamisia
week-minutes = %1 min
week-customer = Asiakas

## Tapaamisen lajit

week-kind-initial-interview = Alkuhaastattelu
week-kind-job-search-discussion = Työnhakukeskustelu
week-kind-supplementary-discussion = Täydentävä työnhakukeskustelu
week-kind-tripartite-discussion = Kolmikantakeskustelu
week-kind-coaching-session = Valmennustapaaminen

## Asiointitavat

week-channel-in-person = Käynti
week-channel-phone = Puhelin
week-channel-video = Video

## Tilat

week-state-booked = Varattu
week-state-confirmed = Vahvistettu
week-state-cancelled = Peruttu
week-state-held = Pidetty
week-state-no-show = Ei saapunut
