/** SQL of sessions and trusted sign-in devices; tokens are stored as SHA-256 digests. */

/** Ends every session of user $1. */
export const deleteSessionsOfUser = 'DELETE FROM sessions WHERE user_id = $1';

/** Forgets every trusted device of user $1. */
export const deleteDevicesOfUser = 'DELETE FROM sign_in_devices WHERE user_id = $1';

/** Drops sessions expired or idle for more than $1 minutes. */
export const deleteStaleSessions = 'DELETE FROM sessions WHERE expires_at < now() OR last_seen_at < now() - make_interval(mins => $1)';

/** A session: digest $1, user $2, CSRF token $3, expiry $4. */
export const insertSession = 'INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)';

/**
 * The open session of digest $1 (unexpired, used within $2 minutes, its user active and approved),
 * its last use written only when older than $3 seconds.
 */
export const openSession = `
WITH open AS (
  SELECT s.token_hash, u.id, u.username, u.role, u.department_codes, s.csrf_token, s.last_seen_at
    FROM sessions s JOIN users u ON u.id = s.user_id
   WHERE s.token_hash = $1 AND u.active AND (u.approved_at IS NOT NULL OR u.role = 'admin') AND s.expires_at > now()
     AND s.last_seen_at > now() - make_interval(mins => $2)
), touched AS (
  UPDATE sessions s SET last_seen_at = now() FROM open
   WHERE s.token_hash = open.token_hash AND open.last_seen_at < now() - make_interval(secs => $3)
)
SELECT id, username, role, department_codes, csrf_token FROM open`;

/** Ends the session of digest $1. */
export const deleteSession = 'DELETE FROM sessions WHERE token_hash = $1';

/** Drops expired trusted devices. */
export const deleteExpiredDevices = 'DELETE FROM sign_in_devices WHERE expires_at < now()';

/** A trusted device: digest $1, user $2, expiry $3. */
export const insertDevice = 'INSERT INTO sign_in_devices (token_hash, user_id, expires_at) VALUES ($1, $2, $3)';

/** The active user a trusted-device digest $1 belongs to, if unexpired. */
export const deviceUser = `
SELECT u.username FROM sign_in_devices t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = $1 AND t.expires_at > now() AND u.active`;
