/**
 * The embedded data folder belongs to one process: a second one (an import beside `npm start`) is
 * refused with a clear message; a lock left by a process that died is taken over.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openEmbeddedDatabase } from '../../server/database/connection.js';
import { DataFolderLockedError, lockDataFolder } from '../../server/database/data-folder-lock.js';

const folders: string[] = [];
const scratch = () => { const folder = mkdtempSync(join(tmpdir(), 'sillage-lock-')); folders.push(folder); return folder; };
afterAll(() => { for (const folder of folders) rmSync(folder, { recursive: true, force: true }); });

describe('the embedded data folder lock', () => {
  it('refuses every entry point (migrate, start, import, scenario, create-user) while another process holds the folder, and frees it on close', async () => {
    const folder = scratch();
    const csv = join(folder, 'points.csv');
    writeFileSync(csv, 'external_id,source\n');
    const database = await openEmbeddedDatabase({ dataDirectory: folder });
    const run = (script: string, args: string[], extra: NodeJS.ProcessEnv = {}) => new Promise<{ script: string; status: number | null; stderr: string }>((resolve) => {
      const env: NodeJS.ProcessEnv = { ...process.env, SILLAGE_DATA_DIR: folder, PORT: '0', SILLAGE_SCENARIO_DIR: join(folder, 'scenario'), ...extra };
      delete env.DATABASE_URL;
      const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => { stderr += chunk; });
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('close', (status) => { clearTimeout(timer); resolve({ script, status, stderr }); });
    });
    try {
      const runs = await Promise.all([
        run('scripts/migrate.ts', []),
        run('scripts/start.ts', []),
        run('scripts/import.ts', [csv]),
        run('scripts/scenario.ts', ['--seed', '3', '--null', '--out', join(folder, 'scenario-out')]),
        run('scripts/create-user.ts', ['--username', 'lock.test', '--role', 'admin'], { SILLAGE_NEW_PASSWORD: 'mot-de-passe-assez-long' }),
      ]);
      for (const { script, status, stderr } of runs) {
        expect({ script, status }).toEqual({ script, status: 1 });
        expect(stderr).toContain(`in use by another Sillage process (pid ${process.pid})`);
        expect(stderr).toContain('set DATABASE_URL');
        expect(stderr).not.toMatch(/\n\s+at /);
      }
      expect(existsSync(join(folder, 'scenario-out'))).toBe(false); // refused before generating anything
      expect(() => lockDataFolder(folder)).toThrow(DataFolderLockedError); // nor twice in one process
      const { rows } = await database.pool.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'users'");
      expect(rows[0].n).toBe(0); // none of them touched the folder; the first still works
    } finally {
      await database.close();
    }
    expect(existsSync(join(folder, 'sillage.lock'))).toBe(false);
    lockDataFolder(folder)(); // free again
  }, 120_000);

  it('takes over the lock of a process that is gone', () => {
    const folder = scratch();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(folder, 'sillage.lock'), gone.stdout);
    const release = lockDataFolder(folder);
    expect(() => lockDataFolder(folder)).toThrow(/in use by this process already/);
    release();
  });
});
