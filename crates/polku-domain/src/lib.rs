//! Polku's domain: values that only exist once parsed, the closed sets the
//! product speaks in, and the stable error codes. Nothing here does IO or async;
//! every other crate depends on this one and it depends on none of them.

pub mod business_id;
pub mod calendar;
pub mod catalogue;
pub mod customer;
pub mod error;
pub mod hetu;
pub mod lang;
pub mod money;
pub mod municipality;
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
