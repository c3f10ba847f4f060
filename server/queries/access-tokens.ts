/** SQL of the personal access tokens of GIS clients (only their SHA-256 is stored). */

const columns = 'id, name, prefix, scope, created_at, expires_at, last_used_at, revoked_at';

/** How many valid tokens user $1 holds. */
export const countActiveTokens = 'SELECT count(*)::int AS n FROM access_tokens WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()';

/** Creates a token for user $1 (name $2, hash $3, prefix $4) valid $5 days. */
export const insertToken = `
INSERT INTO access_tokens (user_id, name, token_hash, prefix, expires_at) VALUES ($1, $2, $3, $4, now() + make_interval(days => $5))
RETURNING ${columns}`;

/** Tokens of user $1, newest first. */
export const listTokens = `SELECT ${columns} FROM access_tokens WHERE user_id = $1 ORDER BY id DESC`;

/** Revokes token $1 if it belongs to user $2 (once: the first revocation date is kept). */
export const revokeToken = `UPDATE access_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND user_id = $2 RETURNING ${columns}`;

/** Revokes every valid token of user $1. */
export const revokeAllTokens = 'UPDATE access_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL';

/**
 * The owner of the token of hash $1 if it is valid (not revoked nor expired, owner active and
 * approved, and named $2 when given), marking its last use.
 */
export const useToken = `
UPDATE access_tokens t SET last_used_at = now()
FROM users u
WHERE t.token_hash = $1 AND u.id = t.user_id AND u.active AND (u.approved_at IS NOT NULL OR u.role = 'admin')
  AND t.revoked_at IS NULL AND t.expires_at > now() AND ($2::text IS NULL OR u.username = $2)
RETURNING t.id AS token_id, u.id, u.username, u.role, u.department_codes`;
