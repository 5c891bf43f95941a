//! Per-request batch loaders. Each is built with the request's own session,
//! so a batch runs inside that request's tenant transaction and can never mix
//! tenants (a loader shared by the schema would).

use std::collections::HashMap;
use std::sync::Arc;

use polku_store::partners::{self, Partner};
use uuid::Uuid;

use crate::{ApiError, Session};

/// The per-request partner loader. It caches, so a list resolver can prime it
/// with one query for the whole page and the per-item resolvers issue none.
pub(crate) type Partners =
    async_graphql::dataloader::DataLoader<PartnerLoader, async_graphql::dataloader::HashMapCache>;

pub(crate) struct PartnerLoader {
    session: Arc<Session>,
}

impl PartnerLoader {
    pub(crate) fn new(session: Arc<Session>) -> Self {
        PartnerLoader { session }
    }
}

impl async_graphql::dataloader::Loader<Uuid> for PartnerLoader {
    type Value = Partner;
    type Error = Arc<ApiError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Partner>, Self::Error> {
        let mut tx = self.session.tx().await.map_err(Arc::new)?;
        let rows = partners::by_ids(&mut tx, keys).await.map_err(|e| Arc::new(ApiError::from(e)))?;
        Ok(rows.into_iter().map(|p| (p.id, p)).collect())
    }
}
