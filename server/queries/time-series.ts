import { shownEvent } from './aggregates.js';
/**
 * Active periods of deal points, clipped to a window of months, each with the key it is counted
 * under. $1 first month (date), $2 last month (date), $3-$6 bbox (NULL: all), $7 departments,
 * $8 dataset, $9 region, $10 commune, $11 operation (points inside its target area), $12 departments
 * whose operations under way may show (NULL: all; see queries/aggregates.ts), $13 communes (a list).
 * `last` is the last month the point is active in (the day before it stops), capped at $2.
 */
export function activeSpans(keyExpression: string, { stored = false, sizeClasses = true, cells = true, minSources = false }: { stored?: boolean; sizeClasses?: boolean; cells?: boolean; minSources?: boolean } = {}): string {
  // minSources: $14 keeps points confirmed by at least that many independent sources (precise roles only).
  // stored: periods read from deal_point_histories (migration 0016), only when every status
  // change shows ($12 NULL); otherwise computed from the events, leaving out those hidden.
  const periods = stored
    ? `JOIN deal_point_histories h ON h.deal_point_id = d.id
CROSS JOIN LATERAL unnest(h.period_from, h.period_until) AS p(active_from, active_until)`
    : `-- Periods computed per point (not from the whole view), so a small area stays a small query.
CROSS JOIN LATERAL (
  SELECT e.status, e.effective_on AS active_from, lead(e.effective_on) OVER (ORDER BY e.effective_on) AS active_until
  FROM deal_point_status_events e WHERE e.deal_point_id = d.id AND ${shownEvent('$12')}
) p`;
  return `
SELECT d.id AS point_id, ${keyExpression} AS key, d.record_key${cells ? ', d.h3_r7 AS cell7, d.h3_r8 AS cell8' : ''},
       month_index(p.active_from) AS first,
       CASE WHEN p.active_until IS NULL THEN month_index($2::date) ELSE month_index(p.active_until - 1) END AS last
FROM deal_points d
${periods}
JOIN communes c ON c.insee = d.commune_insee
${sizeClasses ? 'JOIN commune_size_classes s ON s.insee = c.insee' : ''}
WHERE ${stored ? '$12::text[] IS NULL' : `p.status IN ('active', 'reopened')`} AND p.active_from < ($2::date + interval '1 month') AND (p.active_until IS NULL OR p.active_until > $1::date)
  ${pointFilters(minSources)}`;
}

/** The points' filters shared by the spans and the month changes: $3-$11, $13, and $14 when `minSources`. */
function pointFilters(minSources: boolean): string {
  return `AND ($3::float8 IS NULL OR d.geom && ST_MakeEnvelope($3, $4, $5, $6, 4326))
  AND ($7::text[] IS NULL OR c.department_code = ANY($7::text[]))
  AND ($8::text IS NULL OR d.dataset = $8)
  AND ($9::text IS NULL OR c.region_code = $9)
  AND ($10::text IS NULL OR c.insee = $10)
  AND ($13::text[] IS NULL OR c.insee = ANY($13::text[]))
  AND ($11::bigint IS NULL OR EXISTS (SELECT 1 FROM operations o WHERE o.id = $11 AND o.target && d.geom AND ST_Intersects(o.target, d.geom)))${minSources ? `
  AND deal_point_sources_count(d.id) >= $14::int` : ''}`;
}

/**
 * The monthly counts as changes, counted in SQL from the stored months (migration 0019), for
 * readers who see every status change ($12 NULL): per key and month offset from the window's
 * first month, the change of active points and of their record keys (+1 at an island's first
 * month in the window, -1 after its last), and the arrivals (a point's first month in the window)
 * with their keys; key sums modulo 2^31. Same parameters as activeSpans ($1, $2 months as dates).
 * The server adds the changes up (domain/months.ts, countsFromChanges).
 */
