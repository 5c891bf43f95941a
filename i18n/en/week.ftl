# A coach's week at /week (crates/polku-server/assets/week.html).
# Every message whose id starts with "week-" is handed to the page as it is, so
# none of them takes variables: where a message has %1 or %2, the page puts the value in.
# Every key must also exist in the fi/ and sv/ folders.

week-product = Polku
week-title = Week %1
week-page-title = A coach's week
week-language = Language
week-lang-fi = suomi
week-lang-sv = svenska
week-lang-en = English
week-sign-out = Sign out
week-print = Print

## Signing in

week-login-heading = Sign in
week-login-intro = Paste the access token you received from your organisation's sign-in service.
week-login-token = Access token
week-login-submit = Sign in
week-login-session = The token is kept only in this browser tab and is forgotten when you close it.

## Loading and errors

week-loading = Loading the week…
week-no-token = You are not signed in. The week is shown only with an access token: sign in below.
week-error-network = The server could not be reached. Try again in a moment.
week-error-http = The server answered with an error (HTTP %1). Try again in a moment.
week-bad-week = "%1" is not a week. Give the week as year and ISO week number, for example 2026-W49.
week-no-coach = Choose the coach whose week you want to see.
week-unknown-coach = There is no coach with this id in your area.
week-names-unavailable = The customers' names could not be loaded; the appointments are shown without them.

## Choosing the coach and the week

week-controls = Coach and week
week-coach = Coach
week-show = Show
week-weeks = Weeks
week-previous = Previous week
week-current = This week
week-next = Next week
week-time-zone = Times are in the area's time zone (%1).
week-summary = Appointments: %1, of which cancelled: %2

## The days

week-today = today
week-working-hours = Working hours %1
week-no-working-hours = No working hours
week-no-appointments = No appointments
week-minutes = %1 min
week-customer = Customer

## Kinds of appointment

week-kind-initial-interview = Initial interview
week-kind-job-search-discussion = Job-search discussion
week-kind-supplementary-discussion = Supplementary job-search discussion
week-kind-tripartite-discussion = Tripartite discussion
week-kind-coaching-session = Coaching session

## Channels

week-channel-in-person = In person
week-channel-phone = Phone
week-channel-video = Video

## States

week-state-booked = Booked
week-state-confirmed = Confirmed
week-state-cancelled = Cancelled
week-state-held = Held
week-state-no-show = Did not come
