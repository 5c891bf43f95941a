//! Relay cursor connections. Cursors are opaque to clients (base64 of the
//! row's id), and page sizes are capped by configuration.

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{Context, OutputType, SimpleObject};
use polku_domain::{DomainError, ErrorCode};
use polku_store::{Page, PageRequest};
use uuid::Uuid;

use crate::{ApiError, Limits};

const DEFAULT_PAGE_SIZE: u32 = 50;

#[derive(SimpleObject)]
pub(crate) struct ConnectionFields {
    /// How many items match, over all pages.
    pub total_count: i64,
}

pub(crate) type PolkuConnection<T> = Connection<String, T, ConnectionFields, EmptyFields>;

fn encode(id: Uuid) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id.as_bytes())
}

fn decode(cursor: &str) -> Option<Uuid> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor).ok()?;
    Uuid::from_slice(&bytes).ok()
}

/// What a page costs against the complexity limit: its fields once per row
/// it may return, so `first: 100` of a ten-field node costs a thousand, not
/// ten. Sizes over the cap are refused later by `page_request`; here they
/// are counted as asked, so such a query fails early either way.
pub(crate) fn list_cost(first: Option<i32>, child_complexity: usize) -> usize {
    let rows = first.map_or(DEFAULT_PAGE_SIZE, |n| u32::try_from(n.max(1)).unwrap_or(1));
    let rows = usize::try_from(rows).unwrap_or(usize::MAX);
    rows.saturating_mul(child_complexity).saturating_add(1)
}

/// Parses `first` and `after`, refusing page sizes over the cap by name.
pub(crate) fn page_request(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<String>,
) -> Result<PageRequest, ApiError> {
    let max = ctx.data::<Limits>().map(|l| l.max_page_size).unwrap_or(100);
    let first = match first {
        None => DEFAULT_PAGE_SIZE.min(max),
        Some(n) if n < 0 => {
            return Err(DomainError::field(ErrorCode::OutOfRange, "first")
                .with_arg("min", 0)
                .with_arg("max", max)
                .into())
        }
        Some(n) if u32::try_from(n).unwrap_or(0) > max => {
            return Err(DomainError::field(ErrorCode::PageSizeTooLarge, "first").with_arg("max", max).into())
        }
        Some(n) => u32::try_from(n).unwrap_or(0),
    };
    let after = match after {
        None => None,
        Some(c) => Some(decode(&c).ok_or(DomainError::field(ErrorCode::InvalidCursor, "after"))?),
    };
    // A count is a statement of its own: made only when the query asks.
    let with_total = ctx.look_ahead().field("totalCount").exists();
    Ok(PageRequest { first, after, with_total })
}

pub(crate) fn connection<S, T: OutputType>(
    page: Page<S>,
    id: impl Fn(&S) -> Uuid,
    wrap: impl Fn(S) -> T,
) -> PolkuConnection<T> {
    let mut connection = Connection::with_additional_fields(
        page.has_previous_page,
        page.has_next_page,
        ConnectionFields { total_count: page.total_count },
    );
    connection.edges.extend(page.items.into_iter().map(|item| Edge::new(encode(id(&item)), wrap(item))));
    connection
}
