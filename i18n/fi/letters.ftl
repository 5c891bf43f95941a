# Henkilökohtainen siirtokirje TE-toimiston asiakkaalle, jonka palvelut siirtyvät
# kunnan työllisyysalueelle (crates/polku-i18n/src/letters.rs).
# Jokaisen avaimen on löydyttävä myös sv/- ja en/-kansioista.
#
# Muuttujat:
#   $name        asiakkaan nimi
#   $area        työllisyysalueen nimi perusmuodossa, esim. "Helsingin työllisyysalue";
#                lauseet on muotoiltu niin, ettei nimeä tarvitse taivuttaa
#   $coach       omavalmentajan nimi
#   $coachPhone  omavalmentajan puhelinnumero
#   $coachEmail  omavalmentajan sähköpostiosoite
#   $date        kirjeen päiväys muodossa p.k.vvvv

letter-transfer-title = Työllisyyspalvelusi siirtyvät TE-toimistosta työllisyysalueelle
letter-transfer-date = Päiväys { $date }
letter-transfer-greeting = Hei { $name }!
letter-transfer-intro =
    Olet ollut TE-toimiston asiakas. Nyt olet kotikuntasi työllisyysalueen asiakas,
    ja työllisyyspalveluistasi vastaa { $area }.
letter-transfer-continuity =
    Sinun ei tarvitse tehdä siirron vuoksi mitään. Työnhakusi jatkuu katkeamatta,
    ja tietosi sekä voimassa oleva työllistymissuunnitelmasi siirtyvät mukanasi.

## Omavalmentaja

letter-transfer-coach =
    Omavalmentajasi on { $coach }. Hän tukee sinua työnhaussa ja sopii kanssasi
    palveluista, jotka auttavat sinua työllistymään.
letter-transfer-coach-contact-phone-email =
    Tavoitat omavalmentajasi puhelimitse numerosta { $coachPhone }
    tai sähköpostitse osoitteesta { $coachEmail }.
letter-transfer-coach-contact-phone = Tavoitat omavalmentajasi puhelimitse numerosta { $coachPhone }.
letter-transfer-coach-contact-email = Tavoitat omavalmentajasi sähköpostitse osoitteesta { $coachEmail }.
letter-transfer-no-coach =
    Sinulle ei ole vielä nimetty omavalmentajaa. Kerromme sinulle, kun omavalmentaja
    on nimetty. Sitä ennen voit kääntyä työllisyysalueen asiakaspalvelun puoleen.
letter-transfer-area-contact =
    Jos sinulla on kysyttävää, ota yhteyttä työllisyysalueeseesi: { $area }.
    Yhteystiedot ja asiointipisteet löydät Työmarkkinatorilta osoitteesta tyomarkkinatori.fi.

## Mitä seuraavaksi tapahtuu

letter-transfer-next-heading = Mitä seuraavaksi tapahtuu?
letter-transfer-next-interview =
    Sinulle järjestetään alkuhaastattelu. Saat kutsun, josta näet haastattelun ajan
    ja tavan: puhelu, videoyhteys tai tapaaminen.
letter-transfer-next-obligations =
    Työnhakuvelvollisuutesi pysyy ennallaan: hae työpaikkoja työllistymissuunnitelmasi
    mukaisesti ja ilmoita hakemasi työpaikat verkkoasioinnissa kuten tähänkin asti.
letter-transfer-next-benefits =
    Työttömyysetuutesi maksaa edelleen Kela tai työttömyyskassasi. Etuutta ei tarvitse
    hakea uudelleen siirron vuoksi.
letter-transfer-next-language =
    Kaksikielisellä työllisyysalueella sinulla on oikeus asioida suomeksi tai ruotsiksi.
    Kerro meille, jos haluat vaihtaa asiointikieltäsi.
letter-transfer-next-eservices =
    Voit kirjautua sähköiseen asiointiin Työmarkkinatorilla (tyomarkkinatori.fi) vahvalla
    tunnistautumisella, esimerkiksi pankkitunnuksilla tai mobiilivarmenteella. Siellä näet
    työllistymissuunnitelmasi ja voit ilmoittaa muutoksista.

## Lopetus

letter-transfer-closing = Tervetuloa asiakkaaksemme! Olemme sinuun pian yhteydessä.
letter-transfer-signoff = Ystävällisin terveisin
letter-transfer-signature = { $area }

## The printed tripartite agreement.
agreement-title = Kolmikantasopimus
agreement-kind-work_trial = työkokeilu
agreement-kind-pay_subsidised_job = palkkatuettu työ
agreement-kind-employer_placement = työnantajajakso
agreement-parties = Sopijapuolet
agreement-customer = Asiakas
agreement-organiser = Järjestäjä
agreement-area = Työllisyysalue
agreement-terms = Sopimuksen ehdot
agreement-tasks = Tehtävät
agreement-place = Työpaikka
agreement-period = Voimassa
agreement-working-time = Työaika
agreement-working-time-value = { $days } päivää viikossa, { $hours } tuntia päivässä
agreement-supervisor = Ohjaaja työpaikalla
agreement-coach = Yhteyshenkilö työllisyysalueella
agreement-insurance = Vakuutukset
agreement-subsidy-terms = Tuen ehdot
agreement-none = Ei sovellu
agreement-renews = Tämä sopimus jatkaa sopimusta, joka oli voimassa { $from } – { $to }; vain päivämäärät ovat muuttuneet.
agreement-confirmations = Vahvistukset
agreement-confirmed = Vahvistettu { $date } ({ $how })
agreement-not-confirmed = Ei vielä vahvistettu
agreement-state-draft = Luonnos
agreement-state-in_force = Voimassa
agreement-state-closed = Päättynyt
agreement-state-withdrawn = Peruttu
agreement-how-electronic = sähköisesti Polussa
agreement-how-signature = allekirjoituksella
agreement-how-strong_identification = vahvalla tunnistautumisella
agreement-how-in_person = henkilökohtaisesti
agreement-how-phone = puhelimitse
agreement-signatures = Allekirjoitukset
agreement-copy = kieli: { $language }
