//! Polku's domain: values that only exist once parsed, the closed sets the
//! product speaks in, and the stable error codes. Nothing here does IO or async;
//! every other crate depends on this one and it depends on none of them.

/// A closed set of the domain with a stable code for each member: the enum,
/// its `ALL` list, and the conversions to and from the code. The code is the
/// domain's name for the member; the database stores it (its CHECK
/// constraints list the same codes), rule files and files exchanged with
/// other systems use it.
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $code:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($(#[$vmeta])* $variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The member's stable code, e.g. `labour_market_subsidy`.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            pub fn from_code(s: &str) -> Option<Self> {
                match s { $($code => Some($name::$variant),)* _ => None }
            }
        }
    };
}

pub mod appointment;
pub mod budget;
pub mod business_id;
pub mod calendar;
pub mod catalogue;
pub mod contact;
pub mod customer;
pub mod disclosure;
pub mod error;
pub mod figures;
pub mod grant;
pub mod hetu;
pub mod job_search;
pub mod lang;
pub mod money;
pub mod municipal_share;
pub mod municipality;
pub mod neglect;
pub mod notification;
pub mod partner_report;
pub mod path;
pub mod referral;
pub mod retention;
pub mod role;
pub mod rules;
pub mod tenant;

pub use business_id::BusinessId;
pub use catalogue::{PartnerKind, ServiceCategory};
pub use error::{DomainError, ErrorCode};
pub use hetu::Hetu;
pub use lang::{Lang, LocalizedText};
pub use money::Euros;
pub use municipality::{LanguageStatus, MunicipalityCode};
pub use role::Role;
pub use tenant::{RegionCode, Slug};
