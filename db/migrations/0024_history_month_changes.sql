-- Up Migration
-- The monthly cube pre-aggregated (issue 18). Each point's stored active months (migration 0019)
-- become +1/-1 changes summed per commune, dataset, H3 cells (r7, r8) and month, kept in step by
-- triggers: a national cube then reads one row per cell and month with a change (a few hundred
-- thousand at 100x the demo) instead of every point's history. `previous_last` is the last month
-- of the point's island before the one starting here (NULL for a first island and for ends): a
-- start is an arrival in a window starting at month w when it has none or it ended before w.
-- Key sums are the points' record keys (disclosure control), not reduced: the reader reduces them
-- modulo 2^31.
--
-- The point's attributes a contribution was counted under are kept with its history row, so the
-- contribution can be taken back from the row alone (a point deleted, moved to another cell or
-- commune, given another dataset): a change of them refreshes the point's history.

ALTER TABLE deal_point_histories
  ADD COLUMN commune_insee text, ADD COLUMN dataset text, ADD COLUMN h3_r7 text, ADD COLUMN h3_r8 text, ADD COLUMN record_key integer;

UPDATE deal_point_histories h SET commune_insee = d.commune_insee, dataset = d.dataset, h3_r7 = d.h3_r7, h3_r8 = d.h3_r8, record_key = d.record_key
FROM deal_points d WHERE d.id = h.deal_point_id;

ALTER TABLE deal_point_histories
  ALTER COLUMN commune_insee SET NOT NULL, ALTER COLUMN dataset SET NOT NULL, ALTER COLUMN h3_r7 SET NOT NULL,
  ALTER COLUMN h3_r8 SET NOT NULL, ALTER COLUMN record_key SET NOT NULL;

