//! A cap on the number of fields one operation selects, counted after every
//! fragment is expanded and whatever the fields are called. Depth and
//! complexity limits do not stop a flat query that asks for the same field
//! under a thousand aliases; this does, before anything is resolved.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, FragmentDefinition, Selection, SelectionSet};
use async_graphql::{Name, Positioned, ServerError, ServerResult, Variables};
use polku_domain::{DomainError, ErrorCode};

use crate::ApiError;

pub(crate) struct FieldCap(pub usize);

impl ExtensionFactory for FieldCap {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(FieldCap(self.0))
    }
}

#[async_trait::async_trait]
impl Extension for FieldCap {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let mut count = 0usize;
        for (_, op) in doc.operations.iter() {
            count_fields(&op.node.selection_set.node, &doc.fragments, &mut count, self.0, 0);
        }
        if count > self.0 {
            let error = DomainError::new(ErrorCode::TooManyFields)
                .with_arg(
                    "count",
                    if count > self.0 * 2 { format!("> {}", self.0 * 2) } else { count.to_string() },
                )
                .with_arg("max", self.0);
            let mut e: ServerError = ApiError::from(error).into_request_error();
            e.locations.clear();
            return Err(e);
        }
        Ok(doc)
    }
}

/// Adds the fields of `set` to `count`, stopping early once far past `cap`
/// (fragments can multiply a small text into an enormous count). Fragment
/// cycles are refused by validation later; `depth` only keeps a cycle from
/// recursing here first.
fn count_fields(
    set: &SelectionSet,
    fragments: &HashMap<Name, Positioned<FragmentDefinition>>,
    count: &mut usize,
    cap: usize,
    depth: usize,
) {
    if *count > cap * 2 || depth > 64 {
        *count = (*count).max(cap * 2 + 1);
        return;
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(f) => {
                *count += 1;
                count_fields(&f.node.selection_set.node, fragments, count, cap, depth + 1);
            }
            Selection::FragmentSpread(s) => {
                if let Some(fragment) = fragments.get(&s.node.fragment_name.node) {
                    count_fields(&fragment.node.selection_set.node, fragments, count, cap, depth + 1);
                }
            }
            Selection::InlineFragment(i) => {
                count_fields(&i.node.selection_set.node, fragments, count, cap, depth + 1);
            }
        }
    }
}
