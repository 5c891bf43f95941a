# Polun viestit suomeksi. Jokaisen avaimen on löydyttävä myös sv/- ja en/-kansioista.

field-label = kenttä

## Virheet: yksi viesti kutakin ErrorCodea kohden.

error-unauthenticated = Kirjaudu ensin sisään: pyynnössä ei ollut käyttöoikeustunnistetta.
error-invalid-token = Käyttöoikeustunniste ei kelpaa.
error-token-expired = Käyttöoikeustunniste on vanhentunut. Kirjaudu uudelleen.
error-forbidden = Sinulla ei ole oikeutta tähän toimintoon.
error-not-found = Ei löytynyt.
error-unknown-tenant = Tunnisteessa nimettyä työllisyysaluetta ei ole olemassa.
error-validation = Kentän { $field } arvo ei kelpaa.
error-required = { $field } on pakollinen.
error-too-long = { $field } on liian pitkä (enintään { $max } merkkiä).
error-invalid-slug = { $field }: "{ $value }" ei kelpaa tunnisteeksi. Käytä pieniä kirjaimia a–z, numeroita ja yhdysmerkkejä, ja aloita kirjaimella.
error-slug-taken = { $field }: tunniste on jo käytössä.
error-invalid-municipality-code = { $field }: "{ $value }" ei ole kuntanumero. Käytä Tilastokeskuksen kolminumeroista koodia, esim. 638.
error-unknown-municipality = { $field }: kuntaa numerolla { $value } ei ole.
error-municipality-taken = { $field }: kunta { $value } kuuluu jo toiseen työllisyysalueeseen.
error-unknown-region = { $field }: aluetta "{ $value }" ei ole.
error-invalid-business-id = { $field }: "{ $value }" ei ole kelvollinen Y-tunnus. Muoto on 1234567-8, ja tarkistusnumeron on täsmättävä.
error-business-id-taken = { $field }: kumppani tällä Y-tunnuksella on jo olemassa.
error-invalid-language = { $field }: "{ $value }" ei ole tuettu kieli. Käytä koodia fi, sv tai en.
error-language-not-enabled = { $field }: kieli { $lang } ei ole käytössä tällä työllisyysalueella.
error-default-language-not-enabled = { $field }: oletuskielen on oltava yksi käytössä olevista kielistä.
error-negative-capacity = { $field }: kapasiteetti ei voi olla negatiivinen.
error-invalid-amount = { $field }: "{ $value }" ei ole kelvollinen euromäärä (enintään kaksi desimaalia, esim. 1250,50).
error-invalid-date-range = { $field }: päättymispäivä on ennen alkamispäivää.
error-out-of-range = { $field } on sallitun alueen ulkopuolella (sallittu { $min }–{ $max }).
error-invalid-email = { $field } ei ole kelvollinen sähköpostiosoite.
error-unknown-partner = { $field }: tällä työllisyysalueella ei ole tällaista kumppaniorganisaatiota.
error-already-retired = Palvelu on jo poistettu käytöstä.
error-invalid-cursor = { $field }: sivutuskohdistin ei kelpaa. Aloita ensimmäiseltä sivulta.
error-page-size-too-large = { $field }: enintään { $max } kohdetta sivulla.
error-query-too-deep = Kysely on liian syvä (enintään { $max } tasoa).
error-query-too-complex = Kysely on liian monimutkainen (enintään { $max }).
error-bad-request = Pyyntö ei kelpaa: { $value }
error-unavailable = Palvelu ei ole tilapäisesti käytettävissä. Yritä hetken kuluttua uudelleen.
error-internal = Meillä tapahtui virhe. Mainitse tämä jäljitystunnus ottaessasi yhteyttä tukeen: { $trace }
error-invalid-hetu = { $field } ei ole kelvollinen henkilötunnus.
error-customer-exists = { $field }: asiakas tällä henkilötunnuksella on jo tällä alueella.
error-municipality-not-in-area = { $field }: kunta { $value } ei kuulu tähän työllisyysalueeseen.
error-municipality-in-use = { $field }: poistettavassa kunnassa asuu alueen asiakkaita.
error-unknown-coach = { $field }: tällä työllisyysalueella ei ole tällaista omavalmentajaa.
error-caseload-full = Omavalmentajan asiakasmäärä on täynnä ({ $max } asiakasta). Esihenkilö voi ohittaa rajan.
error-unknown-task = { $field }: suunnitelmassa ei ole tällaista tehtävää.
error-stale-plan-version = Suunnitelmaa on muutettu avaamisesi jälkeen (nyt versio { $value }). Lataa se uudelleen ja yritä uudestaan.
error-invalid-transfer-file = Siirtotiedostoa ei voi lukea: { $value }
error-no-rule-for-date = { $field }: päivänä { $value } ei ollut voimassa palvelumallin sääntöjä (ensimmäiset tulivat voimaan 2.5.2022).
error-date-too-far-ahead = { $field }: { $value } on yli vuoden päässä.
error-no-path-rule-for-date = { $field }: päivänä { $value } ei ollut voimassa palvelupolun rajoja (ensimmäiset alkavat { $first }).
error-not-a-period = { $field }: poistumisella (työ, koulutus, muu) on vain päivä, ei loppupäivää.
error-period-length = { $field }: jakso voi kestää { $min }–{ $max } kuukautta.
error-work-trial-limit = { $field }: { $scope ->
        [organiser] työkokeilu saman järjestäjän luona voi kestää enintään { $months } kuukautta.
        [task] työkokeilu kunnassa samassa tehtävässä voi kestää enintään { $months } kuukautta.
       *[total] työkokeiluja voi olla yhteensä enintään { $months } kuukautta.
    }
