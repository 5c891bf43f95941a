# The figures dashboard at /dashboard (crates/polku-server/assets/dashboard.html).
# Every message whose id starts with "dashboard-" is handed to the page as it is, so
# none of them takes variables: where a message has %1 or %2, the page puts the value in.
# Every key must also exist in the fi/ and sv/ folders.

dashboard-product = Polku
dashboard-title = Employment services figures
dashboard-language = Language
dashboard-lang-fi = suomi
dashboard-lang-sv = svenska
dashboard-lang-en = English
dashboard-sign-out = Sign out

## Signing in

dashboard-login-heading = Sign in
dashboard-login-intro = Paste the access token you received from your organisation's sign-in service.
dashboard-login-token = Access token
dashboard-login-submit = Sign in
dashboard-login-session = The token is kept only in this browser tab and is forgotten when you close it.

## Loading and errors

dashboard-loading = Loading figures…
dashboard-no-access = Your account cannot view figures. They are shown to managers, area administrators and oversight.
dashboard-no-figures = There are no figures yet.
dashboard-no-areas = There are no employment areas to show.
dashboard-error-network = The server could not be reached. Try again in a moment.
dashboard-error-http = The server answered with an error (HTTP %1). Try again in a moment.

## Choosing the figures

dashboard-controls = Choose figures
dashboard-from = From
dashboard-to = To
dashboard-region = Region
dashboard-whole-country = Whole country
dashboard-period = Period %1–%2
dashboard-computed-at = Figures computed at %1
dashboard-so-far = so far

## Symbols

dashboard-legend-heading = Symbols
dashboard-marker-suppressed = ..
dashboard-suppressed = fewer than 5 – not shown
dashboard-legend-suppressed = Small numbers are hidden so that no one can be identified: counts of 1–4 people, and shares and means based on fewer than five people. Where one value of a breakdown is hidden, another is hidden too, so that it cannot be worked out from the rest.
dashboard-marker-none = –
dashboard-none = nothing to measure
dashboard-marker-so-far = *
dashboard-legend-so-far = The current month shows the figures so far.
dashboard-legend-gap = In the charts, a hidden or missing value leaves a gap in the line.

## Sections, tables and charts

dashboard-comparison = Comparison of areas
dashboard-comparison-caption = Key figures by employment area, %1
dashboard-key-figures = Key figures
dashboard-key-figures-caption = Key figures, %1
dashboard-trends = Trends by month
dashboard-trend-caption = %1 by month
dashboard-breakdowns = Breakdowns, %1
dashboard-breakdown-caption = %1, %2
dashboard-download-csv = Download CSV
dashboard-chart-label = Line chart: %1 by month, %2, one line for each employment area. The same figures are in the table below the chart.
dashboard-month = Month
dashboard-area = Employment area
dashboard-figure = Figure
dashboard-code = Code
dashboard-unit-customers = Customers
dashboard-unit-share = Share (%)
dashboard-unit-euros = Euros per customer

## Figures

dashboard-fig-customers = Customers
dashboard-fig-new-customers = New customers
dashboard-fig-activation-rate = Activation rate
dashboard-fig-initial-interview-median-days = Time to initial interview, median (working days)
dashboard-fig-initial-interviews-within-deadline = Initial interviews within the deadline
dashboard-fig-plan-up-to-date-rate = Plans up to date
dashboard-fig-meetings-per-customer = Meetings per customer
dashboard-fig-ors-change-mean = Change in ORS, mean
dashboard-fig-srs-mean = SRS, mean
dashboard-fig-referral-acceptance-rate = Referrals accepted
dashboard-fig-cost-per-customer = Cost per customer

## Breakdowns

dashboard-by-group = Customers by benefit
dashboard-by-language = Customers by service language
dashboard-by-age-band = Customers by age group
dashboard-exits = Exits from the service path
dashboard-transitions = Moves along the service path
dashboard-service-use = Service use by category
dashboard-col-benefit = Benefit
dashboard-col-language = Service language
dashboard-col-age-band = Age group
dashboard-col-exit = Exit to
dashboard-col-transition = Move
dashboard-col-category = Service category
dashboard-col-customers = Customers
dashboard-col-places-filled = Places in use (average)
dashboard-col-places-offered = Places offered (average)
dashboard-col-fill-rate = Utilisation

## Stages of the service path

dashboard-stage-rehabilitative-work = Rehabilitative work activity
dashboard-stage-work-trial = Work trial
dashboard-stage-pay-subsidised-work = Pay-subsidised work
dashboard-stage-open-market = Open labour market
dashboard-stage-education = Education
dashboard-stage-other-exit = Other exit

## Money

dashboard-funding = Municipal share of unemployment benefits
dashboard-funding-none = No Kela invoice has been imported yet.
dashboard-funding-comparison-caption = Municipal share by employment area, from each area's latest Kela invoice (its month in brackets)
dashboard-funding-caption = Municipal share by municipality, %1, Kela's invoice for %2
dashboard-municipality = Municipality
dashboard-total = Total
dashboard-col-people = People on the invoice
dashboard-col-billed = Billed
dashboard-col-expected = Expected by the rules
dashboard-col-next-month = Next month
dashboard-col-next-3-months = Next 3 months
dashboard-col-next-12-months = Next 12 months
dashboard-col-exit-rate = Leaving benefit a month (%)
dashboard-forecast = Liability ahead
dashboard-forecast-caption = Municipal share by month after %1
dashboard-col-continuing = If benefits continue
dashboard-col-with-exits = With exits at the recent rate
dashboard-budget = Budget %1
dashboard-budget-caption = Appropriations and commitments, %1
dashboard-budget-caption-closed = Appropriations and commitments, %1 (year closed)
dashboard-budget-none = No appropriations have been set for this year.
dashboard-col-purpose = Purpose
dashboard-col-appropriation = Appropriation
dashboard-col-committed = Committed
dashboard-col-spent = Spent
dashboard-col-free = Free
dashboard-col-used = Used
dashboard-col-year-end = Forecast for the year
dashboard-purpose-employment-grants = Employment grants
dashboard-purpose-pay-subsidy-top-ups = Municipal top-ups to pay subsidy
dashboard-purpose-bought-places = Bought service places
dashboard-purpose-other = Other
