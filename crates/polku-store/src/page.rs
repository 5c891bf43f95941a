//! Keyset pagination. Ids are UUIDv7, which sort by creation time, so "after
//! this id" is a stable cursor that survives inserts between pages.

use uuid::Uuid;

#[derive(Clone, Copy, Debug)]
pub struct PageRequest {
    pub first: u32,
    pub after: Option<Uuid>,
    /// Whether to count every row (`totalCount`): a statement of its own,
    /// so only when asked for.
    pub with_total: bool,
}

#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub total_count: i64,
}

impl<T> Page<T> {
    /// Builds a page from up to `first + 1` rows: the extra row only tells
    /// that another page exists.
    pub fn from_rows(mut rows: Vec<T>, request: PageRequest, total_count: i64) -> Page<T> {
        let has_next_page = rows.len() > request.first as usize;
        rows.truncate(request.first as usize);
        Page { items: rows, has_next_page, has_previous_page: request.after.is_some(), total_count }
    }
}