error-invalid-subsidy-rate = { $field }: palkkatuki on 30, 40, 50, 70 tai 100 prosenttia, ei { $value }; alkupäivän säännöt ratkaisevat, mitkä niistä.
error-subsidy-rate-not-allowed = { $field }: { $rate } prosentin palkkatuki on vain yhdistyksille, säätiöille ja rekisteröidyille uskonnollisille yhdyskunnille, kun työaika on enintään { $percent } % täydestä.
error-subsidy-cap-exceeded = { $field }: { $rate } prosentin palkkatuki on enintään { $cap } € kuukaudessa.
error-path-overlap = { $field }: menee päällekkäin jakson { $from }–{ $to } kanssa.
error-service-category-mismatch = { $field }: palvelu ei kuulu tähän palvelupolun vaiheeseen.
error-unknown-service = { $field }: työllisyysalueen palveluvalikoimassa ei ole tällaista palvelua.
error-label-taken = { $field }: tunnus on jo käytössä.
error-illegal-transition = Lähetettä ei voi { $value ->
        [send] lähettää
        [accept] hyväksyä
        [decline] hylätä
        [start] aloittaa
        [complete] päättää
        [interrupt] keskeyttää
       *[other] perua
    } tilassa { $from }.
error-service-retired = { $field }: palvelu on poistettu käytöstä, eikä siihen voi enää ohjata.
error-api-key-revoked = API-avain on peruttu.
error-rate-limited = Liikaa pyyntöjä. Yritä uudelleen { $value } sekunnin kuluttua.
error-grant-working-time = { $field }: työllisyysavustus edellyttää yli { $min } %:n työaikaa; { $value } % ei riitä.
error-grant-employer-kind = { $field }: työllisyysavustusta voi saada vain yritys tai yhdistys.
error-persisted-query-not-found = Tallennettua kyselyä ei tunneta; lähetä kysely tiivisteen kanssa.
error-invalid-month = { $field }: "{ $value }" ei ole kuukausi. Kirjoita se muodossa VVVV-KK, esim. 2026-03.
error-period-outside-data = { $field }: { $value } on tunnuslukujen ulkopuolella; niitä on kuukausilta { $from }–{ $to }.
error-region-not-held = { $field }: valvontaoikeutesi on alueeseen { $region }, ei alueeseen "{ $value }".
error-area-outside-region = { $field }: työllisyysalue "{ $value }" ei ole niiden alueiden joukossa, joita saat tarkastella.

## Tunnuslukujen jaottelut

