# Överföringsimport från TE-byrån: ett meddelande per avvisningskod och filfel.

transfer-missing = Värdet är obligatoriskt.
transfer-invalid-hetu = Ingen giltig personbeteckning: { $detail }
transfer-invalid-language = Ogiltig språkkod: ange en kod enligt ISO 639-1 (två bokstäver, t.ex. fi, sv, so) eller en kod enligt ISO 639-2/639-3 (tre bokstäver, t.ex. fin, swe, som) för ett språk som har en tvåbokstavskod. Samiska språk (även smn, sms) godtas.
transfer-invalid-service-language = Ärendespråket måste vara fi, sv eller en.
transfer-invalid-municipality = Ingen kommunkod (tre siffror, t.ex. 638).
transfer-municipality-not-in-area = Kommunen hör inte till detta sysselsättningsområde.
transfer-invalid-date = Inget datum (använd 2021-03-01 eller 1.3.2021).
transfer-invalid-benefit = Okänd förmån (använd tyomarkkinatuki, peruspaivaraha, ansiopaivaraha eller ei).
transfer-invalid-boolean = Inget ja/nej-värde (använd 1/0, true/false, kyllä/ei eller ja/nej).
transfer-invalid-postal-code = Ett postnummer har fem siffror.
transfer-invalid-email = Ingen giltig e-postadress.
transfer-invalid-characters = Innehåller ett styrtecken (till exempel NUL eller escape).
transfer-invalid-phone = Inget telefonnummer (siffror, med mellanslag eller bindestreck, t.ex. 040 123 4567).
transfer-too-long = För långt (högst { $max } tecken).
transfer-invalid-encoding = Raden är inte giltig UTF-8. Spara filen som UTF-8.
transfer-malformed-record = Raden har inte samma kolumner som rubrikraden.
transfer-record-too-large = Raden är för lång; troligen har ett citattecken inte stängts. Läsningen stannade här.
transfer-io = Filen kunde inte läsas längre. Läsningen stannade här.
transfer-unreadable-file = Filen kunde inte läsas.
transfer-empty-file = Filen är tom.
transfer-header-too-long = Rubrikraden är för lång (högst { $max } byte).
transfer-missing-columns = Obligatoriska kolumner saknas: { $columns }
transfer-duplicate-column = Kolumnen { $column } förekommer två gånger.

hetu-error-format = fel längd eller fel tecken
hetu-error-century-sign = okänt skiljetecken
hetu-error-date = datumet finns inte
hetu-error-individual-number = individnumret måste vara 002–899
hetu-error-temporary-code = tillfälliga beteckningar (900–999) godtas inte
hetu-error-checksum = kontrolltecknet stämmer inte

import-summary = { $lines } rader: { $imported } importerade, { $updated } uppdaterade, { $notEligible } inte kunder, { $rejected } avvisade; { $letters } brev.
import-dry-run = Provkörning: ingenting sparades.
import-rejected-line = rad { $line }, { $column }: { $message }
import-unknown-columns = Ignorerade kolumner: { $columns }

# Tilläggskolumnen ansiosidonnainen och reglerna för vem som blir kund enligt överföringsdagen
# (docs/transfer-csv.md, crates/polku-transfer/rules/transfer-eligibility.toml).
transfer-contradicts-benefit = Enligt kolumnen finns ingen rätt till inkomstrelaterad dagpenning, men förmånen är ansiopaivaraha.
transfer-no-rules-for-date = Det finns inga regler för vem som blir kund för överföringsdagen { $date }; de första gäller från { $first }.
transfer-rules-experiment-2021 = Kommunförsöket för främjande av sysselsättningen (lag 1269/2020, 4 §): arbetslösa arbetssökande och arbetssökande i tjänster utan rätt till inkomstrelaterad dagpenning samt alla under 30 år och alla med främmande modersmål.
transfer-rules-employment-services-2025 = Alla arbetssökande vars hemkommun ligger i området, från 1.1.2025 (lag 380/2023).
transfer-eligibility-no-earnings-related-right = arbetslös eller i tjänst, utan rätt till inkomstrelaterad dagpenning
transfer-eligibility-under-30 = under 30 år
transfer-eligibility-foreign-language = främmande modersmål (annat än finska, svenska eller samiska)
transfer-eligibility-resident = arbetssökande i området (hemkommun i området)
