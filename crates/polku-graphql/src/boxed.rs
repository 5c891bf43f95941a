//! A merged object that resolves its fields in a boxed future. Each object
//! merged into a root nests the root's resolver future one level deeper,
//! and the compiler computes the layout of that future to its full depth in
//! every crate that executes the schema. The case work's objects, merged
//! into the roots as one group, sit behind a box: their depth no longer
//! adds to the root's, and a new aggregate does not bring the server crate
//! to the recursion limit.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::{resolve_container, ContainerType};
use async_graphql::{Context, ContextSelectionSet, ObjectType, OutputType, Positioned, ServerResult, Value};

/// `T`'s fields, schema and all, through a boxed future.
#[derive(Default)]
pub(crate) struct Boxed<T>(T);

type BoxedFuture<'a, T> = Pin<Box<dyn Future<Output = ServerResult<T>> + Send + 'a>>;

impl<T: ObjectType> OutputType for Boxed<T> {
    // The type is `T` itself: merged into a root, only its fields count,
    // and the schema keeps no trace of the wrapper.
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_container(ctx, self).await
    }
}

impl<T: ObjectType> ContainerType for Boxed<T> {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        let field: BoxedFuture<'_, Option<Value>> = Box::pin(self.0.resolve_field(ctx));
        field.await
    }

    async fn find_entity(&self, ctx: &Context<'_>, params: &Value) -> ServerResult<Option<Value>> {
        let entity: BoxedFuture<'_, Option<Value>> = Box::pin(self.0.find_entity(ctx, params));
        entity.await
    }
}

impl<T: ObjectType> ObjectType for Boxed<T> {}