figures-group-labour-market-subsidy = työmarkkinatuki
figures-group-basic-daily-allowance = peruspäiväraha
figures-group-earnings-related-allowance = ansiopäiväraha
figures-group-none = ei etuutta
figures-group-unknown = ei tiedossa
figures-lang-fi = suomi
figures-lang-sv = ruotsi
figures-lang-en = englanti
figures-age-15-24 = 15–24 v
figures-age-25-29 = 25–29 v
figures-age-30-54 = 30–54 v
figures-age-55-64 = 55–64 v
figures-age-65-plus = 65 v tai yli
figures-exit-open-market = avoimet työmarkkinat
figures-exit-pay-subsidised-work = palkkatuettu työ
figures-exit-education = koulutus
figures-category-personal-coaching = henkilökohtainen valmennus
figures-category-workshop = työpaja
figures-category-training = koulutus
figures-category-rehabilitative-work = kuntouttava työtoiminta
figures-category-work-trial = työkokeilu
figures-category-pay-subsidised-employment = palkkatuettu työ
figures-category-apprenticeship = oppisopimus
figures-category-skills-demonstration = näyttötutkinto
figures-category-employment-grant = työllisyysavustus
figures-category-other = muu palvelu
error-invalid-date = { $field } ei ole Polussa käytettävä päivämäärä (sallittu { $min }–{ $max }).
error-not-committed = Osa pyynnöstä epäonnistui tietokannassa, joten mitään ei tallennettu eikä tietoja palautettu. Yritä uudelleen; jos virhe toistuu, mainitse tukeen tämä jäljitystunnus: { $trace }
error-reveal-reason-required = { $field }: ilman perustetta henkilötunnuksen voi nähdä vain asiakkaan omavalmentaja (nimetty vähintään { $hours } tuntia sitten) tai esihenkilö. Kerro peruste; se kirjataan lokiin.
error-too-many-fields = Kysely pyytää { $count } kenttää; yhdessä pyynnössä saa olla enintään { $max }.
error-payload-too-large = Pyyntö on liian suuri: enintään { $value }.
error-request-timeout = Pyyntö kesti liian kauan (yli { $value } s) ja keskeytettiin. Yritä uudelleen.
error-subscriptions-only = WebSocket-yhteydellä voi lähettää vain tilauksia; lähetä kyselyt ja muutokset osoitteeseen POST /graphql.
error-too-many-subscriptions = Yhdellä yhteydellä voi olla auki enintään { $value } tilausta.
error-too-many-connections = Sinulla on jo { $value } avointa yhteyttä; sulje jokin ensin.
error-connection-init-timeout = Yhteyttä ei alustettu ajoissa.
error-subsidy-rate-not-in-force = { $field }: { $date } voimassa olleissa säännöissä ei ole { $rate } prosentin palkkatukea; niissä on { $value } prosenttia.
error-subsidy-basis-not-in-force = { $field }: { $value ->
        [employment_subsidy_55] 55 vuotta täyttäneiden työllistämistukea
       *[other] tätä palkkatuen perustetta
    } ei ollut { $date } voimassa olleissa säännöissä.
error-subsidy-rate-for-basis = { $field }: tällä perusteella { $date } voimassa olleet säännöt antavat { $value } prosenttia, eivät { $rate }.
error-subsidy-employer-not-allowed = { $field }: { $name ->
        [municipal_unit] { $date } alkaen kunta tai kuntayhtymä saa palkkatukea vain alentuneesti työkykyisen tai 60 vuotta täyttäneen pitkään työttömänä olleen palkkaamiseen.
       *[other] tällainen työnantaja ei saa palkkatukea tällä perusteella ({ $date } alkaen voimassa olevat säännöt).
    }
error-subsidy-condition-not-met = { $field }: { $scope ->
        [unemployment] tuki edellyttää vähintään { $min } kuukauden työttömyyttä viimeisten { $max } kuukauden aikana.
        [age] tuki on henkilölle, joka on ensimmäisenä päivänä täyttänyt { $min } vuotta.
       *[business] 100 prosentin palkkatuki on vain tehtäviin, joita ei katsota elinkeinotoiminnaksi.
    }
