/** The create-user command, run as a user would, against the test databases. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { connect, embeddedPort, externalUrl, targets } from '../helpers/databases.js';

function urlOf(target: 'embedded' | 'external'): string {
  return target === 'external' ? externalUrl()! : `postgres://postgres@127.0.0.1:${embeddedPort()}/postgres`;
}

function run(target: 'embedded' | 'external', args: string[], password: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/create-user.ts', ...args], {
    env: { ...process.env, DATABASE_URL: urlOf(target), SILLAGE_NEW_PASSWORD: password, NO_COLOR: '1' }, encoding: 'utf8', timeout: 120_000,
  });
}

describe.each(targets())('npm run create-user on the %s database', (target) => {
  it('creates an account with a hashed password, and refuses bad input with a reason', async () => {
    const username = `cli.${target}.${Date.now().toString(36)}`;
    const created = run(target, ['--username', username, '--role', 'departmental_analyst', '--departments', '84,04'], 'un mot de passe assez long');
    expect(created.stdout).toContain(`created user ${username}`);
    expect(created.status).toBe(0);
    const database = connect(target);
    const { rows } = await database.pool.query('SELECT role, department_codes, password_hash FROM users WHERE username = $1', [username]);
    expect(rows[0]).toMatchObject({ role: 'departmental_analyst', department_codes: ['84', '04'] });
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    await database.close();

    const short = run(target, ['--username', `${username}.b`, '--role', 'deputy'], 'court');
    expect(short.status).toBe(1);
    expect(short.stderr).toContain('password: must have at least 12 characters');
    const noDepartment = run(target, ['--username', `${username}.c`, '--role', 'prefect'], 'un mot de passe assez long');
    expect(noDepartment.stderr).toContain('departments: a prefect needs at least one department');
    const duplicate = run(target, ['--username', username, '--role', 'deputy'], 'un mot de passe assez long');
    expect(duplicate.stderr).toContain('username: is already taken');
  }, 240_000);
});
