//! Referrals (lähete / remiss): a coach refers a customer to a service of
//! the area's catalogue, the provider accepts or declines, and the customer
//! starts, completes or interrupts it. Capacity is counted in started
//! referrals; one that cannot start waits in the service's queue.

use crate::{DomainError, ErrorCode, Role};

code_enum! {
    /// How a customer gave consent to a disclosure (the database's
    /// `referrals.consent_how` lists the same codes).
    ConsentHow {
        InPerson => "in_person",
        Phone => "phone",
        Written => "written",
        Electronic => "electronic",
    }
}

code_enum! {
    ReferralState {
        Proposed => "proposed",
        Sent => "sent",
        Accepted => "accepted",
        Declined => "declined",
        /// Accepted, but every place is taken: waits its turn.
        Queued => "queued",
        Started => "started",
        Completed => "completed",
        Interrupted => "interrupted",
    }
}

/// What someone does to a referral.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReferralAction {
    Send,
    Accept,
    Decline,
    Start,
    Complete,
    Interrupt,
    Cancel,
}

impl ReferralAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ReferralAction::Send => "send",
            ReferralAction::Accept => "accept",
            ReferralAction::Decline => "decline",
            ReferralAction::Start => "start",
            ReferralAction::Complete => "complete",
            ReferralAction::Interrupt => "interrupt",
            ReferralAction::Cancel => "cancel",
        }
    }
}

code_enum! {
    /// How a started referral ended.
    ReferralOutcome {
        Employed => "employed",
        Education => "education",
        OtherService => "other_service",
        Health => "health",
        DroppedOut => "dropped_out",
        Other => "other",
    }
}

/// Who acts: the area's staff or the provider's partner staff.
fn may(action: ReferralAction, roles: &[Role]) -> bool {
    let staff = roles.iter().any(|r| r.is_case_staff());
    let partner = roles.contains(&Role::Partner);
    match action {
        ReferralAction::Send | ReferralAction::Cancel => staff,
        ReferralAction::Accept | ReferralAction::Decline => partner || staff,
        ReferralAction::Start | ReferralAction::Complete | ReferralAction::Interrupt => partner || staff,
    }
}

/// The state `action` leads to from `from`, before capacity is counted:
/// `Start` asks for a place, and the store turns it into `Queued` when the
/// service is full.
pub fn next(
    from: ReferralState,
    action: ReferralAction,
    roles: &[Role],
) -> Result<ReferralState, DomainError> {
    use ReferralAction as A;
    use ReferralState as S;
    if !may(action, roles) {
        return Err(DomainError::new(ErrorCode::Forbidden));
    }
    let to = match (from, action) {
        (S::Proposed, A::Send) => S::Sent,
        (S::Sent, A::Accept) => S::Accepted,
        (S::Sent, A::Decline) => S::Declined,
        (S::Accepted, A::Start) => S::Started,
        (S::Started, A::Complete) => S::Completed,
        (S::Started, A::Interrupt) => S::Interrupted,
        // A referral not yet under way may be withdrawn; it counts as
        // interrupted before it started.
        (S::Proposed | S::Sent | S::Accepted | S::Queued, A::Cancel) => S::Interrupted,
        _ => {
            return Err(DomainError::new(ErrorCode::IllegalTransition)
                .with_arg("from", from.code())
                .with_arg("value", action.as_str()))
        }
    };
    Ok(to)
}

impl ReferralState {
    /// No further transitions.
    pub fn is_final(self) -> bool {
        matches!(self, ReferralState::Declined | ReferralState::Completed | ReferralState::Interrupted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReferralAction as A;
    use ReferralState as S;

    const COACH: &[Role] = &[Role::Coach];
    const PARTNER: &[Role] = &[Role::Partner];

    #[test]
    fn the_happy_path_runs_from_proposal_to_completion() {
        let mut s = S::Proposed;
        for (action, roles, want) in [
            (A::Send, COACH, S::Sent),
            (A::Accept, PARTNER, S::Accepted),
            (A::Start, PARTNER, S::Started),
            (A::Complete, PARTNER, S::Completed),
        ] {
            s = next(s, action, roles).unwrap();
            assert_eq!(s, want);
        }
        assert!(s.is_final());
    }

    #[test]
    fn illegal_transitions_and_roles_are_refused() {
        assert_eq!(next(S::Proposed, A::Accept, PARTNER).unwrap_err().code, ErrorCode::IllegalTransition);
        assert_eq!(next(S::Completed, A::Start, COACH).unwrap_err().code, ErrorCode::IllegalTransition);
        assert_eq!(next(S::Declined, A::Accept, PARTNER).unwrap_err().code, ErrorCode::IllegalTransition);
        assert_eq!(next(S::Proposed, A::Send, PARTNER).unwrap_err().code, ErrorCode::Forbidden);
        assert_eq!(next(S::Queued, A::Start, PARTNER).unwrap_err().code, ErrorCode::IllegalTransition);
        for s in S::ALL {
            assert_eq!(S::from_code(s.code()), Some(*s));
        }
    }
}
