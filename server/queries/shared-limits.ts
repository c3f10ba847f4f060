/** SQL of the limits every server process shares: signing secret, form tokens, sign-in failures, rate-limit counters. */

/** The signing secret: $1 stored if none is yet, else the one stored (every process gets the same). */
export const signingSecret = `
WITH created AS (INSERT INTO server_secrets (name, value) VALUES ('signing', $1) ON CONFLICT (name) DO NOTHING RETURNING value)
SELECT value FROM created UNION ALL SELECT value FROM server_secrets WHERE name = 'signing' LIMIT 1`;

/** Drops form tokens past their expiry. */
export const deleteExpiredFormTokens = 'DELETE FROM used_form_tokens WHERE expires_at < now()';

/** Claims form token digest $1 for $2 seconds; no row when already claimed. */
export const claimFormToken = `INSERT INTO used_form_tokens (token_hash, expires_at) VALUES ($1, now() + make_interval(secs => $2)) ON CONFLICT (token_hash) DO NOTHING`;

/** Sign-in failures of scope $1 and key $2 in the last $3 seconds: how many, of how many tags, the oldest's age. */
export const recentFailures = `
SELECT count(*)::int AS count, count(DISTINCT tag_hash)::int AS distinct,
     (extract(epoch FROM now() - min(failed_at)) * 1000)::float8 AS oldest_age_ms
FROM sign_in_failures WHERE scope = $1 AND key_hash = $2 AND failed_at > now() - make_interval(secs => $3)`;

/** Drops failures of scope $1 older than $2 seconds. */
export const deleteOldFailures = 'DELETE FROM sign_in_failures WHERE scope = $1 AND failed_at < now() - make_interval(secs => $2)';

/** A sign-in failure: scope $1, key $2, tag $3 (HMACs). */
export const insertFailure = 'INSERT INTO sign_in_failures (scope, key_hash, tag_hash) VALUES ($1, $2, $3)';

/** Counts one request on counter $1, a window of $2 seconds opened by its first request; the count and the ms left. */
export const incrementRateCounter = `
INSERT INTO rate_limit_counters AS c (key, count, expires_at) VALUES ($1, 1, now() + make_interval(secs => $2))
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN c.expires_at <= now() THEN 1 ELSE c.count + 1 END,
  expires_at = CASE WHEN c.expires_at <= now() THEN now() + make_interval(secs => $2) ELSE c.expires_at END
RETURNING count, greatest(0, extract(epoch FROM expires_at - now()) * 1000)::float8 AS ttl`;

/** Drops rate-limit counters past their window. */
export const deleteExpiredRateCounters = 'DELETE FROM rate_limit_counters WHERE expires_at < now()';
