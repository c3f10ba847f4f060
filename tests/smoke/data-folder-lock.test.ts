/**
 * The embedded data folder belongs to one process: a second one (an import beside `npm start`) is
 * refused with a clear message; a lock left by a process that died is taken over.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openEmbeddedDatabase } from '../../server/database.js';
import { DataFolderLockedError, lockDataFolder } from '../../server/data-folder-lock.js';

const folders: string[] = [];
const scratch = () => { const folder = mkdtempSync(join(tmpdir(), 'sillage-lock-')); folders.push(folder); return folder; };
afterAll(() => { for (const folder of folders) rmSync(folder, { recursive: true, force: true }); });

describe('the embedded data folder lock', () => {
  it('refuses a second process while the first holds the folder, and frees it on close', async () => {
    const folder = scratch();
    const database = await openEmbeddedDatabase({ dataDirectory: folder });
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, SILLAGE_DATA_DIR: folder };
      delete env.DATABASE_URL;
      const second = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/migrate.ts'], { encoding: 'utf8', timeout: 60_000, env });
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(`in use by another Sillage process (pid ${process.pid})`);
      expect(second.stderr).not.toMatch(/\n\s+at /);
      expect(() => lockDataFolder(folder)).toThrow(DataFolderLockedError); // nor twice in one process
      expect((await database.pool.query('SELECT 1 AS one')).rows[0].one).toBe(1); // the first still works
    } finally {
      await database.close();
    }
    expect(existsSync(join(folder, 'sillage.lock'))).toBe(false);
    lockDataFolder(folder)(); // free again
  });

  it('takes over the lock of a process that is gone', () => {
    const folder = scratch();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(folder, 'sillage.lock'), gone.stdout);
    const release = lockDataFolder(folder);
    expect(() => lockDataFolder(folder)).toThrow(/in use by this process already/);
    release();
  });
});
