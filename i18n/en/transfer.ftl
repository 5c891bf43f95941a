# Transfer import from the TE office: one message per rejection code and
# file error (ids "transfer-" + code in kebab-case), and the report labels.

transfer-missing = The value is required.
transfer-invalid-hetu = Not a valid personal identity code: { $detail }
transfer-invalid-language = Not a language code Polku takes: give an ISO 639-1 code (two letters, e.g. fi, sv, so) or the ISO 639-2/639-3 code (three letters, e.g. fin, swe, som) of a language that has a two-letter code. Sámi languages (smn, sms too) are taken.
transfer-invalid-service-language = The service language must be fi, sv or en.
transfer-invalid-municipality = Not a municipality code (three digits, e.g. 638).
transfer-municipality-not-in-area = The municipality is not one of this employment area's municipalities.
transfer-invalid-date = Not a date (use 2021-03-01 or 1.3.2021).
transfer-invalid-benefit = Unknown benefit (use tyomarkkinatuki, peruspaivaraha, ansiopaivaraha or ei).
transfer-invalid-boolean = Not a yes/no value (use 1/0, true/false, kyllä/ei or ja/nej).
transfer-invalid-postal-code = A postal code has five digits.
transfer-invalid-email = Not a valid e-mail address.
transfer-invalid-characters = Contains a control character (such as NUL or an escape).
transfer-invalid-phone = Not a phone number (digits, with spaces or dashes, e.g. 040 123 4567).
transfer-too-long = Too long (at most { $max } characters).
transfer-invalid-encoding = The line is not valid UTF-8. Save the file as UTF-8.
transfer-malformed-record = The line does not have the same columns as the header.
transfer-record-too-large = The line is too long; probably a quotation mark is not closed. Reading stopped here.
transfer-io = The file could not be read further. Reading stopped here.
transfer-unreadable-file = The file could not be read.
transfer-empty-file = The file is empty.
transfer-header-too-long = The header line is too long (at most { $max } bytes).
transfer-missing-columns = Required columns are missing: { $columns }
transfer-duplicate-column = The column { $column } appears twice.

hetu-error-format = wrong length or characters
hetu-error-century-sign = unknown century sign
hetu-error-date = the date does not exist
hetu-error-individual-number = the individual number must be 002–899
hetu-error-temporary-code = temporary identity codes (900–999) are not accepted
hetu-error-checksum = the check character does not match

import-summary = { $lines } lines: { $imported } imported, { $updated } updated, { $notEligible } not eligible, { $rejected } rejected; { $letters } letters.
import-dry-run = Dry run: nothing was written.
import-rejected-line = line { $line }, { $column }: { $message }
import-unknown-columns = Columns ignored: { $columns }

# The extension column ansiosidonnainen and who becomes a customer by the transfer date
# (docs/transfer-csv.md, crates/polku-transfer/rules/transfer-eligibility.toml).
transfer-contradicts-benefit = The column says there is no right to earnings-related allowance, but the benefit is ansiopaivaraha.
transfer-no-rules-for-date = There are no rules for who becomes a customer on the transfer date { $date }; the first apply from { $first }.
transfer-rules-experiment-2021 = The municipal employment experiment (Act 1269/2020, section 4): unemployed jobseekers and jobseekers in services without a right to earnings-related allowance, and everyone under 30 or with a foreign mother tongue.
transfer-rules-employment-services-2025 = All jobseekers whose home municipality is in the area, from 1.1.2025 (Act 380/2023).
transfer-eligibility-no-earnings-related-right = unemployed or in a service, no right to earnings-related allowance
transfer-eligibility-under-30 = under 30
transfer-eligibility-foreign-language = foreign mother tongue (other than Finnish, Swedish or Sámi)
transfer-eligibility-resident = jobseeker of the area (home municipality in the area)
