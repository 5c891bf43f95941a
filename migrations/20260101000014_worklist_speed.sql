-- Worklists over a whole area read every meeting of every active customer
-- (two million for an area of 70,000), grouped by customer. With the
-- meeting's type in the index, that read is an index-only scan in the
-- order of the grouping: no heap pages, no sort. It has the key of
-- meetings_customer_idx, so it replaces that index for every query that
-- used it (a customer's meetings by time, the next meeting).
CREATE INDEX meetings_customer_type_idx ON meetings (tenant_id, customer_id, starts_at) INCLUDE (meeting_type);
DROP INDEX meetings_customer_idx;
