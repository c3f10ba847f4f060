-- Up Migration
-- Scale (issue 18). Two things the map reads on every request, kept by the database itself:
--
-- 1. Each deal point's status history in one row (deal_point_histories): its events' dates and
--    statuses in date order, and its active periods (what the view deal_point_active_periods
--    computes: from an active or reopened event to the next event, the last open-ended). A tile
--    then reads one row per point by its key instead of walking the events twice. Kept by
--    statement-level triggers on deal_point_status_events (one pass per statement, whatever its
--    size: an import of 100,000 points refreshes them in one query).
--
-- 2. A data version (data_version): a counter raised by every statement that changes what tiles
--    show (deal points, their events, observations and identifiers: the independent sources).
--    The tile cache is keyed by it, so a change is never served stale; a reader takes the version
--    before reading the data, so an entry can only be newer than its key, never older.

CREATE TABLE deal_point_histories (
  deal_point_id bigint PRIMARY KEY REFERENCES deal_points (id) ON DELETE CASCADE,
  event_on date[] NOT NULL,
  event_status text[] NOT NULL,
  period_from date[] NOT NULL,
  period_until date[] NOT NULL,
  CHECK (cardinality(event_on) = cardinality(event_status) AND cardinality(event_on) >= 1),
  CHECK (cardinality(period_from) = cardinality(period_until))
);

-- Rebuilds the history rows of the points `ids` from their events.
CREATE FUNCTION deal_point_histories_refresh(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
  DELETE FROM deal_point_histories WHERE deal_point_id = ANY(ids);
  INSERT INTO deal_point_histories (deal_point_id, event_on, event_status, period_from, period_until)
  SELECT e.deal_point_id,
         array_agg(e.effective_on ORDER BY e.effective_on), array_agg(e.status ORDER BY e.effective_on),
         COALESCE(array_agg(e.effective_on ORDER BY e.effective_on) FILTER (WHERE e.status IN ('active', 'reopened')), '{}'),
         COALESCE(array_agg(e.next_on ORDER BY e.effective_on) FILTER (WHERE e.status IN ('active', 'reopened')), '{}')
  FROM (
    SELECT s.deal_point_id, s.status, s.effective_on,
           lead(s.effective_on) OVER (PARTITION BY s.deal_point_id ORDER BY s.effective_on) AS next_on
    FROM deal_point_status_events s WHERE s.deal_point_id = ANY(ids)
  ) e
  WHERE EXISTS (SELECT 1 FROM deal_points d WHERE d.id = e.deal_point_id)
  GROUP BY e.deal_point_id;
$$;

CREATE FUNCTION deal_point_histories_on_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM deal_point_histories_refresh(ARRAY(SELECT DISTINCT deal_point_id FROM new_events));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM deal_point_histories_refresh(ARRAY(SELECT deal_point_id FROM new_events UNION SELECT deal_point_id FROM old_events));
  ELSE
    PERFORM deal_point_histories_refresh(ARRAY(SELECT DISTINCT deal_point_id FROM old_events));
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER deal_point_histories_insert AFTER INSERT ON deal_point_status_events
REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION deal_point_histories_on_events();
CREATE TRIGGER deal_point_histories_update AFTER UPDATE ON deal_point_status_events
REFERENCING OLD TABLE AS old_events NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION deal_point_histories_on_events();
CREATE TRIGGER deal_point_histories_delete AFTER DELETE ON deal_point_status_events
REFERENCING OLD TABLE AS old_events FOR EACH STATEMENT EXECUTE FUNCTION deal_point_histories_on_events();

CREATE FUNCTION deal_point_histories_on_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM deal_point_histories;
  RETURN NULL;
END
$$;
CREATE TRIGGER deal_point_histories_truncate AFTER TRUNCATE ON deal_point_status_events
FOR EACH STATEMENT EXECUTE FUNCTION deal_point_histories_on_truncate();

SELECT deal_point_histories_refresh(ARRAY(SELECT id FROM deal_points));

CREATE TABLE data_version (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint NOT NULL DEFAULT 1 CHECK (version >= 1)
);
INSERT INTO data_version DEFAULT VALUES;

-- Once per transaction (its commit is what readers see): updating one row thousands of times in
-- a transaction (an import changing points one by one) would walk ever longer version chains.
CREATE FUNCTION data_version_raise() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('sillage.data_version_raised_in', true) IS NOT DISTINCT FROM txid_current()::text THEN
    RETURN NULL;
  END IF;
  PERFORM set_config('sillage.data_version_raised_in', txid_current()::text, true);
  UPDATE data_version SET version = version + 1;
  RETURN NULL;
END
$$;
CREATE TRIGGER data_version_deal_points AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON deal_points
FOR EACH STATEMENT EXECUTE FUNCTION data_version_raise();
CREATE TRIGGER data_version_status_events AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON deal_point_status_events
FOR EACH STATEMENT EXECUTE FUNCTION data_version_raise();
CREATE TRIGGER data_version_observations AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON deal_point_observations
FOR EACH STATEMENT EXECUTE FUNCTION data_version_raise();
CREATE TRIGGER data_version_identifiers AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON deal_point_identifiers
FOR EACH STATEMENT EXECUTE FUNCTION data_version_raise();

-- Down Migration
DROP TRIGGER data_version_identifiers ON deal_point_identifiers;
DROP TRIGGER data_version_observations ON deal_point_observations;
DROP TRIGGER data_version_status_events ON deal_point_status_events;
DROP TRIGGER data_version_deal_points ON deal_points;
DROP FUNCTION data_version_raise();
DROP TABLE data_version;
DROP TRIGGER deal_point_histories_delete ON deal_point_status_events;
DROP TRIGGER deal_point_histories_update ON deal_point_status_events;
DROP TRIGGER deal_point_histories_insert ON deal_point_status_events;
DROP TRIGGER deal_point_histories_truncate ON deal_point_status_events;
DROP FUNCTION deal_point_histories_on_truncate();
DROP FUNCTION deal_point_histories_on_events();
DROP FUNCTION deal_point_histories_refresh(bigint[]);
DROP TABLE deal_point_histories;
