//! The `polku` binary's library half: configuration, authentication, the
//! HTTP router and telemetry, kept in a library so tests can drive the real
//! router in process.

pub mod apq;
pub mod auth;
pub mod config;
pub mod dev;
pub mod http;
pub mod metrics;
pub mod ratelimit;
pub mod relay;
pub mod seed;
pub mod telemetry;

pub use http::{router, serve_until, AppState};
