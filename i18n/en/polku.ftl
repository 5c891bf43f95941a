# Polku messages, English. Every key here must exist in fi/ and sv/ too
# (the i18n crate's tests fail otherwise).

field-label = field

## Errors: one message per ErrorCode, id = "error-" + code in kebab-case.

error-unauthenticated = Sign in first: the request carried no access token.
error-invalid-token = The access token is not valid.
error-token-expired = The access token has expired. Sign in again.
error-forbidden = You are not allowed to do this.
error-not-found = Not found.
error-unknown-tenant = The employment area named in the token does not exist.
error-validation = The value of { $field } is not valid.
error-required = { $field } is required.
error-too-long = { $field } is too long (at most { $max } characters).
error-invalid-slug = { $field }: "{ $value }" is not a valid identifier. Use lower-case letters a–z, digits and hyphens, starting with a letter.
error-slug-taken = { $field }: that identifier is already in use.
error-invalid-municipality-code = { $field }: "{ $value }" is not a municipality code. Use Statistics Finland's three-digit code, e.g. 638.
error-unknown-municipality = { $field }: there is no municipality with code { $value }.
error-municipality-taken = { $field }: municipality { $value } already belongs to another employment area.
error-unknown-region = { $field }: there is no region "{ $value }".
error-invalid-business-id = { $field }: "{ $value }" is not a valid business ID (Y-tunnus). The form is 1234567-8 and the check digit must match.
error-business-id-taken = { $field }: a partner with this business ID already exists.
error-invalid-language = { $field }: "{ $value }" is not a supported language. Use fi, sv or en.
error-language-not-enabled = { $field }: the language { $lang } is not enabled for this employment area.
error-default-language-not-enabled = { $field }: the default language must be one of the enabled languages.
error-negative-capacity = { $field }: capacity cannot be negative.
error-invalid-amount = { $field }: "{ $value }" is not a valid amount in euros (at most two decimals, e.g. 1250.50).
error-invalid-date-range = { $field }: the end date is before the start date.
error-out-of-range = { $field } is out of range (allowed { $min }–{ $max }).
error-invalid-email = { $field } is not a valid e-mail address.
error-unknown-partner = { $field }: no such partner organisation in this employment area.
error-already-retired = The service has already been retired.
error-invalid-cursor = { $field }: the cursor is not valid. Start again from the first page.
error-page-size-too-large = { $field }: at most { $max } items per page.
error-query-too-deep = The query is nested too deeply (at most { $max } levels).
error-query-too-complex = The query is too complex (at most { $max }).
error-bad-request = The request is not valid: { $value }
error-unavailable = The service is temporarily unavailable. Try again shortly.
error-internal = Something went wrong on our side. Quote this trace id when you contact support: { $trace }
error-invalid-hetu = { $field } is not a valid personal identity code.
error-customer-exists = { $field }: a customer with this personal identity code already exists in this area.
error-municipality-not-in-area = { $field }: municipality { $value } is not one of this employment area's municipalities.
error-municipality-in-use = { $field }: customers live in a municipality you are removing from the area.
error-unknown-coach = { $field }: no such coach in this employment area.
error-caseload-full = The coach's caseload is full ({ $max } customers). A manager may assign past the limit.
error-unknown-task = { $field }: the plan has no such task.
error-stale-plan-version = The plan has changed since you opened it (now version { $value }). Reload it and try again.
error-invalid-transfer-file = The transfer file cannot be read: { $value }
error-no-rule-for-date = { $field }: no service-model rules were in force on { $value } (the first took effect on 2 May 2022).
error-date-too-far-ahead = { $field }: { $value } is more than a year ahead.
error-no-path-rule-for-date = { $field }: no service-path limits were in force on { $value } (the first apply from { $first }).
error-not-a-period = { $field }: an exit (work, education, other) has one day and no end date.
error-period-length = { $field }: a period lasts { $min }–{ $max } months.
error-work-trial-limit = { $field }: { $scope ->
        [organiser] a work trial with the same organiser lasts at most { $months } months.
        [task] a work trial with the municipality lasts at most { $months } months in the same task.
       *[total] work trials last at most { $months } months in all.
    }
error-invalid-subsidy-rate = { $field }: pay subsidy is 30, 40, 50, 70 or 100 per cent, not { $value }; the rules of the start date decide which.
error-subsidy-rate-not-allowed = { $field }: { $rate } per cent pay subsidy is only for associations, foundations and registered religious communities, for work of at most { $percent } % of full time.
error-subsidy-cap-exceeded = { $field }: pay subsidy at { $rate } per cent is at most { $cap } € a month.
error-path-overlap = { $field }: overlaps the period { $from }–{ $to }.
error-service-category-mismatch = { $field }: the service does not belong to this stage of the service path.
error-unknown-service = { $field }: the area's catalogue has no such service.
error-label-taken = { $field }: the label is already in use.
error-illegal-transition = A referral in state { $from } cannot be { $value ->
        [send] sent
        [accept] accepted
        [decline] declined
        [start] started
        [complete] completed
        [interrupt] interrupted
       *[other] cancelled
    }.
