/**
 * The journal as an admin reads it: a map session reads hundreds of tiles, so tile reads are
 * grouped into one row per user, hour, tile route and zoom level (with the range of tiles read);
 * every other entry stays one row. Filters: dates, a partial username, an action; pages by offset.
 */
import type pg from 'pg';

export interface GroupedAuditFilter { from?: string; to?: string; username?: string; action?: string; limit: number; offset: number }

const groupedSql = `
WITH entries AS (
  SELECT id, occurred_at, username, role, action, method, route, status_code, area, time_window, record_count,
         CASE WHEN route LIKE '/tiles/%' AND area ~ '^z=[0-9]+&x=[0-9]+&y=[0-9]+'
              THEN concat_ws('|', coalesce(username, ''), date_trunc('hour', occurred_at)::text, route, substring(area from '^z=([0-9]+)'))
         END AS tile_group,
         substring(area from '^z=([0-9]+)')::int AS z, substring(area from '&x=([0-9]+)')::int AS x, substring(area from '&y=([0-9]+)')::int AS y
  FROM audit_log
  WHERE ($1::date IS NULL OR occurred_at >= $1::date) AND ($2::date IS NULL OR occurred_at < $2::date + 1)
    AND ($3::text IS NULL OR username ILIKE '%' || replace(replace(replace($3, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')
    AND ($4::text IS NULL OR action = $4)
)
SELECT max(id) AS id, min(occurred_at) AS first_at, max(occurred_at) AS occurred_at, min(username) AS username, min(role) AS role,
       min(action) AS action, min(method) AS method, min(route) AS route, max(status_code) AS status_code,
       CASE WHEN count(*) = 1 AND min(tile_group) IS NULL THEN min(area)
            ELSE 'z=' || min(z) || ', x ' || min(x) || '–' || max(x) || ', y ' || min(y) || '–' || max(y) END AS area,
       min(time_window) AS time_window, sum(record_count)::int AS record_count, count(*)::int AS entries,
       (min(tile_group) IS NOT NULL) AS grouped
FROM entries
GROUP BY coalesce(tile_group, id::text)
ORDER BY max(id) DESC
LIMIT $5 OFFSET $6`;

export async function groupedAudit(db: pg.Pool, filter: GroupedAuditFilter) {
  const { rows } = await db.query(groupedSql, [filter.from ?? null, filter.to ?? null, filter.username?.trim() || null, filter.action ?? null, filter.limit + 1, filter.offset]);
  const items = rows.slice(0, filter.limit).map((r) => ({ ...r, id: Number(r.id), occurred_at: (r.occurred_at as Date).toISOString(), first_at: (r.first_at as Date).toISOString() }));
  return { items, next_offset: rows.length > filter.limit ? filter.offset + filter.limit : null };
}