export function activeMonthChanges(keyExpression: string, { sizeClasses = true, minSources = false }: { sizeClasses?: boolean; minSources?: boolean } = {}): string {
  return `
WITH islands AS (
  SELECT ${keyExpression} AS key, d.record_key::bigint AS record_key,
         GREATEST(u.f, month_index($1::date)) - month_index($1::date) AS first,
         LEAST(COALESCE(u.l, month_index($2::date)), month_index($2::date)) - month_index($1::date) AS last,
         -- Islands are in order: the first one in the window is the one whose predecessor ends before it.
         (u.n = 1 OR h.month_last[u.n - 1] < month_index($1::date)) AS arrival
  FROM deal_points d
  JOIN deal_point_histories h ON h.deal_point_id = d.id
  CROSS JOIN LATERAL unnest(h.month_first, h.month_last) WITH ORDINALITY AS u(f, l, n)
  JOIN communes c ON c.insee = d.commune_insee
  ${sizeClasses ? 'JOIN commune_size_classes s ON s.insee = c.insee' : ''}
  WHERE $12::text[] IS NULL AND u.f <= month_index($2::date) AND (u.l IS NULL OR u.l >= month_index($1::date))
  ${pointFilters(minSources)}
)
-- Starts (with the arrivals) and ends grouped apart: two aggregates, no row made per change.
SELECT key, first AS offset_, count(*)::int AS active, (sum(record_key) % 2147483648)::bigint AS active_keys,
       count(*) FILTER (WHERE arrival)::int AS arrivals, (COALESCE(sum(record_key) FILTER (WHERE arrival), 0) % 2147483648)::bigint AS arrival_keys
FROM islands GROUP BY key, first
UNION ALL
SELECT key, last + 1, -count(*)::int, -(sum(record_key) % 2147483648)::bigint, 0, 0
FROM islands GROUP BY key, last + 1`;
}

/**
 * The monthly counts as changes, read from the pre-aggregated changes (migration 0024) for readers
 * who see every status change and filters it keeps (departments, dataset, region, communes; not a
 * box, an operation or a number of sources): the same rows as activeMonthChanges. Changes up to
 * the window's first month add up at offset 0, where every point active is an arrival; a later
 * start is an arrival when the point's island before it ended before the window.
 * $1 first month, $2 last month (dates), $3 departments, $4 dataset, $5 region, $6 commune, $7 communes.
 * `keyExpression` over m (history_month_changes), c (communes, with `communes`) and s (size classes).
 */
export function storedMonthChanges(keyExpression: string, { sizeClasses = false, communes = false }: { sizeClasses?: boolean; communes?: boolean } = {}): string {
  return `
WITH w AS (SELECT month_index($1::date) AS first, month_index($2::date) AS last),
changes AS (
  SELECT ${keyExpression} AS key, GREATEST(m.month - w.first, 0) AS offset_, m.active, m.active_keys, m.starts, m.start_keys,
         (m.previous_last IS NULL OR m.previous_last < w.first) AS arriving
  FROM history_month_changes m CROSS JOIN w
  ${communes ? 'JOIN communes c ON c.insee = m.commune_insee' : ''}
  ${sizeClasses ? 'JOIN commune_size_classes s ON s.insee = m.commune_insee' : ''}
  WHERE m.month <= w.last
    AND ($3::text[] IS NULL OR m.department_code = ANY($3::text[]))
    AND ($4::text IS NULL OR m.dataset = $4)
    AND ${communes ? '($5::text IS NULL OR c.region_code = $5)' : '$5::text IS NULL'}
    AND ($6::text IS NULL OR m.commune_insee = $6)
    AND ($7::text[] IS NULL OR m.commune_insee = ANY($7::text[]))
)
SELECT key, offset_, sum(active)::int AS active, (sum(active_keys) % 2147483648)::bigint AS active_keys,
       (CASE WHEN offset_ = 0 THEN sum(active) ELSE COALESCE(sum(starts) FILTER (WHERE arriving), 0) END)::int AS arrivals,
       (CASE WHEN offset_ = 0 THEN sum(active_keys) ELSE COALESCE(sum(start_keys) FILTER (WHERE arriving), 0) END % 2147483648)::bigint AS arrival_keys
FROM changes GROUP BY key, offset_
-- Keys with no point active at the window's start and none arriving in it are left out, as the spans leave them.
HAVING offset_ > 0 OR sum(active) <> 0`;
}
