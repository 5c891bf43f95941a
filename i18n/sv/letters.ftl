# Personligt överföringsbrev till en kund hos TE-byrån vars tjänster flyttas till
# kommunens sysselsättningsområde (crates/polku-i18n/src/letters.rs).
# Varje nyckel ska också finnas i mapparna fi/ och en/.
#
# Variabler:
#   $name        kundens namn
#   $area        sysselsättningsområdets namn, t.ex. "Helsingfors sysselsättningsområde"
#   $coach       egencoachens namn
#   $coachPhone  egencoachens telefonnummer
#   $coachEmail  egencoachens e-postadress
#   $date        brevets datum i formen d.m.åååå

letter-transfer-title = Dina sysselsättningstjänster flyttas från TE-byrån till sysselsättningsområdet
letter-transfer-date = Datum { $date }
letter-transfer-greeting = Hej { $name }!
letter-transfer-intro =
    Du har varit kund hos TE-byrån. Nu är du kund hos sysselsättningsområdet i din
    hemkommun, och { $area } ansvarar för dina sysselsättningstjänster.
letter-transfer-continuity =
    Du behöver inte göra något med anledning av överföringen. Din arbetssökning fortsätter
    utan avbrott, och dina uppgifter och din gällande sysselsättningsplan följer med.

## Egencoach

letter-transfer-coach =
    Din egencoach är { $coach }. Egencoachen stöder dig i arbetssökningen, och tillsammans
    kommer ni överens om tjänster som hjälper dig att få arbete.
letter-transfer-coach-contact-phone-email =
    Du når din egencoach på telefon { $coachPhone }
    eller per e-post { $coachEmail }.
letter-transfer-coach-contact-phone = Du når din egencoach på telefon { $coachPhone }.
letter-transfer-coach-contact-email = Du når din egencoach per e-post { $coachEmail }.
letter-transfer-no-coach =
    Du har ännu inte fått någon egencoach. Vi meddelar dig när en egencoach har utsetts.
    Fram till dess kan du vända dig till sysselsättningsområdets kundtjänst.
letter-transfer-area-contact =
    Om du har frågor kan du kontakta ditt sysselsättningsområde: { $area }.
    Kontaktuppgifter och serviceställen hittar du på Jobbmarknad, tyomarkkinatori.fi/sv.

## Vad händer härnäst

letter-transfer-next-heading = Vad händer härnäst?
letter-transfer-next-interview =
    Vi ordnar en inledande intervju för dig. Du får en kallelse där det framgår när
    och hur intervjun hålls: per telefon, via videolänk eller vid ett möte.
letter-transfer-next-obligations =
    Din skyldighet att söka arbete är densamma som tidigare: sök jobb enligt din
    sysselsättningsplan och meddela vilka jobb du har sökt i e-tjänsten, precis som förut.
letter-transfer-next-benefits =
    Din arbetslöshetsförmån betalas som tidigare av FPA eller din arbetslöshetskassa.
    Du behöver inte ansöka om förmånen på nytt på grund av överföringen.
letter-transfer-next-language =
    I ett tvåspråkigt sysselsättningsområde har du rätt att uträtta ärenden på finska
    eller svenska. Meddela oss om du vill byta ärendespråk.
letter-transfer-next-eservices =
    Du kan logga in i e-tjänsterna på Jobbmarknad (tyomarkkinatori.fi/sv) med stark
    autentisering, till exempel med nätbankskoder eller mobilcertifikat. Där ser du din
    sysselsättningsplan och kan meddela ändringar.

## Avslutning

letter-transfer-closing = Välkommen som kund hos oss! Vi hör av oss snart.
letter-transfer-signoff = Med vänliga hälsningar
letter-transfer-signature = { $area }

## The printed tripartite agreement.
agreement-title = Trepartsavtal
agreement-kind-work_trial = arbetsprövning
agreement-kind-pay_subsidised_job = arbete med lönesubvention
agreement-kind-employer_placement = arbetsgivarperiod
agreement-parties = Avtalsparter
agreement-customer = Kund
agreement-organiser = Anordnare
agreement-area = Sysselsättningsområde
agreement-terms = Avtalsvillkor
agreement-tasks = Uppgifter
agreement-place = Arbetsplats
agreement-period = Giltigt
agreement-working-time = Arbetstid
agreement-working-time-value = { $days } dagar i veckan, { $hours } timmar om dagen
agreement-supervisor = Handledare på arbetsplatsen
agreement-coach = Kontaktperson på sysselsättningsområdet
agreement-insurance = Försäkringar
agreement-subsidy-terms = Villkor för stödet
agreement-none = Tillämpas inte
agreement-renews = Detta avtal fortsätter avtalet som gällde { $from } – { $to }; endast datumen har ändrats.
agreement-confirmations = Bekräftelser
agreement-confirmed = Bekräftat { $date } ({ $how })
agreement-not-confirmed = Inte ännu bekräftat
agreement-state-draft = Utkast
agreement-state-in_force = Gällande
agreement-state-closed = Avslutat
agreement-state-withdrawn = Återkallat
agreement-how-electronic = elektroniskt i Polku
agreement-how-signature = med underskrift
agreement-how-strong_identification = med stark autentisering
agreement-how-in_person = personligen
agreement-how-phone = per telefon
agreement-signatures = Underskrifter
agreement-copy = språk: { $language }