error-service-retired = { $field }: the service has been retired and takes no more referrals.
error-api-key-revoked = The API key has been revoked.
error-rate-limited = Too many requests. Try again in { $value } seconds.
error-grant-working-time = { $field }: the employment grant requires working time over { $min } %; { $value } % is not enough.
error-grant-employer-kind = { $field }: only a company or an association can receive the employment grant.
error-persisted-query-not-found = The persisted query is unknown; send the query with its hash.
error-invalid-month = { $field }: "{ $value }" is not a month. Write it as YYYY-MM, e.g. 2026-03.
error-period-outside-data = { $field }: { $value } is outside the figures, which run from { $from } to { $to }.
error-region-not-held = { $field }: you oversee { $region }, not the region "{ $value }".
error-area-outside-region = { $field }: the employment area "{ $value }" is not among the areas you may see.

## Breakdowns of the key figures

figures-group-labour-market-subsidy = labour market subsidy
figures-group-basic-daily-allowance = basic daily allowance
figures-group-earnings-related-allowance = earnings-related allowance
figures-group-none = no benefit
figures-group-unknown = not recorded
figures-lang-fi = Finnish
figures-lang-sv = Swedish
figures-lang-en = English
figures-age-15-24 = 15–24
figures-age-25-29 = 25–29
figures-age-30-54 = 30–54
figures-age-55-64 = 55–64
figures-age-65-plus = 65 and over
figures-exit-open-market = open labour market
figures-exit-pay-subsidised-work = pay-subsidised work
figures-exit-education = education
figures-category-personal-coaching = personal coaching
figures-category-workshop = workshop
figures-category-training = training
figures-category-rehabilitative-work = rehabilitative work activity
figures-category-work-trial = work trial
figures-category-pay-subsidised-employment = pay-subsidised employment
figures-category-apprenticeship = apprenticeship
figures-category-skills-demonstration = skills demonstration
figures-category-employment-grant = employment grant
figures-category-other = other service
error-invalid-date = { $field } is not a date Polku can use (allowed { $min } to { $max }).
error-not-committed = Part of this request failed in the database, so nothing in it was saved and no data was returned. Try again; if it fails again, quote this trace id to support: { $trace }
error-reveal-reason-required = { $field }: only the customer's personal coach (assigned at least { $hours } hours ago) or a manager may reveal the identity code without a reason. Give the reason for seeing it; it is recorded in the audit log.
error-too-many-fields = The query asks for { $count } fields; at most { $max } are allowed in one request.
error-payload-too-large = The request is too large: at most { $value }.
error-request-timeout = The request took too long (over { $value } s) and was stopped. Try again.
error-subscriptions-only = Only subscriptions may be sent over the WebSocket; send queries and mutations to POST /graphql.
error-too-many-subscriptions = At most { $value } subscriptions may be open on one connection.
error-too-many-connections = You already have { $value } open connections; close one first.
error-connection-init-timeout = The connection was not initialised in time.
error-subsidy-rate-not-in-force = { $field }: the rules in force on { $date } have no pay subsidy of { $rate } per cent; they have { $value } per cent.
error-subsidy-basis-not-in-force = { $field }: { $value ->
        [employment_subsidy_55] the employment subsidy for those aged 55 or over
       *[other] this ground of pay subsidy
    } was not in the rules in force on { $date }.
error-subsidy-rate-for-basis = { $field }: on this ground the rules in force on { $date } give { $value } per cent, not { $rate }.
error-subsidy-employer-not-allowed = { $field }: { $name ->
        [municipal_unit] from { $date } a municipality or joint municipal authority gets pay subsidy only for a person with reduced work ability or a long-term unemployed person aged 60 or over.
       *[other] this kind of employer gets no pay subsidy on this ground (rules from { $date }).
    }
error-subsidy-condition-not-met = { $field }: { $scope ->
        [unemployment] this subsidy needs at least { $min } months of unemployment in the last { $max } months.
        [age] this subsidy is for a person aged { $min } or over on the first day.
       *[business] the 100 per cent subsidy is only for tasks that are not business activity.
    }
error-subsidy-period-too-long = { $field }: { $scope ->
        [longer] this subsidy is granted for at most { $months } months; for { $value } months when the person has been unemployed at least { $min } of the last { $max } months.
       *[at_a_time] this subsidy is granted for at most { $months } months at a time.
    }
