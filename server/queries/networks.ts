/**
 * SQL of networks. $scope (text[], NULL: national) restricts to the networks of those departments
 * and those with a point there, and counts only the points there.
 */
const columns = (scope: string) => `n.id, n.name, n.description, n.source_code AS source, n.external_id, n.dataset, n.department_code,
  n.version, n.created_at, n.updated_at,
  (SELECT count(*)::int FROM deal_points d JOIN communes c ON c.insee = d.commune_insee
    WHERE d.network_id = n.id AND (${scope}::text[] IS NULL OR c.department_code = ANY(${scope}::text[]))) AS deal_point_count`;

const visible = (scope: string) => `(${scope}::text[] IS NULL OR n.department_code = ANY(${scope}::text[]) OR EXISTS (
  SELECT 1 FROM deal_points d JOIN communes c ON c.insee = d.commune_insee
  WHERE d.network_id = n.id AND c.department_code = ANY(${scope}::text[])))`;

/** $1 id, $2 scope. */
export const selectNetwork = `SELECT ${columns('$2')} FROM networks n WHERE n.id = $1 AND ${visible('$2')}`;

/** $1 dataset, $2 cursor, $3 limit, $4 scope. */
export const listNetworks = `SELECT ${columns('$4')} FROM networks n
WHERE ($1::text IS NULL OR n.dataset = $1) AND n.id > $2 AND ${visible('$4')} ORDER BY n.id LIMIT $3`;

export const insertNetwork = `INSERT INTO networks (name, description, source_code, external_id, dataset, department_code)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`;

/** Identifiers of networks $1 (exports write them so that a re-import matches). */
export const networkIdentifiers = 'SELECT id, external_id, source_code FROM networks WHERE id = ANY($1::bigint[])';
