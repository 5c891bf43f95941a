-- The audit log records a request's reads as one row per request, action
-- and kind of data, with the customers' ids as an array, rather than one
-- row per customer. A coach's caseload page of 150 customers was 150 rows
-- and 450 index entries on every view; it is now one row. Every read stays
-- recorded: "who read this customer" is a containment query on the array,
-- served by a GIN index.

ALTER TABLE audit_log ADD COLUMN customer_ids uuid[] NOT NULL DEFAULT '{}';

-- The owner is subject to the forced policies too; the backfill must see
-- every area's rows.
ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY;
UPDATE audit_log SET customer_ids = ARRAY[customer_id] WHERE customer_id IS NOT NULL;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;

DROP POLICY retention_tombstones ON audit_log;
DROP INDEX audit_log_customer_idx;
REVOKE UPDATE (customer_id, reason) ON audit_log FROM polku_retention;
ALTER TABLE audit_log DROP COLUMN customer_id;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_customer_ids_bounded CHECK (cardinality(customer_ids) <= 100000);
CREATE INDEX audit_log_customers_idx ON audit_log USING gin (customer_ids);

-- Erasure replaces an erased customer's id in the rows that name them by a
-- tombstone. The retention role may touch only rows naming a customer the
-- database finds erasable...
GRANT UPDATE (customer_ids, reason) ON audit_log TO polku_retention;
CREATE POLICY retention_tombstones ON audit_log AS RESTRICTIVE FOR UPDATE
    USING ((SELECT app_has_role('retention'))
           AND EXISTS (SELECT 1 FROM unnest(customer_ids) AS c(id) WHERE customer_erasable(tenant_id, c.id)))
    WITH CHECK ((SELECT app_has_role('retention')));

-- ...and, since a policy cannot compare a row with what it was, a trigger
-- holds the rest of the rule: the same number of ids, each either unchanged
-- or an erasable customer's replaced by an id no customer has; the reason
-- may only be cleared; nothing else changes.
CREATE FUNCTION audit_log_tombstones_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
DECLARE
    i int;
BEGIN
    IF NEW.tenant_id IS DISTINCT FROM OLD.tenant_id OR NEW.audit_id IS DISTINCT FROM OLD.audit_id
       OR NEW.at IS DISTINCT FROM OLD.at OR NEW.actor IS DISTINCT FROM OLD.actor
       OR NEW.actor_roles IS DISTINCT FROM OLD.actor_roles OR NEW.action IS DISTINCT FROM OLD.action
       OR NEW.what IS DISTINCT FROM OLD.what OR NEW.request_id IS DISTINCT FROM OLD.request_id
       OR (NEW.reason IS NOT NULL AND NEW.reason IS DISTINCT FROM OLD.reason)
       OR cardinality(NEW.customer_ids) <> cardinality(OLD.customer_ids) THEN
        RAISE EXCEPTION 'audit rows change only by tombstoning an erased customer' USING ERRCODE = '42501';
    END IF;
    FOR i IN 1 .. cardinality(OLD.customer_ids) LOOP
        CONTINUE WHEN NEW.customer_ids[i] = OLD.customer_ids[i];
        IF NOT customer_erasable(OLD.tenant_id, OLD.customer_ids[i])
           OR EXISTS (SELECT 1 FROM customers c
                      WHERE c.tenant_id = OLD.tenant_id AND c.customer_id = NEW.customer_ids[i]) THEN
            RAISE EXCEPTION 'audit rows change only by tombstoning an erased customer' USING ERRCODE = '42501';
        END IF;
    END LOOP;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_tombstones_only BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_tombstones_only();
