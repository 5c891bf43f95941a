# Messages to a customer about an appointment (e-mail, SMS). No identity
# code or note text ever goes in a message.
message-subject-invitation = Your appointment: { $kind }, { $when }
message-subject-reminder = Reminder: { $kind }, { $when }
message-subject-rescheduled = Your appointment has moved: { $when }
message-subject-cancelled = Your appointment on { $when } is cancelled
message-subject-summons = Summons: { $kind }, { $when }
message-greeting = Hello { $name },
message-body-invitation = you have an appointment with { $area } employment services.
message-body-reminder = this is a reminder of your appointment with { $area } employment services.
message-body-rescheduled = your appointment with { $area } employment services has moved to a new time.
message-body-cancelled = your appointment with { $area } employment services on { $when } is cancelled.
message-body-summons = you are summoned to an appointment with { $area } employment services.
message-when = When: { $when } ({ $minutes } minutes)
message-where-in-person = Where: { $place }
message-where-phone = How: your coach will call you.
message-where-video = How: video meeting, { $link }
message-coach = Your coach: { $coach }
message-change = If you cannot come, contact your coach before the appointment.
message-signoff = { $area } employment services
message-sms-invitation = { $area }: appointment ({ $kind }) { $when }.
message-sms-reminder = { $area }: reminder, appointment ({ $kind }) { $when }.
message-sms-rescheduled = { $area }: your appointment has moved to { $when }.
message-sms-cancelled = { $area }: your appointment on { $when } is cancelled.
message-sms-summons = { $area }: summons to an appointment ({ $kind }) { $when }.
message-kind-initial_interview = initial interview
message-kind-job_search_discussion = job-search discussion
message-kind-supplementary_discussion = supplementary job-search discussion
message-kind-tripartite_discussion = tripartite discussion
message-kind-coaching_session = coaching session

# The consequence of not coming, in a summons (the rules of the day).
message-consequence-intro = If you do not come and have no valid reason, your employment services must report it to Kela or your unemployment fund, and it may affect your unemployment benefit.
message-consequence-reminder = Under the rules in force on the day of the appointment, as neglect no. { $ordinal } within the review period it would lead to a written reminder.
message-consequence-waiting = Under the rules in force on the day of the appointment, as neglect no. { $ordinal } within the review period it would lead to { $days } days without unemployment benefit.
message-consequence-work = Under the rules in force on the day of the appointment, as neglect no. { $ordinal } within the review period it would lead to a work requirement: no benefit until you have worked or taken part in employment-promoting services for { $weeks } weeks.
message-consequence-statute = Unemployment Security Act (1290/2002), chapter 2 a; rule { $rule }.

# The summons as a printed letter.
letter-summons-title = Summons to an appointment
letter-summons-intro = You are summoned to a { $kind } with { $area } employment services. Taking part is one of your obligations as a jobseeker.

# A staff member's daily digest of notifications (work e-mail).
digest-subject = Polku: { $count } new notifications, { $date }
digest-greeting = Hello { $name },
digest-intro = here is what is new for you in { $area }:
digest-footer = Open Polku to see the details. This e-mail comes only on days when there is something new.
digest-someone = a customer
digest-kind-customer_assigned = { $customer } was assigned to you.
digest-kind-referral_accepted = { $customer }: the partner accepted your referral.
digest-kind-referral_declined = { $customer }: the partner declined your referral.
digest-kind-referral_interrupted = { $customer }: the referral was interrupted.
digest-kind-appointment_confirmed = { $customer } confirmed an appointment.
digest-kind-appointment_missed = { $customer } did not come to an appointment.
digest-kind-obligation_due = { $customer }: { $obligation } is due on { $due }.
digest-obligation-initial_interview = the initial interview
digest-obligation-job_search_discussion = a job-search discussion
digest-obligation-supplementary_discussion = a supplementary job-search discussion
digest-obligation-intensive_discussion = an intensified job-search discussion
digest-obligation-plan_review = the plan review
digest-obligation-activation_plan_review = the activation plan review
digest-obligation-vacancy_application = a vacancy application
digest-kind-budget_threshold = Budget { $year }, { $purpose }: commitments have reached { $percent } % of the appropriation.
digest-kind-budget_overridden = Budget { $year }, { $purpose }: a manager committed beyond the appropriation, with a reason.
digest-purpose-employment_grants = employment grants
digest-purpose-pay_subsidy_top_ups = municipal top-ups to pay subsidy
digest-purpose-bought_places = bought service places
digest-purpose-other = other
digest-kind-partner_deviation = { $customer }: the partner reports { $deviation }.
digest-kind-closing_assessment = { $customer }: the partner filed the closing assessment.
digest-deviation-unexplained_absence = unexplained absences
digest-deviation-wants_to_stop = that the customer wants to stop
digest-deviation-safety_concern = a safety or health concern
digest-deviation-ends_early = that the placement ends early
