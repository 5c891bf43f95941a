# Siirtotuonti TE-toimistosta: viesti kullekin hylkäyskoodille ja tiedostovirheelle.

transfer-missing = Arvo on pakollinen.
transfer-invalid-hetu = Henkilötunnus ei kelpaa: { $detail }
transfer-invalid-language = Kielikoodi ei kelpaa: anna ISO 639-1 -koodi (kaksi kirjainta, esim. fi, sv, so) tai sellaisen kielen ISO 639-2/639-3 -koodi (kolme kirjainta, esim. fin, swe, som), jolla on kaksikirjaiminen koodi. Saamen kielet (myös smn, sms) käyvät.
transfer-invalid-service-language = Asiointikielen on oltava fi, sv tai en.
transfer-invalid-municipality = Ei kuntanumero (kolme numeroa, esim. 638).
transfer-municipality-not-in-area = Kunta ei kuulu tähän työllisyysalueeseen.
transfer-invalid-date = Ei päivämäärä (käytä muotoa 2021-03-01 tai 1.3.2021).
transfer-invalid-benefit = Tuntematon etuus (käytä arvoa tyomarkkinatuki, peruspaivaraha, ansiopaivaraha tai ei).
transfer-invalid-boolean = Ei kyllä/ei-arvo (käytä 1/0, true/false, kyllä/ei tai ja/nej).
transfer-invalid-postal-code = Postinumerossa on viisi numeroa.
transfer-invalid-email = Sähköpostiosoite ei kelpaa.
transfer-invalid-characters = Sisältää ohjausmerkin (esimerkiksi NUL tai escape).
transfer-invalid-phone = Ei puhelinnumero (numeroita, välilyönnein tai viivoin, esim. 040 123 4567).
transfer-too-long = Liian pitkä (enintään { $max } merkkiä).
transfer-invalid-encoding = Rivi ei ole kelvollista UTF-8:aa. Tallenna tiedosto UTF-8-muodossa.
transfer-malformed-record = Rivillä ei ole samoja sarakkeita kuin otsikkorivillä.
transfer-record-too-large = Rivi on liian pitkä; luultavasti lainausmerkki on jäänyt sulkematta. Lukeminen pysähtyi tähän.
transfer-io = Tiedostoa ei voitu lukea pidemmälle. Lukeminen pysähtyi tähän.
transfer-unreadable-file = Tiedostoa ei voitu lukea.
transfer-empty-file = Tiedosto on tyhjä.
transfer-header-too-long = Otsikkorivi on liian pitkä (enintään { $max } tavua).
transfer-missing-columns = Pakollisia sarakkeita puuttuu: { $columns }
transfer-duplicate-column = Sarake { $column } on kahdesti.

hetu-error-format = väärä pituus tai merkit
hetu-error-century-sign = tuntematon välimerkki
hetu-error-date = päivämäärää ei ole olemassa
hetu-error-individual-number = yksilönumeron on oltava 002–899
hetu-error-temporary-code = väliaikaisia tunnuksia (900–999) ei hyväksytä
hetu-error-checksum = tarkistusmerkki ei täsmää

import-summary = { $lines } riviä: { $imported } tuotu, { $updated } päivitetty, { $notEligible } ei asiakkaaksi, { $rejected } hylätty; { $letters } kirjettä.
import-dry-run = Koeajo: mitään ei tallennettu.
import-rejected-line = rivi { $line }, { $column }: { $message }
import-unknown-columns = Ohitetut sarakkeet: { $columns }

# Laajennussarake ansiosidonnainen ja asiakkaaksi ottamisen säännöt siirtopäivän mukaan
# (docs/transfer-csv.md, crates/polku-transfer/rules/transfer-eligibility.toml).
transfer-contradicts-benefit = Sarakkeen mukaan oikeutta ansiopäivärahaan ei ole, mutta etuus on ansiopaivaraha.
transfer-no-rules-for-date = Siirtopäivälle { $date } ei ole asiakkaaksi ottamisen sääntöjä; ensimmäiset ovat voimassa { $first } alkaen.
transfer-rules-experiment-2021 = Työllisyyden edistämisen kuntakokeilu (laki 1269/2020, 4 §): työttömät ja palveluissa olevat työnhakijat, joilla ei ole oikeutta ansiopäivärahaan, sekä kaikki alle 30-vuotiaat ja vieraskieliset.
transfer-rules-employment-services-2025 = Kaikki työnhakijat, joiden kotikunta on alueella, 1.1.2025 alkaen (laki 380/2023).
transfer-eligibility-no-earnings-related-right = työtön tai palvelussa, ei oikeutta ansiopäivärahaan
transfer-eligibility-under-30 = alle 30-vuotias
transfer-eligibility-foreign-language = vieraskielinen (äidinkieli muu kuin suomi, ruotsi tai saame)
transfer-eligibility-resident = alueen työnhakija (kotikunta alueella)
