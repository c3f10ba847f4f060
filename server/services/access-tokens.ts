/**
 * Personal access tokens for GIS clients: random 256-bit secrets shown once, stored as SHA-256,
 * read-only, with an expiry. A token opens the same principal as its owner's session (role and
 * departments read at each request), so every role rule applies unchanged.
 */
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { defaultTokenDays, maxTokenDays, type Principal, type Role } from '../domain/access.js';
import { NotFoundError } from '../errors.js';
import * as sql from '../queries/access-tokens.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export const tokenPattern = /^sil_[A-Za-z0-9_-]{43}$/;
export { defaultTokenDays, maxTokenDays };
/** Active tokens one account may hold at once. */
export const maxActiveTokens = 20;

export interface AccessTokenRow {
  id: number; name: string; prefix: string; scope: 'read'; created_at: string; expires_at: string; last_used_at: string | null; revoked_at: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
function serve(row: Record<string, unknown>): AccessTokenRow {
  return {
    id: Number(row.id), name: row.name as string, prefix: row.prefix as string, scope: 'read',
    created_at: iso(row.created_at as Date)!, expires_at: iso(row.expires_at as Date)!,
    last_used_at: iso(row.last_used_at as Date | null), revoked_at: iso(row.revoked_at as Date | null),
  };
}

export class TooManyTokensError extends Error {}

export async function createAccessToken(db: pg.Pool, userId: number, name: string, days: number): Promise<AccessTokenRow & { token: string }> {
  const { rows: active } = await db.query<{ n: number }>( sql.countActiveTokens, [userId]);
  if (active[0].n >= maxActiveTokens) throw new TooManyTokensError();
  const token = `sil_${randomBytes(32).toString('base64url')}`;
  const { rows } = await db.query(
    sql.insertToken, [userId, name, sha256(token), token.slice(0, 8), days]);
  return { ...serve(rows[0]), token };
}

export async function listAccessTokens(db: pg.Pool, userId: number): Promise<AccessTokenRow[]> {
  const { rows } = await db.query(sql.listTokens, [userId]);
  return rows.map(serve);
}

/** Revokes one of the user's own tokens; another user's token is as unknown as a missing one. */
export async function revokeAccessToken(db: pg.Pool, userId: number, id: number): Promise<AccessTokenRow> {
  const { rows } = await db.query( sql.revokeToken, [id, userId]);
  if (!rows[0]) throw new NotFoundError('access token', id);
  return serve(rows[0]);
}

/** Revokes every token of an account (its password was reset, or it was deactivated). */
export async function revokeAllAccessTokens(db: pg.Pool | pg.PoolClient, userId: number): Promise<void> {
  await db.query(sql.revokeAllTokens, [userId]);
}

/**
 * The principal a token opens, if valid (well-formed, not expired nor revoked, owner active and
 * approved, and for HTTP Basic the username given is the owner's).
 */
export async function principalForToken(db: pg.Pool, token: string, username: string | null = null): Promise<{ principal: Principal; tokenId: number } | null> {
  if (!tokenPattern.test(token)) return null;
  const { rows } = await db.query<{ token_id: number; id: number; username: string; role: Role; department_codes: string[] }>(
    sql.useToken, [sha256(token), username]);
  if (!rows[0]) return null;
  const r = rows[0];
  return { tokenId: Number(r.token_id), principal: { userId: Number(r.id), username: r.username, role: r.role, departments: r.department_codes } };
}

/** Reads `Authorization: Bearer <token>` or `Basic base64(username:token)`; null when absent. */
export function credentialsFrom(header: string | undefined): { token: string; username: string | null } | 'malformed' | null {
  if (!header) return null;
  const bearer = /^Bearer +(\S+)\s*$/i.exec(header);
  if (bearer) return { token: bearer[1], username: null };
  const basic = /^Basic +([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return 'malformed';
    return { username: decoded.slice(0, colon), token: decoded.slice(colon + 1) };
  }
  return 'malformed';
}
