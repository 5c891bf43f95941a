//! Who a caller is to Polku. Roles come from the identity provider's token;
//! the database sees them through the transaction's `polku.roles` setting.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{DomainError, ErrorCode};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the platform: creates employment areas.
    PlatformAdmin,
    /// Configures one area: catalogue, partners, languages, settings.
    TenantAdmin,
    /// Leads coaches in one area and sees the whole area's customers.
    Manager,
    /// A personal coach (omavalmentaja) with a caseload.
    Coach,
    /// Staff of a partner organisation; sees only what concerns it.
    Partner,
    /// Regional TE/ELY oversight; sees aggregates only.
    Oversight,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::PlatformAdmin, Role::TenantAdmin, Role::Manager, Role::Coach, Role::Partner, Role::Oversight];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::PlatformAdmin => "platform_admin",
            Role::TenantAdmin => "tenant_admin",
            Role::Manager => "manager",
            Role::Coach => "coach",
            Role::Partner => "partner",
            Role::Oversight => "oversight",
        }
    }

    /// The area's case staff, who see customer data; the database's
    /// `app_is_case_staff()` names the same three.
    pub const CASE_STAFF: [Role; 3] = [Role::Coach, Role::Manager, Role::TenantAdmin];

    pub fn is_case_staff(self) -> bool {
        Role::CASE_STAFF.contains(&self)
    }

    /// Whether the role acts inside one employment area and so needs a tenant.
    pub fn is_tenant_scoped(self) -> bool {
        !matches!(self, Role::PlatformAdmin | Role::Oversight)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| DomainError::new(ErrorCode::InvalidToken).with_arg("claim", "roles"))
    }
}
