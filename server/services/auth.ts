/** Accounts and sessions: argon2 password hashes, random session tokens stored as SHA-256. */
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type pg from 'pg';
import type { Principal, Role } from '../domain/access.js';
import { roles } from '../domain/access.js';
import { InvalidInputError, DuplicateError, NotFoundError } from '../errors.js';
import * as accounts from '../queries/accounts.js';
import * as sessions from '../queries/sessions.js';

export const sessionLifetimeHours = 8;
export const sessionIdleMinutes = 60;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
let dummyHashPromise: Promise<string> | null = null;
const dummyHash = () => (dummyHashPromise ??= hash(randomBytes(16).toString('hex')));

export interface NewUser { username: string; password: string; role: Role; departments?: string[] }
export interface InvitedUser { username: string; role: Role; departments?: string[] }

/** Activation secrets are valid this long. */
export const activationHours = 72;

export function passwordProblem(password: string): string | null {
  if (password.length < 12) return 'must have at least 12 characters';
  if (password.length > 200) return 'must have at most 200 characters';
  return null;
}

async function checkAccount(db: pg.Pool, user: InvitedUser, password: string | null): Promise<string[]> {
  const problems = [];
  if (!/^[a-z0-9._-]{3,64}$/.test(user.username)) problems.push({ field: 'username', reason: 'must be 3-64 characters among a-z 0-9 . _ -' });
  if (!roles.includes(user.role)) problems.push({ field: 'role', reason: `must be one of: ${roles.join(', ')}` });
  const reason = password === null ? null : passwordProblem(password);
  if (reason) problems.push({ field: 'password', reason });
  const departments = user.departments ?? [];
  const scoped = user.role === 'departmental_analyst' || user.role === 'prefect';
  if (scoped && departments.length === 0) problems.push({ field: 'departments', reason: `a ${user.role} needs at least one department` });
  if (!scoped && departments.length) problems.push({ field: 'departments', reason: `a ${user.role} has no departments` });
  if (problems.length) throw new InvalidInputError(problems);
  if (departments.length) {
    const { rows } = await db.query<{ code: string }>(accounts.knownDepartments, [departments]);
    const unknown = departments.filter((d) => !rows.some((r) => r.code === d));
    if (unknown.length) throw new InvalidInputError([{ field: 'departments', reason: `unknown department(s) ${unknown.join(', ')}` }]);
  }
  return departments;
}

/** Every account without its secrets, with its activation and approval state. */
export async function listUsers(db: pg.Pool) {
  const { rows } = await db.query(accounts.listAccounts);
  return rows.map((r) => ({ ...r, created_at: (r.created_at as Date).toISOString(), activation_expires_at: r.activation_expires_at?.toISOString() ?? null, activated_at: r.activated_at?.toISOString() ?? null }));
}

/** An account with a password (command line, tests, demo accounts): for the operator, not the admin role. */
export async function createUser(db: pg.Pool, user: NewUser): Promise<{ id: number }> {
  const departments = await checkAccount(db, user, user.password);
  const { rows } = await db.query<{ id: number }>(
    accounts.insertActiveUser,
    [user.username, await hash(user.password), user.role, departments],
  );
  if (rows.length === 0) throw new DuplicateError('username', 'is already taken');
  return rows[0];
}

/** What is stored of an activation code: typed with or without dashes, spaces or in lower case alike. */
function activationDigest(code: string): string {
  return sha256(code.toUpperCase().replace(/[\s-]/g, ''));
}

function newActivationSecret(): string {
  // 20 characters of an unambiguous alphabet, in groups of 5: about 100 bits.
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(20);
  const chars = [...bytes].map((b) => alphabet[b % 32]).join('');
  return chars.match(/.{5}/g)!.join('-');
}

/**
 * An account created by an admin: no password, a one-time activation secret (shown once, stored as
 * SHA-256) that its user exchanges for a password of their own at first sign-in.
 */
export async function inviteUser(db: pg.Pool, user: InvitedUser, createdBy: number | null = null): Promise<{ id: number; activation_code: string; activation_expires_at: string }> {
  const departments = await checkAccount(db, user, null);
  const code = newActivationSecret();
  const { rows } = await db.query<{ id: number; expires: Date }>(
    accounts.insertInvitedUser,
    [user.username, user.role, departments, activationDigest(code), activationHours, createdBy],
  );
  if (rows.length === 0) throw new DuplicateError('username', 'is already taken');
  return { id: rows[0].id, activation_code: code, activation_expires_at: rows[0].expires.toISOString() };
}

/** A new activation secret for an account: its password and sessions are revoked. */
export async function resetActivation(db: pg.Pool, id: number): Promise<{ id: number; activation_code: string; activation_expires_at: string }> {
  const code = newActivationSecret();
  const { rows } = await db.query<{ expires: Date }>(
    accounts.resetUserActivation, [id, activationDigest(code), activationHours],
  );
  if (rows.length === 0) throw new NotFoundError('user', id);
  await db.query(sessions.deleteSessionsOfUser, [id]);
  await db.query(sessions.deleteDevicesOfUser, [id]);
  await db.query(accounts.revokeAccessTokensOf, [id]);
  return { id, activation_code: code, activation_expires_at: rows[0].expires.toISOString() };
}

