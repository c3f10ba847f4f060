/** Accounts and sessions: argon2 password hashes, random session tokens stored as SHA-256. */
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type pg from 'pg';
import type { Principal, Role } from '../domain/access.js';
import { roles } from '../domain/access.js';
import { InvalidInputError, DuplicateError, NotFoundError } from '../errors.js';

export const sessionLifetimeHours = 8;
export const sessionIdleMinutes = 60;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
let dummyHashPromise: Promise<string> | null = null;
const dummyHash = () => (dummyHashPromise ??= hash(randomBytes(16).toString('hex')));

export interface NewUser { username: string; password: string; role: Role; departments?: string[] }

export function passwordProblem(password: string): string | null {
  if (password.length < 12) return 'must have at least 12 characters';
  if (password.length > 200) return 'must have at most 200 characters';
  return null;
}

export async function createUser(db: pg.Pool, user: NewUser): Promise<{ id: number }> {
  const problems = [];
  if (!/^[a-z0-9._-]{3,64}$/.test(user.username)) problems.push({ field: 'username', reason: 'must be 3-64 characters among a-z 0-9 . _ -' });
  if (!roles.includes(user.role)) problems.push({ field: 'role', reason: `must be one of: ${roles.join(', ')}` });
  const reason = passwordProblem(user.password);
  if (reason) problems.push({ field: 'password', reason });
  const departments = user.departments ?? [];
  const scoped = user.role === 'departmental_analyst' || user.role === 'prefect';
  if (scoped && departments.length === 0) problems.push({ field: 'departments', reason: `a ${user.role} needs at least one department` });
  if (!scoped && departments.length) problems.push({ field: 'departments', reason: `a ${user.role} has no departments` });
  if (problems.length) throw new InvalidInputError(problems);
  if (departments.length) {
    const { rows } = await db.query<{ code: string }>('SELECT code FROM departments WHERE code = ANY($1::text[])', [departments]);
    const unknown = departments.filter((d) => !rows.some((r) => r.code === d));
    if (unknown.length) throw new InvalidInputError([{ field: 'departments', reason: `unknown department(s) ${unknown.join(', ')}` }]);
  }
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO users (username, password_hash, role, department_codes) VALUES ($1, $2, $3, $4) ON CONFLICT (username) DO NOTHING RETURNING id`,
    [user.username, await hash(user.password), user.role, departments],
  );
  if (rows.length === 0) throw new DuplicateError('username', 'is already taken');
  return rows[0];
}

export async function setUserActive(db: pg.Pool, id: number, active: boolean): Promise<void> {
  const { rowCount } = await db.query('UPDATE users SET active = $2 WHERE id = $1', [id, active]);
  if (rowCount === 0) throw new NotFoundError('user', id);
  if (!active) await db.query('DELETE FROM sessions WHERE user_id = $1', [id]);
}

export interface Session { token: string; csrfToken: string; principal: Principal; expiresAt: Date }

/** Checks the password and opens a session; null when the pair does not match an active user. */
export async function signIn(db: pg.Pool, username: string, password: string): Promise<Session | null> {
  const { rows } = await db.query<{ id: number; username: string; role: Role; department_codes: string[]; password_hash: string }>(
    'SELECT id, username, role, department_codes, password_hash FROM users WHERE username = $1 AND active', [username],
  );
  // Verify against a dummy hash when the user is unknown, so timing does not tell which usernames exist.
  const stored = rows[0]?.password_hash ?? (await dummyHash());
  const valid = await verify(stored, password).catch(() => false);
  if (!rows[0] || !valid) return null;
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + sessionLifetimeHours * 3600_000);
  await db.query('DELETE FROM sessions WHERE expires_at < now() OR last_seen_at < now() - make_interval(mins => $1)', [sessionIdleMinutes]);
  await db.query('INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)', [sha256(token), rows[0].id, csrfToken, expiresAt]);
  return { token, csrfToken, expiresAt, principal: { userId: rows[0].id, username: rows[0].username, role: rows[0].role, departments: rows[0].department_codes } };
}

/** The session a cookie token opens, if valid (not expired, not idle too long, user active). */
export async function sessionFor(db: pg.Pool, token: string): Promise<{ principal: Principal; csrfToken: string } | null> {
  const { rows } = await db.query<{ id: number; username: string; role: Role; department_codes: string[]; csrf_token: string }>(
    `UPDATE sessions s SET last_seen_at = now()
     FROM users u
     WHERE s.token_hash = $1 AND u.id = s.user_id AND u.active AND s.expires_at > now()
       AND s.last_seen_at > now() - make_interval(mins => $2)
     RETURNING u.id, u.username, u.role, u.department_codes, s.csrf_token`,
    [sha256(token), sessionIdleMinutes],
  );
  if (!rows[0]) return null;
  return { csrfToken: rows[0].csrf_token, principal: { userId: rows[0].id, username: rows[0].username, role: rows[0].role, departments: rows[0].department_codes } };
}

export async function signOut(db: pg.Pool, token: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [sha256(token)]);
}
