-- Up Migration
-- The months each deal point is active in, kept with its stored history (issue 18): the active
-- periods as month indices (month_index), merged where two periods share a month (a point
-- dismantled and reopened within a month counts once in it), in order; month_last NULL while the
-- last period is open. The monthly cube and series then count points per key and month in SQL
-- from +1/-1 changes (a few thousand rows), instead of sending every period to the server.

ALTER TABLE deal_point_histories
  ADD COLUMN month_first integer[] NOT NULL DEFAULT '{}',
  ADD COLUMN month_last integer[] NOT NULL DEFAULT '{}',
  ADD CHECK (cardinality(month_first) = cardinality(month_last));

CREATE OR REPLACE FUNCTION deal_point_histories_refresh(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
  DELETE FROM deal_point_histories WHERE deal_point_id = ANY(ids);
  WITH e AS (
    SELECT s.deal_point_id, s.status, s.effective_on,
           lead(s.effective_on) OVER (PARTITION BY s.deal_point_id ORDER BY s.effective_on) AS next_on
    FROM deal_point_status_events s
    WHERE s.deal_point_id = ANY(ids) AND EXISTS (SELECT 1 FROM deal_points d WHERE d.id = s.deal_point_id)
  ),
  -- Active periods in months; a period starts a new island unless the one before reaches its first month.
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

SELECT deal_point_histories_refresh(ARRAY(SELECT id FROM deal_points));

-- Down Migration
CREATE OR REPLACE FUNCTION deal_point_histories_refresh(ids bigint[]) RETURNS void
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
ALTER TABLE deal_point_histories DROP COLUMN month_last, DROP COLUMN month_first;