error-subsidy-period-too-long = { $field }: { $scope ->
        [longer] tukea myönnetään enintään { $months } kuukaudeksi; { $value } kuukaudeksi, jos henkilö on ollut työttömänä vähintään { $min } kuukautta viimeisten { $max } kuukauden aikana.
       *[at_a_time] tukea myönnetään enintään { $months } kuukaudeksi kerrallaan.
    }
error-subsidy-same-employer = { $field }: tällä työnantajalla oli palkkatuki tämän asiakkaan palkkaukseen { $to } asti; samalle työnantajalle uusi tuki on mahdollinen { $date } alkaen ({ $value } vuoden kuluttua), ellei peruste ole alentunut työkyky.
error-date-in-future = { $field } on tulevaisuudessa: kirjaa tapahtunut asia sen päivämäärällä.
error-no-job-search = { $field }: asiakkaalla ei ole työnhakua (ei alkamispäivää), joten laiminlyöntiä tai työpaikkaa ei voi kirjata.
error-invalid-postal-code = { $field } ei ole postinumero: viisi numeroa, esim. 00140.
error-invalid-characters = { $field } sisältää ohjausmerkin (esimerkiksi NUL tai escape); sallittuja ovat kirjaimet, numerot, välimerkit, välilyönnit ja rivinvaihdot.
error-invalid-phone = { $field } ei ole puhelinnumero: numeroita, halutessasi välilyönnein tai viivoin, esim. 040 123 4567 tai +358 40 123 4567.
error-retention-below-minimum = { $field }: vähintään { $min } vuotta; lain vähimmäisaikaa lyhyempää säilytysaikaa ei voi asettaa (lähde: { $value }).
error-legal-hold-active = { $field }: asiakkaan tiedoilla on säilytysvelvoite (legal hold); poista se ennen tietojen poistamista.
error-erasure-not-allowed = { $field }: asiakkaan tiedot on säilytettävä niin kauan kuin tuki tai palvelupolun jakso on käynnissä (työvoimapalvelulaki ja kirjanpitosäännöt edellyttävät sitä); poisto on mahdollinen sen päätyttyä.
error-legal-basis-required = { $field }: lähetettä ei voi lähettää ilman perustetta asiakkaan tietojen luovuttamiselle: kirjaa asiakkaan suostumus tai valitse lakiperuste.
error-unknown-legal-basis = { $field } ei ole Polun tuntema luovutusperuste; valitse peruste luettelosta.
error-consent-not-recorded = { $field }: suostumukselle tarvitaan päivä, jona se annettiin (ei tulevaisuudessa), ja tapa, jolla se annettiin.
error-appointment-transition = Tapaamista, joka on { $from ->
        [booked] varattu
        [confirmed] vahvistettu
        [cancelled] peruttu
        [held] pidetty
       *[no_show] jäänyt väliin
    }, ei voi { $action ->
        [booked] varata
        [confirmed] vahvistaa
        [rescheduled] siirtää
        [cancelled] perua
        [held] kirjata pidetyksi
       *[no_show] kirjata väliin jääneeksi
    }.
