//! Letters on the API: those a customer was sent, read through
//! `Customer.letters`; the printable letter itself is served over HTTP.

use async_graphql::{Object, ID};
use chrono::{DateTime, Utc};
use polku_store::letters;

use crate::reference::Language;

pub struct Letter(pub letters::Letter);

#[Object]
impl Letter {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    async fn language(&self) -> Language {
        self.0.language.into()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Printable HTML, served with the same bearer token.
    async fn url(&self) -> String {
        format!("/letters/{}", self.0.id)
    }
}
