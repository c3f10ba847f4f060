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
import * as sql from '../queries/shared-limits.js';

/** The configured secret, or one generated once and kept in the database for every process. */
export async function sharedSecret(db: pg.Pool, configured: string | null): Promise<string> {
  if (configured) return configured;
  const { rows } = await db.query<{ value: string }>(
    sql.signingSecret,
    [randomBytes(32).toString('hex')],
  );
  return rows[0].value;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/** True the first time a (valid) form token is claimed, by any process. */
export async function claimFormToken(db: pg.Pool, token: string): Promise<boolean> {
  if (Math.random() < 0.01) await db.query(sql.deleteExpiredFormTokens);
  const { rowCount } = await db.query(
    sql.claimFormToken,
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
      sql.recentFailures,
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
    await this.db.query(sql.deleteOldFailures, [this.scope, this.windowMs / 1000]);
    await this.db.query(sql.insertFailure, [this.scope, this.hash(key), this.hash(`tag:${tag}`)]);
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
        sql.incrementRateCounter,
        [hashed, timeWindow / 1000],
      ).then(async ({ rows }) => {
        if (Math.random() < 0.01) await db.query(sql.deleteExpiredRateCounters);
        callback(null, { current: rows[0].count, ttl: Math.ceil(rows[0].ttl) });
      }, (error: Error) => callback(error));
    }
    child(routeOptions: { routeInfo?: { method?: string; url?: string }; path?: string }): FastifyRateLimitStore {
      return new PostgresStore(null, `${routeOptions.routeInfo?.method ?? ''}${routeOptions.routeInfo?.url ?? routeOptions.path ?? ''}`);
    }
  }
  return PostgresStore as unknown as FastifyRateLimitStoreCtor;
}