error-appointment-not-due = { $field }: tapaamisen aika ei ole vielä tullut; sen voi kirjata pidetyksi tai väliin jääneeksi vasta alkamisajan jälkeen.
error-appointment-in-past = { $field } on menneisyydessä: tapaaminen varataan tulevaan aikaan.
error-outside-working-hours = { $field } on omavalmentajan työajan ulkopuolella tai vapaapäivänä; esihenkilö voi silti varata sen.
error-appointment-overlap = { $field }: omavalmentajalla on jo tapaaminen samaan aikaan; valitse vapaa aika, tai esihenkilö voi silti varata sen.
error-invalid-url = { $field } ei ole kelvollinen https-linkki.
error-customer-not-active = { $field }: henkilö ei ole enää alueen asiakas (muuttanut, työllistynyt tai asiakkuus päättynyt), joten tapaamista ei voi varata.
error-no-contact-for-channel = { $field }: asiakkaalla ei ole yhteystietoa tätä lähetystapaa varten; kirjaa sähköpostiosoite tai puhelinnumero, tai valitse kirje.
error-invoice-header = { $field }: ensimmäisen rivin on oltava otsikko kuukausi;kunta;henkilotunnus;etuus;paivat;kertyneet_paivat;maksettu;kunnan_osuus (ks. docs/money.md).
error-invoice-columns = { $field }: rivillä on 8 puolipisteillä erotettua saraketta; tällä on { $value }.
error-invalid-benefit = { $field }: "{ $value }" ei ole etuuden koodi; käytä TMT (työmarkkinatuki), PPR (peruspäiväraha) tai APR (ansiopäiväraha).
error-invoice-month-imported = { $field }: kuukauden { $value } lasku on jo tuotu; kuukausi tuodaan kerran.
error-invoice-mixed-months = { $field }: tiedoston kaikki rivit koskevat samaa kuukautta; tämä rivi koskee kuukautta { $value }.
error-municipality-outside-area = { $field }: kunta { $value } ei kuulu tähän työllisyysalueeseen.
error-invoice-duplicate-line = { $field }: sama henkilö, etuus ja kunta ovat jo rivillä { $value }.
error-invoice-days = { $field }: päiviä on kuukaudessa 1–23, ja kertyneitä päiviä vähintään kuukauden päivien verran.
error-invoice-share-over-paid = { $field }: kunnan osuus ei voi olla suurempi kuin maksettu etuus.
error-budget-exceeded = { $field }: { $value } € ylittäisi määrärahan; vapaana on { $max } €. Esihenkilö voi ohittaa perustellen.
error-budget-year-closed = { $field }: talousarviovuosi { $value } on suljettu; siihen ei voi tehdä sitoumuksia.
error-appropriation-below-committed = { $field }: määräraha ei voi olla pienempi kuin jo sidotut { $min } €.
error-unknown-staff = { $field }: tällaista työntekijää ei ole tällä työllisyysalueella.
error-unknown-question = { $field }: tämän palvelun loppuarviossa ei ole kysymystä "{ $value }".
error-invalid-answer = { $field }: vastaus ei sovi kysymykseen (kyllä/ei, 1–5 tai teksti).
error-attendance-week-start = { $field }: viikon tunnit ilmoitetaan viikon maanantaina; { $value } ei ole maanantai.
error-attendance-outside-referral = { $field }: { $value } on ohjauksen ulkopuolella ({ $from } – { $to }).
error-attendance-hours-over = { $field }: { $value } tuntia on enemmän kuin sallitut { $max }.
error-attendance-month-closed = { $field }: kuukauden { $value } läsnäolo on suljettu, eikä sitä voi enää ilmoittaa tai korjata.
error-referral-still-open = { $field }: ohjaus ei ole päättynyt; loppuarvio tehdään, kun se on päättynyt tai keskeytynyt.
error-assessment-already-filed = { $field }: tämän ohjauksen loppuarvio on jo jätetty.
error-agreement-transition = { $field }: tilassa { $value } olevaa sopimusta ei voi muuttaa näin.
error-agreement-renewal = { $field }: voimassa olevan sopimuksen voi uusia kerran, ja vain sen päivämäärät muuttuvat.
error-attendance-duplicate-day = { $field }: { $value } on ilmoitettu kahdesti samassa pyynnössä.
error-agreement-outside-period = { $field }: asiakkaan polulla ei ole palkkatukijaksoa, joka kattaa ajan { $from }–{ $to }; kirjaa palkkatukipäätös polulle ensin.
error-agreement-referral-ended = { $field }: ohjauksen tila on { $value }; sopimus tehdään hyväksytylle tai käynnissä olevalle ohjaukselle.
funding-assumptions = Jatkuvat: jokainen viimeisimmän laskun etuus jatkuu samalla päivärahalla viitenä päivänä viikossa, ja päivät kertyvät portaisiin. Poistumat huomioiden: kuten edellä, mutta joka kuukausi vähennettynä kahden viimeisimmän laskun välillä etuudelta poistuneiden osuudella. Vuoden 2025 säännön prosentteja ei ole varmistettu laista (ks. docs/money.md).
