/**
 * Embedded (demo) mode only: one account per role, created on first start with random passwords
 * kept in a file beside the database, and printed at every start. Never in external mode.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Role } from '../domain/access.js';
import { hash, verify } from '@node-rs/argon2';
import { createUser } from './auth.js';
import { demoConstituency } from '../queries/snapshots.js';
import * as sql from '../queries/accounts.js';

export interface DemoAccount { username: string; password: string; role: Role; departments: string[]; label: string }

const demoRoles: Omit<DemoAccount, 'password'>[] = [
  { username: 'ofast.analyste', role: 'national_analyst', departments: [], label: 'analyste national (OFAST)' },
  { username: 'cross13.analyste', role: 'departmental_analyst', departments: ['13'], label: 'analyste CROSS Bouches-du-Rhône' },
  { username: 'cross84.analyste', role: 'departmental_analyst', departments: ['84'], label: 'analyste CROSS Vaucluse' },
  { username: 'prefet84', role: 'prefect', departments: ['84'], label: 'préfecture de Vaucluse' },
  { username: 'depute84', role: 'deputy', departments: [], label: 'député (données agrégées)' },
  { username: 'admin', role: 'admin', departments: [], label: 'administrateur (comptes, journal)' },
];

/** Beside the data folder, one file per data folder (data/pglite -> data/demo-accounts.json). */
export function demoAccountsFile(dataDirectory: string): string {
  const name = basename(dataDirectory);
  return join(dirname(dataDirectory), name === 'pglite' ? 'demo-accounts.json' : `demo-accounts-${name}.json`);
}

export async function ensureDemoAccounts(db: pg.Pool, dataDirectory: string): Promise<DemoAccount[]> {
  const file = demoAccountsFile(dataDirectory);
  const saved: DemoAccount[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
  const accounts: DemoAccount[] = [];
  for (const account of demoRoles) {
    const known = saved.find((a) => a.username === account.username);
    const { rows } = await db.query<{ password_hash: string | null }>(sql.passwordHashOf, [account.username]);
    // A saved password is printed only if it still opens the account (the file may come from another data folder).
    if (known && rows.length && rows[0].password_hash && await verify(rows[0].password_hash, known.password).catch(() => false)) { accounts.push(known); continue; }
    const password = `${randomBytes(9).toString('base64url')}-demo`;
    if (rows.length) {
      // The password file was lost: give the account a new password.
      await db.query(sql.deleteSessionsOf, [account.username]);
      await db.query(sql.setPasswordHash, [account.username, await hash(password)]);
    } else {
      await createUser(db, { ...account, password });
    }
    accounts.push({ ...account, password });
  }
  writeFileSync(file, JSON.stringify(accounts, null, 1) + '\n', { mode: 0o600 });
  // The demo deputy's constituency (its default snapshot area): Pertuis and its neighbours, once.
  await db.query(demoConstituency, ['depute84', ['84003', '84026', '84068', '84089', '84133']]);
  return accounts;
}
