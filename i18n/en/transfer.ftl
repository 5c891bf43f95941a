# Transfer import from the TE office: one message per rejection code and
# file error (ids "transfer-" + code in kebab-case), and the report labels.

transfer-missing = The value is required.
transfer-invalid-hetu = Not a valid personal identity code: { $detail }
transfer-invalid-language = Not an ISO 639-1 language code (two letters, e.g. fi, sv, so).
transfer-invalid-service-language = The service language must be fi, sv or en.
transfer-invalid-municipality = Not a municipality code (three digits, e.g. 638).
transfer-municipality-not-in-area = The municipality is not one of this employment area's municipalities.
transfer-invalid-date = Not a date (use 2021-03-01 or 1.3.2021).
transfer-invalid-benefit = Unknown benefit (use tyomarkkinatuki, peruspaivaraha, ansiopaivaraha or ei).
transfer-invalid-boolean = Not a yes/no value (use 1/0, true/false, kyllä/ei or ja/nej).
transfer-invalid-postal-code = A postal code has five digits.
transfer-invalid-email = Not a valid e-mail address.
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