/** The user sets their own password with the activation secret; false when the pair does not match. */
export async function activateAccount(db: pg.Pool, username: string, code: string, password: string): Promise<boolean> {
  const reason = passwordProblem(password);
  if (reason) throw new InvalidInputError([{ field: 'body.password', reason }]);
  const { rowCount } = await db.query(
    accounts.activateUser,
    [username, activationDigest(code), await hash(password)],
  );
  return rowCount === 1;
}

export async function setUserActive(db: pg.Pool, id: number, active: boolean): Promise<void> {
  const { rowCount } = await db.query(accounts.setUserActiveFlag, [id, active]);
  if (rowCount === 0) throw new NotFoundError('user', id);
  if (!active) await db.query(sessions.deleteSessionsOfUser, [id]);
}

export interface Session { token: string; csrfToken: string; principal: Principal; expiresAt: Date }

/** The password matched, but the account awaits a second person's approval. */
export class AwaitingApprovalError extends Error {}

/** Checks the password and opens a session; null when the pair does not match an active user. */
export async function signIn(db: pg.Pool, username: string, password: string): Promise<Session | null> {
  const { rows } = await db.query<{ id: number; username: string; role: Role; department_codes: string[]; password_hash: string; approved: boolean }>(accounts.userForSignIn, [username]);
  // Verify against a dummy hash when the user is unknown, so timing does not tell which usernames exist.
  // Accounts not yet activated have no password: verify against the dummy too.
  const stored = rows[0]?.password_hash ?? (await dummyHash());
  const valid = await verify(stored, password).catch(() => false) && rows[0]?.password_hash != null;
  if (!rows[0] || !valid) return null;
  if (!rows[0].approved) throw new AwaitingApprovalError();
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + sessionLifetimeHours * 3600_000);
  await db.query(sessions.deleteStaleSessions, [sessionIdleMinutes]);
  await db.query(sessions.insertSession, [sha256(token), rows[0].id, csrfToken, expiresAt]);
  return { token, csrfToken, expiresAt, principal: { userId: rows[0].id, username: rows[0].username, role: rows[0].role, departments: rows[0].department_codes } };
}

/** A session's last use is written at most this often (not on every request: tiles come by dozens). */
export const sessionTouchSeconds = 60;

/**
 * The session a cookie token opens, if valid (not expired, not idle too long, user active). Its
 * last use is written only when more than a minute old, so that most requests only read.
 */
export async function sessionFor(db: pg.Pool, token: string): Promise<{ principal: Principal; csrfToken: string } | null> {
  const { rows } = await db.query<{ id: number; username: string; role: Role; department_codes: string[]; csrf_token: string }>(
    sessions.openSession,
    [sha256(token), sessionIdleMinutes, sessionTouchSeconds],
  );
  if (!rows[0]) return null;
  return { csrfToken: rows[0].csrf_token, principal: { userId: rows[0].id, username: rows[0].username, role: rows[0].role, departments: rows[0].department_codes } };
}

export async function signOut(db: pg.Pool, token: string): Promise<void> {
  await db.query(sessions.deleteSession, [sha256(token)]);
}

/** Browsers where a user signed in: trusted for 90 days to keep their own sign-in budget. */
export const trustedDeviceDays = 90;

export async function trustDevice(db: pg.Pool, userId: number): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + trustedDeviceDays * 86_400_000);
  await db.query(sessions.deleteExpiredDevices);
  await db.query(sessions.insertDevice, [sha256(token), userId, expiresAt]);
  return { token, expiresAt };
}

/** The username a trusted-device token belongs to, if still valid. */
export async function trustedDeviceUser(db: pg.Pool, token: string): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const { rows } = await db.query<{ username: string }>(sessions.deviceUser, [sha256(token)]);
  return rows[0]?.username ?? null;
}

/** Accounts awaiting approval that `approver` may approve (OFAST: all; a CROSS: its departments' analysts and prefects). */
export async function pendingAccounts(db: pg.Pool, approver: Principal) {
  const scope = approver.role === 'national_analyst' ? null : approver.departments;
  const { rows } = await db.query(accounts.pendingAccountsFor, [approver.userId, scope]);
  return rows.map((r) => ({ ...r, created_at: (r.created_at as Date).toISOString(), activated_at: r.activated_at ? (r.activated_at as Date).toISOString() : null }));
}

/** A second person approves an account; false when it is not one `approver` may approve. */
export async function approveAccount(db: pg.Pool, id: number, approver: Principal): Promise<boolean> {
  const allowed = (await pendingAccounts(db, approver)).some((a) => Number(a.id) === id);
  if (!allowed) return false;
  await db.query(accounts.approveUser, [id, approver.userId]);
  return true;
}
