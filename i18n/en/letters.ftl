# Personal transfer letter to a TE Office customer whose services move to a municipal
# employment area (crates/polku-i18n/src/letters.rs).
# Every key must also exist in the fi/ and sv/ folders.
#
# Variables:
#   $name        the customer's name
#   $area        the employment area's name, e.g. "Helsinki Employment Area"
#   $coach       the personal coach's name
#   $coachPhone  the coach's phone number
#   $coachEmail  the coach's email address
#   $date        the letter's date, as d.m.yyyy

letter-transfer-title = Your employment services are moving from the TE Office to your employment area
letter-transfer-date = Date: { $date }
letter-transfer-greeting = Dear { $name },
letter-transfer-intro =
    You have been a customer of the TE Office. You are now a customer of the employment area
    of your home municipality, and { $area } is responsible for your employment services.
letter-transfer-continuity =
    You do not need to do anything because of the transfer. Your job search continues without
    interruption, and your details and your current employment plan move with you.

## Personal coach

letter-transfer-coach =
    Your personal coach is { $coach }. Your coach will support you in your job search and agree
    with you on the services that can help you find work.
letter-transfer-coach-contact-phone-email =
    You can reach your coach by phone on { $coachPhone }
    or by email at { $coachEmail }.
letter-transfer-coach-contact-phone = You can reach your coach by phone on { $coachPhone }.
letter-transfer-coach-contact-email = You can reach your coach by email at { $coachEmail }.
letter-transfer-no-coach =
    You have not yet been assigned a personal coach. We will let you know once you have one.
    Until then, please contact the employment area’s customer service.
letter-transfer-area-contact =
    If you have any questions, please contact your employment area: { $area }. You can find
    its contact details and service points on Job Market Finland at tyomarkkinatori.fi/en.

## What happens next

letter-transfer-next-heading = What happens next?
letter-transfer-next-interview =
    We will arrange an initial interview with you. You will receive an invitation telling you
    when and how it will take place: by phone, by video call or in person.
letter-transfer-next-obligations =
    Your job-search obligations stay the same: apply for jobs as agreed in your employment plan
    and report the jobs you have applied for in the e-service, just as before.
letter-transfer-next-benefits =
    Your unemployment benefit will still be paid by Kela or your unemployment fund. You do not
    need to reapply because of the transfer.
letter-transfer-next-language =
    In a bilingual employment area, you have the right to be served in Finnish or Swedish.
    Let us know if you would like to change your service language.
letter-transfer-next-eservices =
    You can log in to the e-services on Job Market Finland (tyomarkkinatori.fi/en) with strong
    electronic identification, such as your online banking codes or a mobile certificate. There
    you can see your employment plan and report changes.

## Closing

letter-transfer-closing = Welcome! We will be in touch with you soon.
letter-transfer-signoff = Yours sincerely,
letter-transfer-signature = { $area }

## The printed tripartite agreement.
agreement-title = Tripartite agreement
agreement-kind-work_trial = work trial
agreement-kind-pay_subsidised_job = pay-subsidised job
agreement-kind-employer_placement = employer placement
agreement-parties = Parties
agreement-customer = Customer
agreement-organiser = Organiser
agreement-area = Employment area
agreement-terms = Terms
agreement-tasks = Tasks
agreement-place = Place of work
agreement-period = In force
agreement-working-time = Working time
agreement-working-time-value = { $days } days a week, { $hours } hours a day
agreement-supervisor = Supervisor at the workplace
agreement-coach = Contact at the employment area
agreement-insurance = Insurance
agreement-subsidy-terms = Subsidy terms
agreement-none = Does not apply
agreement-renews = This agreement continues the agreement in force { $from } – { $to }; only the dates have changed.
agreement-confirmations = Confirmations
agreement-confirmed = Confirmed { $date } ({ $how })
agreement-not-confirmed = Not yet confirmed
agreement-state-draft = Draft
agreement-state-in_force = In force
agreement-state-closed = Closed
agreement-state-withdrawn = Withdrawn
agreement-how-electronic = electronically in Polku
agreement-how-signature = by signature
agreement-how-strong_identification = by strong identification
agreement-how-in_person = in person
agreement-how-phone = by phone
agreement-signatures = Signatures
agreement-copy = language: { $language }