error-subsidy-same-employer = { $field }: this employer had pay subsidy for this customer until { $to }; a new one with the same employer is possible from { $date } ({ $value } years later), unless the ground is reduced work ability.
error-date-in-future = { $field } is in the future: record what has happened, on the day it happened.
error-no-job-search = { $field }: this customer has no job search (no start date), so no neglect or vacancy can be recorded.
error-invalid-postal-code = { $field } is not a postal code: five digits, e.g. 00140.
error-invalid-characters = { $field } contains a control character (such as NUL or an escape); only letters, digits, punctuation, spaces and line breaks are allowed.
error-invalid-phone = { $field } is not a phone number: digits, with spaces or dashes if you like, e.g. 040 123 4567 or +358 40 123 4567.
error-retention-below-minimum = { $field }: at least { $min } years; a shorter time than the law's minimum cannot be set (source: { $value }).
error-legal-hold-active = { $field }: this customer is under a legal hold; release the hold before erasing.
error-erasure-not-allowed = { $field }: this customer's record must be kept while a grant or a service-path period is running (the employment-services act and accounting rules require it); erasure is possible once it has ended.
error-legal-basis-required = { $field }: a referral cannot be sent without a legal basis for disclosing the customer's data: record the customer's consent or choose the statutory ground.
error-unknown-legal-basis = { $field } is not a legal basis Polku knows; choose one from the list of legal bases.
error-consent-not-recorded = { $field }: consent needs the day it was given (not in the future) and how it was given.
error-appointment-transition = An appointment that is { $from ->
        [booked] booked
        [confirmed] confirmed
        [cancelled] cancelled
        [held] held
       *[no_show] missed
    } cannot be { $action ->
        [booked] booked
        [confirmed] confirmed
        [rescheduled] moved
        [cancelled] cancelled
        [held] recorded as held
       *[no_show] recorded as missed
    }.
error-appointment-not-due = { $field }: the appointment's time has not come yet; it can be recorded as held or missed only after it has started.
error-appointment-in-past = { $field } is in the past: an appointment is booked for a time to come.
error-outside-working-hours = { $field } is outside the coach's working hours or on a day off; a manager may book it anyway.
error-appointment-overlap = { $field }: the coach already has an appointment at that time; choose a free slot, or a manager may book it anyway.
error-invalid-url = { $field } is not a valid https link.
error-customer-not-active = { $field }: this customer is no longer a customer of the area (moved away, employed or closed), so no appointment can be booked.
error-no-contact-for-channel = { $field }: the customer has no contact details for this way of sending; record an e-mail address or phone number, or choose a letter.
error-invoice-header = { $field }: the first line must be the header kuukausi;kunta;henkilotunnus;etuus;paivat;kertyneet_paivat;maksettu;kunnan_osuus (see docs/money.md).
error-invoice-columns = { $field }: a line has 8 columns separated by semicolons; this one has { $value }.
error-invalid-benefit = { $field }: "{ $value }" is not a benefit code; use TMT (labour-market subsidy), PPR (basic allowance) or APR (earnings-related allowance).
error-invoice-month-imported = { $field }: the invoice for { $value } has already been imported; a month is imported once.
error-invoice-mixed-months = { $field }: every line of a file is for the same month; this line is for { $value }.
error-municipality-outside-area = { $field }: municipality { $value } is not one of this area's municipalities.
error-invoice-duplicate-line = { $field }: the same person, benefit and municipality are already on line { $value }.
error-invoice-days = { $field }: days must be 1–23 in a month, and the accumulated days at least this month's.
error-invoice-share-over-paid = { $field }: the municipality's share cannot be more than the benefit paid.
error-budget-exceeded = { $field }: { $value } € would go past the appropriation; { $max } € is free. A manager may override with a reason.
error-budget-year-closed = { $field }: the budget year { $value } is closed; no commitments can be made in it.
error-appropriation-below-committed = { $field }: the appropriation cannot be less than the { $min } € already committed.
error-unknown-staff = { $field }: no such staff member in this employment area.
error-unknown-question = { $field }: the closing assessment of this service has no question "{ $value }".
error-invalid-answer = { $field }: the answer does not fit the question (yes/no, 1–5 or text).
error-attendance-week-start = { $field }: hours by the week are reported on the week's Monday; { $value } is not one.
error-attendance-outside-referral = { $field }: { $value } is outside the referral ({ $from } – { $to }).
error-attendance-hours-over = { $field }: { $value } hours is more than the { $max } allowed.
error-attendance-month-closed = { $field }: attendance for { $value } is closed and can no longer be reported or corrected.
error-referral-still-open = { $field }: the referral has not ended; a closing assessment comes when it is completed or interrupted.
error-assessment-already-filed = { $field }: the closing assessment of this referral has already been filed.
error-agreement-transition = { $field }: an agreement in state { $value } cannot be changed this way.
error-agreement-renewal = { $field }: an agreement may be renewed once, in force, with only its dates changed.
error-attendance-duplicate-day = { $field }: { $value } is reported twice in the same request.
error-agreement-outside-period = { $field }: no pay-subsidised period on the customer's path covers { $from }–{ $to }; record the subsidy decision on the path first.
error-agreement-referral-ended = { $field }: the referral is { $value }; an agreement is made on a referral that is accepted or under way.
funding-assumptions = Continuing: every benefit on the latest invoice goes on at the same daily amount, five days a week, its days counting into the steps. With exits: as that, thinned each month by the share of people who left benefit between the last two invoices. The percentages of the 2025 rule are not confirmed from the statute (see docs/money.md).