-- Migration 0019's refresh, with the point's attributes copied.
CREATE OR REPLACE FUNCTION deal_point_histories_refresh(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
  DELETE FROM deal_point_histories WHERE deal_point_id = ANY(ids);
  WITH e AS (
    SELECT s.deal_point_id, s.status, s.effective_on,
           lead(s.effective_on) OVER (PARTITION BY s.deal_point_id ORDER BY s.effective_on) AS next_on
    FROM deal_point_status_events s
    WHERE s.deal_point_id = ANY(ids) AND EXISTS (SELECT 1 FROM deal_points d WHERE d.id = s.deal_point_id)
  ),
  months AS (
    SELECT deal_point_id, effective_on, month_index(effective_on) AS f,
           CASE WHEN next_on IS NULL THEN NULL ELSE month_index(next_on - 1) END AS l
    FROM e WHERE status IN ('active', 'reopened')
  ),
  flagged AS (
    SELECT *, CASE WHEN lag(l) OVER w >= f THEN 0 ELSE 1 END AS starts
    FROM months WINDOW w AS (PARTITION BY deal_point_id ORDER BY effective_on)
  ),
  islands AS (
    SELECT deal_point_id, island, min(f) AS f, CASE WHEN bool_or(l IS NULL) THEN NULL ELSE max(l) END AS l
    FROM (SELECT *, sum(starts) OVER (PARTITION BY deal_point_id ORDER BY effective_on) AS island FROM flagged) g
    GROUP BY deal_point_id, island
  ),
  merged AS (
    SELECT deal_point_id, array_agg(f ORDER BY island) AS month_first, array_agg(l ORDER BY island) AS month_last
    FROM islands GROUP BY deal_point_id
  )
  INSERT INTO deal_point_histories (deal_point_id, event_on, event_status, period_from, period_until, month_first, month_last,
                                    commune_insee, dataset, h3_r7, h3_r8, record_key)
  SELECT e.deal_point_id,
         array_agg(e.effective_on ORDER BY e.effective_on), array_agg(e.status ORDER BY e.effective_on),
         COALESCE(array_agg(e.effective_on ORDER BY e.effective_on) FILTER (WHERE e.status IN ('active', 'reopened')), '{}'),
         COALESCE(array_agg(e.next_on ORDER BY e.effective_on) FILTER (WHERE e.status IN ('active', 'reopened')), '{}'),
         COALESCE(min(m.month_first), '{}'), COALESCE(min(m.month_last), '{}'),
         d.commune_insee, d.dataset, d.h3_r7, d.h3_r8, d.record_key
  FROM e JOIN deal_points d ON d.id = e.deal_point_id LEFT JOIN merged m ON m.deal_point_id = e.deal_point_id
  GROUP BY e.deal_point_id, d.id;
$$;

-- One history's changes: +1 at each island's first month (a start, with the month the island
-- before it ended), -1 the month after each closed island's last.
CREATE FUNCTION history_month_contributions(integer[], integer[], integer)
RETURNS TABLE (month integer, previous_last integer, active integer, active_keys bigint, starts integer, start_keys bigint)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT u.f, CASE WHEN u.n > 1 THEN $2[u.n - 1] END, 1, $3::bigint, 1, $3::bigint
  FROM unnest($1) WITH ORDINALITY AS u(f, n)
  UNION ALL
  SELECT u.l + 1, NULL::integer, -1, -$3::bigint, 0, 0::bigint
  FROM unnest($2) AS u(l) WHERE u.l IS NOT NULL
$$;

CREATE TABLE history_month_changes (
  commune_insee text NOT NULL,
  department_code text NOT NULL,
  dataset text NOT NULL,
  h3_r7 text NOT NULL,
  h3_r8 text NOT NULL,
  month integer NOT NULL,
  previous_last integer,
  active integer NOT NULL,
  active_keys bigint NOT NULL,
  starts integer NOT NULL,
  start_keys bigint NOT NULL,
  CONSTRAINT history_month_changes_key UNIQUE NULLS NOT DISTINCT (commune_insee, dataset, h3_r8, h3_r7, month, previous_last)
);
CREATE INDEX history_month_changes_department_idx ON history_month_changes (department_code);

-- What the table must hold, computed from every stored history (the rebuild, and the tests' check).
CREATE VIEW history_month_changes_expected AS
SELECT h.commune_insee, c.department_code, h.dataset, h.h3_r7, h.h3_r8, x.month, x.previous_last,
       sum(x.active)::integer AS active, sum(x.active_keys)::bigint AS active_keys,
       sum(x.starts)::integer AS starts, sum(x.start_keys)::bigint AS start_keys
FROM deal_point_histories h
JOIN communes c ON c.insee = h.commune_insee
CROSS JOIN LATERAL history_month_contributions(h.month_first, h.month_last, h.record_key) x
GROUP BY h.commune_insee, c.department_code, h.dataset, h.h3_r7, h.h3_r8, x.month, x.previous_last
HAVING sum(x.active) <> 0 OR sum(x.starts) <> 0;

CREATE FUNCTION history_month_changes_rebuild() RETURNS void
LANGUAGE sql AS $$
  DELETE FROM history_month_changes;
  INSERT INTO history_month_changes SELECT * FROM history_month_changes_expected;
$$;

-- Inserted histories add their changes, deleted ones take theirs back (a refresh is both); rows
-- left with nothing are removed. Rows are written in key order so that concurrent writers lock
-- them in the same order.
CREATE FUNCTION history_month_changes_on_histories() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO history_month_changes AS t
    SELECT h.commune_insee, c.department_code, h.dataset, h.h3_r7, h.h3_r8, x.month, x.previous_last,
           sum(x.active), sum(x.active_keys), sum(x.starts), sum(x.start_keys)
    FROM new_histories h
    JOIN communes c ON c.insee = h.commune_insee
    CROSS JOIN LATERAL history_month_contributions(h.month_first, h.month_last, h.record_key) x
    GROUP BY h.commune_insee, c.department_code, h.dataset, h.h3_r7, h.h3_r8, x.month, x.previous_last
    ORDER BY h.commune_insee, h.dataset, h.h3_r8, h.h3_r7, x.month, x.previous_last
    ON CONFLICT ON CONSTRAINT history_month_changes_key DO UPDATE
      SET active = t.active + EXCLUDED.active, active_keys = t.active_keys + EXCLUDED.active_keys,
          starts = t.starts + EXCLUDED.starts, start_keys = t.start_keys + EXCLUDED.start_keys;
  ELSE
    INSERT INTO history_month_changes AS t
    SELECT h.commune_insee, c.department_code, h.dataset, h.h3_r7, h.h3_r8, x.month, x.previous_last,
           -sum(x.active), -sum(x.active_keys), -sum(x.starts), -sum(x.start_keys)
    FROM old_histories h
    JOIN communes c ON c.insee = h.commune_insee
    CROSS JOIN LATERAL history_month_contributions(h.month_first, h.month_last, h.record_key) x
    GROUP BY h.commune_insee, c.department_code, h.dataset, h.h3_r7, h.h3_r8, x.month, x.previous_last
    ORDER BY h.commune_insee, h.dataset, h.h3_r8, h.h3_r7, x.month, x.previous_last
    ON CONFLICT ON CONSTRAINT history_month_changes_key DO UPDATE
      SET active = t.active + EXCLUDED.active, active_keys = t.active_keys + EXCLUDED.active_keys,
          starts = t.starts + EXCLUDED.starts,
          start_keys = t.start_keys + EXCLUDED.start_keys;
    DELETE FROM history_month_changes t
    USING (SELECT DISTINCT commune_insee, dataset, h3_r8, h3_r7 FROM old_histories) g
    WHERE t.commune_insee = g.commune_insee AND t.dataset = g.dataset AND t.h3_r8 = g.h3_r8 AND t.h3_r7 = g.h3_r7
      AND t.active = 0 AND t.starts = 0;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER history_month_changes_insert AFTER INSERT ON deal_point_histories
REFERENCING NEW TABLE AS new_histories FOR EACH STATEMENT EXECUTE FUNCTION history_month_changes_on_histories();
CREATE TRIGGER history_month_changes_delete AFTER DELETE ON deal_point_histories
REFERENCING OLD TABLE AS old_histories FOR EACH STATEMENT EXECUTE FUNCTION history_month_changes_on_histories();

CREATE FUNCTION history_month_changes_on_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE history_month_changes;
  RETURN NULL;
END
$$;
CREATE TRIGGER history_month_changes_truncate AFTER TRUNCATE ON deal_point_histories
FOR EACH STATEMENT EXECUTE FUNCTION history_month_changes_on_truncate();

-- A point given another commune, dataset, cell or record key: its history is refreshed (and so
-- its changes move).
CREATE FUNCTION deal_point_histories_on_points() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM deal_point_histories_refresh(ARRAY(
    SELECT n.id FROM new_points n JOIN old_points o ON o.id = n.id
    WHERE (n.commune_insee, n.dataset, n.h3_r7, n.h3_r8, n.record_key) IS DISTINCT FROM (o.commune_insee, o.dataset, o.h3_r7, o.h3_r8, o.record_key)));
  RETURN NULL;
END
$$;
CREATE TRIGGER deal_point_histories_points AFTER UPDATE ON deal_points
REFERENCING OLD TABLE AS old_points NEW TABLE AS new_points FOR EACH STATEMENT EXECUTE FUNCTION deal_point_histories_on_points();

SELECT history_month_changes_rebuild();
ANALYZE history_month_changes;

-- Down Migration
DROP TRIGGER deal_point_histories_points ON deal_points;
DROP FUNCTION deal_point_histories_on_points();
DROP TRIGGER history_month_changes_truncate ON deal_point_histories;
DROP FUNCTION history_month_changes_on_truncate();
DROP TRIGGER history_month_changes_delete ON deal_point_histories;
DROP TRIGGER history_month_changes_insert ON deal_point_histories;
DROP FUNCTION history_month_changes_on_histories();
DROP FUNCTION history_month_changes_rebuild();
DROP VIEW history_month_changes_expected;
DROP TABLE history_month_changes;
DROP FUNCTION history_month_contributions(integer[], integer[], integer);
CREATE OR REPLACE FUNCTION deal_point_histories_refresh(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
  DELETE FROM deal_point_histories WHERE deal_point_id = ANY(ids);
  WITH e AS (
    SELECT s.deal_point_id, s.status, s.effective_on,
           lead(s.effective_on) OVER (PARTITION BY s.deal_point_id ORDER BY s.effective_on) AS next_on
    FROM deal_point_status_events s
    WHERE s.deal_point_id = ANY(ids) AND EXISTS (SELECT 1 FROM deal_points d WHERE d.id = s.deal_point_id)
  ),
  months AS (
    SELECT deal_point_id, effective_on, month_index(effective_on) AS f,
           CASE WHEN next_on IS NULL THEN NULL ELSE month_index(next_on - 1) END AS l
    FROM e WHERE status IN ('active', 'reopened')
  ),
  flagged AS (
    SELECT *, CASE WHEN lag(l) OVER w >= f THEN 0 ELSE 1 END AS starts
    FROM months WINDOW w AS (PARTITION BY deal_point_id ORDER BY effective_on)
  ),
  islands AS (
    SELECT deal_point_id, island, min(f) AS f, CASE WHEN bool_or(l IS NULL) THEN NULL ELSE max(l) END AS l
    FROM (SELECT *, sum(starts) OVER (PARTITION BY deal_point_id ORDER BY effective_on) AS island FROM flagged) g
    GROUP BY deal_point_id, island
  ),
  merged AS (
    SELECT deal_point_id, array_agg(f ORDER BY island) AS month_first, array_agg(l ORDER BY island) AS month_last
    FROM islands GROUP BY deal_point_id
  )
  INSERT INTO deal_point_histories (deal_point_id, event_on, event_status, period_from, period_until, month_first, month_last)
  SELECT e.deal_point_id,
         array_agg(e.effective_on ORDER BY e.effective_on), array_agg(e.status ORDER BY e.effective_on),
         COALESCE(array_agg(e.effective_on ORDER BY e.effective_on) FILTER (WHERE e.status IN ('active', 'reopened')), '{}'),
         COALESCE(array_agg(e.next_on ORDER BY e.effective_on) FILTER (WHERE e.status IN ('active', 'reopened')), '{}'),
         COALESCE(min(m.month_first), '{}'), COALESCE(min(m.month_last), '{}')
  FROM e LEFT JOIN merged m ON m.deal_point_id = e.deal_point_id
  GROUP BY e.deal_point_id;
$$;
ALTER TABLE deal_point_histories DROP COLUMN record_key, DROP COLUMN h3_r8, DROP COLUMN h3_r7, DROP COLUMN dataset, DROP COLUMN commune_insee;
