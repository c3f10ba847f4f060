/**
 * Limits that every server process shares through PostgreSQL: the secret that signs form tokens
 * (when SILLAGE_SECRET is unset), single use of form tokens, @fastify/rate-limit counters and
 * sign-in failures. Client addresses and device tokens are stored only as HMACs keyed by that
 * secret, and deleted once their window has passed.
 */
import type pg from 'pg';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { maximumAgeSeconds } from '../domain/form-tokens.js';
import { retryAfterSeconds } from '../domain/sign-in-limits.js';

/** The configured secret, or one generated once and kept in the database for every process. */
export async function sharedSecret(db: pg.Pool, configured: string | null): Promise<string> {
  if (configured) return configured;
  const { rows } = await db.query<{ value: string }>(
    `WITH created AS (INSERT INTO server_secrets (name, value) VALUES ('signing', $1) ON CONFLICT (name) DO NOTHING RETURNING value)
     SELECT value FROM created UNION ALL SELECT value FROM server_secrets WHERE name = 'signing' LIMIT 1`,
    [randomBytes(32).toString('hex')],
  );
  return rows[0].value;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/** True the first time a (valid) form token is claimed, by any process. */
export async function claimFormToken(db: pg.Pool, token: string): Promise<boolean> {
  if (Math.random() < 0.01) await db.query('DELETE FROM used_form_tokens WHERE expires_at < now()');
  const { rowCount } = await db.query(
    `INSERT INTO used_form_tokens (token_hash, expires_at) VALUES ($1, now() + make_interval(secs => $2)) ON CONFLICT (token_hash) DO NOTHING`,
    [sha256(token), maximumAgeSeconds],
  );
  return rowCount === 1;
}

export type FailureScope = 'address' | 'device';

/** Sign-in failures in sliding windows, per client address or trusted browser, shared by every process. */
export class SharedFailureWindows {
  constructor(private readonly db: pg.Pool, private readonly secret: string, private readonly scope: FailureScope, private readonly windowMs: number) {}

  private hash(text: string): string { return createHmac('sha256', this.secret).update(`${this.scope}\u0000${text}`).digest('base64url'); }

  private async recent(key: string): Promise<{ count: number; distinct: number; oldestAgeMs: number | null }> {
    const { rows } = await this.db.query<{ count: number; distinct: number; oldest_age_ms: number | null }>(
      `SELECT count(*)::int AS count, count(DISTINCT tag_hash)::int AS distinct,
              (extract(epoch FROM now() - min(failed_at)) * 1000)::float8 AS oldest_age_ms
         FROM sign_in_failures WHERE scope = $1 AND key_hash = $2 AND failed_at > now() - make_interval(secs => $3)`,
      [this.scope, this.hash(key), this.windowMs / 1000],
    );
    return { count: rows[0].count, distinct: rows[0].distinct, oldestAgeMs: rows[0].oldest_age_ms };
  }

  async count(key: string): Promise<number> { return (await this.recent(key)).count; }
  /** Distinct tags among the recent failures (usernames sprayed from one address). */
  async distinct(key: string): Promise<number> { return (await this.recent(key)).distinct; }
  async retryAfterSeconds(key: string): Promise<number> {
    const { oldestAgeMs } = await this.recent(key);
    return oldestAgeMs === null ? 0 : retryAfterSeconds(oldestAgeMs, this.windowMs);
  }

  async add(key: string, tag = ''): Promise<void> {
    await this.db.query('DELETE FROM sign_in_failures WHERE scope = $1 AND failed_at < now() - make_interval(secs => $2)', [this.scope, this.windowMs / 1000]);
    await this.db.query('INSERT INTO sign_in_failures (scope, key_hash, tag_hash) VALUES ($1, $2, $3)', [this.scope, this.hash(key), this.hash(`tag:${tag}`)]);
  }
}

/**
 * A @fastify/rate-limit store over PostgreSQL: one counter per route and client, a fixed window
 * opened by its first request (as the library's own local store).
 */
export function postgresRateLimitStore(db: pg.Pool, secret: string): FastifyRateLimitStoreCtor {
  class PostgresStore implements FastifyRateLimitStore {
    constructor(_options: unknown, private readonly prefix = '') {}
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      const hashed = createHmac('sha256', secret).update(`${this.prefix}\u0000${key}`).digest('base64url');
      db.query<{ count: number; ttl: number }>(
        `INSERT INTO rate_limit_counters AS c (key, count, expires_at) VALUES ($1, 1, now() + make_interval(secs => $2))
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN c.expires_at <= now() THEN 1 ELSE c.count + 1 END,
           expires_at = CASE WHEN c.expires_at <= now() THEN now() + make_interval(secs => $2) ELSE c.expires_at END
         RETURNING count, greatest(0, extract(epoch FROM expires_at - now()) * 1000)::float8 AS ttl`,
        [hashed, timeWindow / 1000],
      ).then(async ({ rows }) => {
        if (Math.random() < 0.01) await db.query('DELETE FROM rate_limit_counters WHERE expires_at < now()');
        callback(null, { current: rows[0].count, ttl: Math.ceil(rows[0].ttl) });
      }, (error: Error) => callback(error));
    }
    child(routeOptions: { routeInfo?: { method?: string; url?: string }; path?: string }): FastifyRateLimitStore {
      return new PostgresStore(null, `${routeOptions.routeInfo?.method ?? ''}${routeOptions.routeInfo?.url ?? routeOptions.path ?? ''}`);
    }
  }
  return PostgresStore as unknown as FastifyRateLimitStoreCtor;
}
