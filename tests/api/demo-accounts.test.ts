/**
 * Demo accounts (embedded mode): the passwords printed at start always open the accounts, even
 * when the password file next to the data folder came from another data folder's first start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { closeTestApp, openTestApp, type TestContext } from '../helpers/databases.js';
import { demoAccountsFile, ensureDemoAccounts } from '../../server/services/demo-accounts.js';
import { signIn } from '../../server/services/auth.js';

describe('demo accounts on the embedded database', () => {
  let context: TestContext;
  const parent = mkdtempSync(join(tmpdir(), 'sillage-demo-'));
  beforeAll(async () => { context = await openTestApp('embedded', {}, null); });
  afterAll(async () => closeTestApp(context));

  it('keeps one password file per data folder, and prints only passwords that work', async () => {
    const first = join(parent, 'pglite');
    const second = join(parent, 'other');
    expect(basename(demoAccountsFile(first))).toBe('demo-accounts.json');
    expect(basename(demoAccountsFile(second))).toBe('demo-accounts-other.json');
    const accounts = await ensureDemoAccounts(context.database.pool, first);
    expect(accounts.map((a) => a.role).sort()).toEqual(['admin', 'departmental_analyst', 'departmental_analyst', 'deputy', 'national_analyst', 'prefect']);
    for (const account of accounts) expect(await signIn(context.database.pool, account.username, account.password), account.username).not.toBeNull();
    // A file whose passwords belong to another database (the reported failure): they are replaced.
    const file = demoAccountsFile(first);
    const stale = JSON.parse(readFileSync(file, 'utf8')).map((a: { password: string }) => ({ ...a, password: `${a.password}-stale` }));
    writeFileSync(file, JSON.stringify(stale));
    const again = await ensureDemoAccounts(context.database.pool, first);
    for (const account of again) {
      expect(account.password.endsWith('-stale')).toBe(false);
      expect(await signIn(context.database.pool, account.username, account.password), account.username).not.toBeNull();
    }
    // An unchanged file is reused as it is.
    const third = await ensureDemoAccounts(context.database.pool, first);
    expect(third.map((a) => a.password)).toEqual(again.map((a) => a.password));
  });
});
