/**
 * SQL of the journal. Both reads take the same filters: $1 first day, $2 last day (dates, NULL:
 * open), $3 exact username, $4 part of a username (case-insensitive, LIKE wildcards taken
 * literally), $5 action.
 */

const filtered = `
  WHERE ($1::date IS NULL OR occurred_at >= $1::date) AND ($2::date IS NULL OR occurred_at < $2::date + 1)
    AND ($3::text IS NULL OR username = $3)
    AND ($4::text IS NULL OR username ILIKE '%' || replace(replace(replace($4, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')
    AND ($5::text IS NULL OR action = $5)`;

/** The journal row by row, newest first; $6 before this id (NULL: from the newest), $7 how many. */
export const listAuditEntries = `
SELECT id, occurred_at, username, role, action, method, route, status_code, area, time_window, record_count, session_ref
FROM audit_log
${filtered} AND ($6::bigint IS NULL OR id < $6)
ORDER BY id DESC LIMIT $7`;

/**
 * The journal as an admin reads it, newest first: tile reads grouped into one row per session
 * (its journal reference; the username for entries older than references), hour, tile route and
 * zoom level, with the range of tiles read; every other entry one row. $6 how many, $7 offset.
 */
export const groupedAuditEntries = `
WITH entries AS (
  SELECT id, occurred_at, username, role, action, method, route, status_code, area, time_window, record_count, session_ref,
         CASE WHEN route LIKE '/tiles/%' AND area ~ '^z=[0-9]+&x=[0-9]+&y=[0-9]+'
              THEN concat_ws('|', coalesce(session_ref, 'user:' || coalesce(username, '')), date_trunc('hour', occurred_at)::text, route, substring(area from '^z=([0-9]+)'))
         END AS tile_group,
         substring(area from '^z=([0-9]{1,9})(?![0-9])')::int AS z, substring(area from '&x=([0-9]{1,9})(?![0-9])')::int AS x, substring(area from '&y=([0-9]{1,9})(?![0-9])')::int AS y
  FROM audit_log
  ${filtered}
)
SELECT max(id) AS id, min(occurred_at) AS first_at, max(occurred_at) AS occurred_at, min(username) AS username, min(role) AS role,
       min(action) AS action, min(method) AS method, min(route) AS route, max(status_code) AS status_code, min(session_ref) AS session_ref,
       CASE WHEN count(*) = 1 AND min(tile_group) IS NULL THEN min(area)
            ELSE 'z=' || min(z) || ', x ' || min(x) || '–' || max(x) || ', y ' || min(y) || '–' || max(y) END AS area,
       CASE WHEN min(tile_group) IS NOT NULL THEN json_build_object('z', min(z), 'x_min', min(x), 'x_max', max(x), 'y_min', min(y), 'y_max', max(y)) END AS tiles,
       min(time_window) AS time_window, sum(record_count)::int AS record_count, count(*)::int AS entries,
       (min(tile_group) IS NOT NULL) AS grouped
FROM entries
GROUP BY coalesce(tile_group, id::text)
ORDER BY max(id) DESC
LIMIT $6 OFFSET $7`;

/** The journal's columns, in the order of `auditRow` (services/audit.ts). */
const auditColumns = ['user_id', 'username', 'role', 'action', 'method', 'route', 'status_code', 'area', 'time_window', 'record_count', 'session_ref', 'occurred_at'];

/**
 * `rows` journal rows in one INSERT, 12 parameters per row; occurred_at: when the request was
 * answered (a batched row is written later), else now().
 */
export function insertAuditRows(rows: number): string {
  const width = auditColumns.length;
  const tuples = Array.from({ length: rows }, (_, r) => `(${auditColumns.map((column, i) => (column === 'occurred_at' ? `coalesce($${r * width + i + 1}::timestamptz, now())` : `$${r * width + i + 1}`)).join(', ')})`);
  return `INSERT INTO audit_log (${auditColumns.join(', ')}) VALUES ${tuples.join(', ')}`;
}

/** Failed sign-ins for a username ($1) in the last $2 minutes, from every address. */
export const recentFailedSignIns = `
SELECT count(*)::int AS n FROM audit_log WHERE action = 'sign_in_failed' AND username = $1 AND occurred_at > now() - make_interval(mins => $2)`;
