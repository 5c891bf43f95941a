# Tunnuslukujen näkymä osoitteessa /dashboard (crates/polku-server/assets/dashboard.html).
# Sivu saa jokaisen dashboard-alkuisen viestin sellaisenaan, joten viesteissä ei ole
# muuttujia: kun viestissä on %1 tai %2, sivu sijoittaa arvon paikalleen.
# Jokaisen avaimen on löydyttävä myös sv/- ja en/-kansioista.

dashboard-product = Polku
dashboard-title = Työllisyyspalvelujen tunnusluvut
dashboard-language = Kieli
dashboard-lang-fi = suomi
dashboard-lang-sv = svenska
dashboard-lang-en = English
dashboard-sign-out = Kirjaudu ulos

## Kirjautuminen

dashboard-login-heading = Kirjaudu sisään
dashboard-login-intro = Liitä alla olevaan kenttään käyttöoikeustunniste, jonka sait organisaatiosi kirjautumispalvelusta.
dashboard-login-token = Käyttöoikeustunniste
dashboard-login-submit = Kirjaudu
dashboard-login-session = Tunniste säilyy vain tässä selaimen välilehdessä, ja se unohtuu, kun suljet välilehden.

## Lataaminen ja virheet

dashboard-loading = Haetaan lukuja…
dashboard-no-access = Tunnuksellasi ei voi tarkastella tunnuslukuja. Ne näkyvät esihenkilöille, työllisyysalueen pääkäyttäjille ja valvonnalle.
dashboard-no-figures = Lukuja ei ole vielä.
dashboard-no-areas = Näytettäviä työllisyysalueita ei ole.
dashboard-error-network = Palvelimeen ei saatu yhteyttä. Yritä hetken kuluttua uudelleen.
dashboard-error-http = Palvelin vastasi virheellä (HTTP %1). Yritä hetken kuluttua uudelleen.

## Lukujen valinta

dashboard-controls = Lukujen valinta
dashboard-from = Alkukuukausi
dashboard-to = Loppukuukausi
dashboard-region = Alue
dashboard-whole-country = Koko maa
dashboard-period = Ajanjakso %1–%2
dashboard-computed-at = Luvut laskettu %1
dashboard-so-far = tähän mennessä

## Merkinnät

dashboard-legend-heading = Merkinnät
dashboard-marker-suppressed = ..
dashboard-suppressed = alle 5 – ei näytetä
dashboard-legend-suppressed = Pienet luvut peitetään, jotta ketään ei voi tunnistaa: 1–4 henkilön lukumäärät sekä osuudet ja keskiarvot, jotka perustuvat alle viiteen henkilöön. Jos jakaumasta peitetään yksi luku, peitetään myös toinen, jottei peitettyä lukua voi päätellä muista.
dashboard-marker-none = –
dashboard-none = ei mitattavaa
dashboard-marker-so-far = *
dashboard-legend-so-far = Kuluvan kuukauden luvut ovat tähänastisia.
dashboard-legend-gap = Kaavioissa peitetty tai puuttuva luku näkyy katkoksena viivassa.

## Osiot, taulukot ja kaaviot

dashboard-comparison = Alueiden vertailu
dashboard-comparison-caption = Keskeiset luvut työllisyysalueittain, %1
dashboard-key-figures = Keskeiset luvut
dashboard-key-figures-caption = Keskeiset luvut, %1
dashboard-trends = Kehitys kuukausittain
dashboard-trend-caption = %1 kuukausittain
dashboard-breakdowns = Jakaumat, %1
dashboard-breakdown-caption = %1, %2
dashboard-download-csv = Lataa CSV
dashboard-chart-label = Viivakaavio: %1 kuukausittain, %2, yksi viiva kutakin työllisyysaluetta kohden. Samat luvut ovat kaavion alla olevassa taulukossa.
dashboard-month = Kuukausi
dashboard-area = Työllisyysalue
dashboard-figure = Tunnusluku
dashboard-code = Tunniste
dashboard-unit-customers = Asiakkaita
dashboard-unit-share = Osuus (%)
dashboard-unit-euros = Euroa asiakasta kohden

## Tunnusluvut

