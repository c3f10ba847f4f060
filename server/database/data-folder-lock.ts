/**
 * The embedded data folder belongs to one process: PGlite is a single-process PostgreSQL, and two
 * processes on one folder (an import beside `npm start`) read and write inconsistent pages. The
 * lock is a file created exclusively (O_EXCL) holding the owner's pid; a lock whose process is
 * gone (a crash, a kill -9) is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataFolderLockedError extends Error {
  constructor(readonly folder: string, readonly pid: number) {
    super(`the embedded data folder ${folder} is in use by ${pid === process.pid ? "this process already" : `another Sillage process (pid ${pid})`}: stop it first (or set DATABASE_URL to use a PostgreSQL server, which many processes can share)`);
    this.name = 'DataFolderLockedError';
  }
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (error) { return (error as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Takes the folder's lock; returns the function that releases it (also released at exit). */
export function lockDataFolder(folder: string): () => void {
  const file = join(folder, 'sillage.lock');
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try { if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file); } catch { /* already gone */ }
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(owner) && isAlive(owner)) throw new DataFolderLockedError(folder, owner);
      try { unlinkSync(file); } catch { /* another process took it over first */ }
    }
  }
  throw new Error(`could not lock the embedded data folder ${folder}`);
}
