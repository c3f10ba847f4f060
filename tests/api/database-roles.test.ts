/**
 * On the real PostgreSQL: the server runs as the application role created by the migrations,
 * which may read and write the business tables but can neither alter, disable nor empty the
 * audit trail. (The embedded PGlite is a single-user demo database: the append-only trigger
 * still holds there, tested in auth-audit.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { externalUrl as currentExternalUrl } from '../helpers/databases.js';
import { prepareDatabase } from '../../server/server.js';
import { loadConfig } from '../../server/config.js';
import { openExternalDatabase, roleAtStartup } from '../../server/database/connection.js';

const externalUrl = currentExternalUrl();

describe.skipIf(!externalUrl)('database roles on the external database', () => {
  let owner: pg.Pool;
  let app: pg.Pool;
  const login = 'sillage_test_login';

  beforeAll(async () => {
    owner = new pg.Pool({ connectionString: externalUrl!, max: 2 });
    await owner.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${login}') THEN CREATE ROLE ${login} LOGIN IN ROLE sillage_app; END IF; END $$`);
    const url = new URL(externalUrl!);
    url.username = login;
    app = new pg.Pool({ connectionString: url.toString(), max: 1 });
    app.on('error', () => {});
  });
  afterAll(async () => {
    await app?.end();
    await owner?.end();
  });

  it('lets the application role append to and read the journal, and write business tables', async () => {
    await app.query(`INSERT INTO audit_log (action, method, route, status_code) VALUES ('admin', 'GET', '/test/roles', 200)`);
    const { rows } = await app.query(`SELECT count(*)::int AS n FROM audit_log WHERE route = '/test/roles'`);
    expect(rows[0].n).toBeGreaterThan(0);
    const network = await app.query(`INSERT INTO networks (name) VALUES ('rôle applicatif') RETURNING id`);
    await app.query('DELETE FROM networks WHERE id = $1', [network.rows[0].id]);
  });

  it('refuses the application role every way of altering the journal', async () => {
    const attempts = [
      `UPDATE audit_log SET username = 'x'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`,
      `ALTER TABLE audit_log DISABLE TRIGGER ALL`, `DROP TRIGGER audit_log_no_update_delete ON audit_log`,
      `DROP TABLE audit_log`, `ALTER TABLE audit_log RENAME TO old_log`, `CREATE TABLE intruder (id int)`,
      `DROP FUNCTION audit_log_is_append_only() CASCADE`, `SET ROLE postgres`, `ALTER ROLE ${login} SUPERUSER`,
    ];
    for (const sql of attempts) {
      const error = await app.query(sql).then(() => null, (e: { code: string; message: string }) => e);
      expect(error?.code, sql).toBe('42501'); // insufficient_privilege, from the privilege system, not the trigger:
      expect(error?.message, sql).toMatch(/permission denied|must be owner|must be superuser|must have|only superusers/);
    }
    const { rows } = await owner.query(`SELECT count(*)::int AS n FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal AND tgenabled = 'O'`);
    expect(rows[0].n).toBe(2);
  });

  it('runs the server as the application role after start-up', async () => {
    const database = await prepareDatabase(loadConfig({ DATABASE_URL: externalUrl!, SILLAGE_DEMO: 'off' } as NodeJS.ProcessEnv));
    try {
      const { rows } = await database.pool.query('SELECT current_user');
      expect(rows[0].current_user).toBe('sillage_app');
      const error = await database.pool.query('DELETE FROM audit_log WHERE id < 0').then(() => null, (e: { code: string }) => e);
      expect(error?.code).toBe('42501');
    } finally {
      await database.close();
    }
  });

  it('sets the role on every pooled connection at start-up, where RESET ROLE keeps it', async () => {
    const database = await openExternalDatabase(externalUrl!, { applicationRole: 'sillage_app' });
    try {
      const clients = await Promise.all(Array.from({ length: 6 }, () => database.pool.connect()));
      try {
        const users = await Promise.all(clients.map(async (client) => {
          await client.query('RESET ROLE');
          return (await client.query('SELECT current_user')).rows[0].current_user;
        }));
        expect(users).toEqual(Array(6).fill('sillage_app'));
      } finally {
        for (const client of clients) client.release();
      }
    } finally {
      await database.close();
    }
  });

  it('refuses to connect, rather than run as itself, a login that may not take the role', async () => {
    const outsider = 'sillage_test_outsider';
    await owner.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${outsider}') THEN CREATE ROLE ${outsider} LOGIN; END IF; END $$`);
    const url = new URL(externalUrl!);
    url.username = outsider;
    const error = await openExternalDatabase(url.toString(), { applicationRole: 'sillage_app' }).then(
      async (database) => { await database.close(); return null; },
      (e: { code?: string }) => e,
    );
    expect(error?.code).toBe('42501');
  });

  it('keeps the options already in the URL beside the role', () => {
    expect(roleAtStartup('postgres://u@h:5432/db?options=-c%20statement_timeout%3D5s', 'sillage_app'))
      .toEqual({ options: '-c statement_timeout=5s -c role=sillage_app' });
    expect(roleAtStartup('postgres://u@h:5432/db', null)).toEqual({});
    expect(() => roleAtStartup('postgres://u@h/db', 'x; DROP')).toThrow(/plain identifier/);
  });
});
