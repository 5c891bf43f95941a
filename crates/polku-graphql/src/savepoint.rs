//! One savepoint per top-level mutation field. A request's mutations share
//! one transaction; if a field fails, its writes are rolled back to its
//! savepoint while the fields before it stand, so every mutation either
//! commits with the request or reports an error, and none is half-written.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo};
use async_graphql::{ServerResult, Value};

use crate::RequestContext;

pub(crate) struct MutationSavepoints;

impl ExtensionFactory for MutationSavepoints {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(MutationSavepoints)
    }
}

#[async_trait::async_trait]
impl Extension for MutationSavepoints {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        // Every field of every request passes here: the cheap test first.
        if info.parent_type != "Mutation" || info.path_node.parent.is_some() {
            return next.run(ctx, info).await;
        }
        let Some(session) = ctx.data_opt::<Arc<RequestContext>>().and_then(|r| r.session.clone()) else {
            return next.run(ctx, info).await;
        };
        let pos = info.field.name.pos;
        if let Ok(mut tx) = session.tx().await {
            tx.savepoint()
                .await
                .map_err(|e| crate::ApiError::from(e).into_graphql().into_server_error(pos))?;
        }
        let result = next.run(ctx, info).await;
        if let Ok(mut tx) = session.tx().await {
            let step = match &result {
                Ok(_) => tx.release_savepoint().await,
                Err(_) => tx.rollback_to_savepoint().await,
            };
            step.map_err(|e| crate::ApiError::from(e).into_graphql().into_server_error(pos))?;
        }
        result
    }
}
