//! End-to-end tests of the gateway: the real router driven in process,
//! against real PostgreSQL connecting as the non-owner application role,
//! one throwaway database per test copied from a migrated, seeded template.
//! Run them with `cargo xtask test`, which provides the servers.

// Tests and benchmarks may unwrap and cast: a failure there is the answer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

mod appointments;
mod architecture;
mod budget;
mod casework;
mod catalogue;
mod deadlines;
mod duties;
mod edge_auth;
mod edge_http;
mod figures;
mod funding;
mod harness;
mod helm;
mod life_cycle;
mod notifications;
mod operations;
mod partner_reports;
mod path;
mod pay_subsidy;
mod personal_data;
mod referrals;
mod schema;
mod tenancy;
mod tls;
mod transfer_rules;
mod viestit;
mod week;