dashboard-fig-customers = Asiakkaat
dashboard-fig-new-customers = Uudet asiakkaat
dashboard-fig-activation-rate = Aktivointiaste
dashboard-fig-initial-interview-median-days = Aika alkuhaastatteluun, mediaani (työpäivää)
dashboard-fig-initial-interviews-within-deadline = Alkuhaastattelut määräajassa
dashboard-fig-plan-up-to-date-rate = Suunnitelmat ajan tasalla
dashboard-fig-meetings-per-customer = Tapaamisia asiakasta kohden
dashboard-fig-ors-change-mean = ORS-muutos, keskiarvo
dashboard-fig-srs-mean = SRS, keskiarvo
dashboard-fig-referral-acceptance-rate = Hyväksytyt lähetteet
dashboard-fig-cost-per-customer = Kustannus asiakasta kohden

## Jakaumat

dashboard-by-group = Asiakkaat etuuden mukaan
dashboard-by-language = Asiakkaat asiointikielen mukaan
dashboard-by-age-band = Asiakkaat ikäryhmittäin
dashboard-exits = Poistumiset palvelupolulta
dashboard-transitions = Siirtymät palvelupolulla
dashboard-service-use = Palvelujen käyttö palveluryhmittäin
dashboard-col-benefit = Etuus
dashboard-col-language = Asiointikieli
dashboard-col-age-band = Ikäryhmä
dashboard-col-exit = Poistuminen
dashboard-col-transition = Siirtymä
dashboard-col-category = Palveluryhmä
dashboard-col-customers = Asiakkaita
dashboard-col-places-filled = Käytössä olevat paikat (keskimäärin)
dashboard-col-places-offered = Tarjolla olevat paikat (keskimäärin)
dashboard-col-fill-rate = Täyttöaste

## Palvelupolun vaiheet

dashboard-stage-rehabilitative-work = Kuntouttava työtoiminta
dashboard-stage-work-trial = Työkokeilu
dashboard-stage-pay-subsidised-work = Palkkatuettu työ
dashboard-stage-open-market = Avoimet työmarkkinat
dashboard-stage-education = Koulutus
dashboard-stage-other-exit = Muu poistuminen

## Raha

dashboard-funding = Kunnan rahoitusosuus työttömyysetuuksista
dashboard-funding-none = Kelan laskua ei ole vielä tuotu.
dashboard-funding-comparison-caption = Kunnan rahoitusosuus työllisyysalueittain kunkin alueen viimeisimmästä Kelan laskusta (laskun kuukausi suluissa)
dashboard-funding-caption = Kunnan rahoitusosuus kunnittain, %1, Kelan lasku kuukaudelta %2
dashboard-municipality = Kunta
dashboard-total = Yhteensä
dashboard-col-people = Henkilöitä laskulla
dashboard-col-billed = Laskutettu
dashboard-col-expected = Sääntöjen mukaan odotettu
dashboard-col-next-month = Seuraava kuukausi
dashboard-col-next-3-months = Seuraavat 3 kuukautta
dashboard-col-next-12-months = Seuraavat 12 kuukautta
dashboard-col-exit-rate = Etuudelta poistuvia kuukaudessa (%)
dashboard-forecast = Tuleva rahoitusvastuu
dashboard-forecast-caption = Kunnan rahoitusosuus kuukausittain kuukauden %1 jälkeen
dashboard-col-continuing = Jos etuudet jatkuvat
dashboard-col-with-exits = Viimeaikaisella poistumalla
dashboard-budget = Talousarvio %1
dashboard-budget-caption = Määrärahat ja sidonnat, %1
dashboard-budget-caption-closed = Määrärahat ja sidonnat, %1 (vuosi suljettu)
dashboard-budget-none = Tälle vuodelle ei ole asetettu määrärahoja.
dashboard-col-purpose = Käyttötarkoitus
dashboard-col-appropriation = Määräraha
dashboard-col-committed = Sidottu
dashboard-col-spent = Käytetty
dashboard-col-free = Vapaana
dashboard-col-used = Käyttöaste
dashboard-col-year-end = Ennuste vuodelle
dashboard-purpose-employment-grants = Työllistämisavustukset
dashboard-purpose-pay-subsidy-top-ups = Kunnan lisät palkkatukeen
dashboard-purpose-bought-places = Ostopalvelupaikat
dashboard-purpose-other = Muut
