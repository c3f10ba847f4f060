/**
 * Progress of the imports running in this server process, so that the page that sent a file can
 * show rows processed / total while the server checks and writes them. The client names its import
 * with a random id of at least 128 bits (header x-import-id) that is the capability to read it: the
 * progress is read without a session (the page polls without cookies), so that on the embedded
 * database (one connection, held by the import's transaction) no poll waits for the database. It
 * holds counts only (phase, rows done, total): no place, no person. In memory: an entry lives while
 * its import runs and a minute after. Several server processes each keep their
 * own (a poll reaching another process answers 404, and the page falls back to "running").
 */
export interface ImportProgressState { phase: string; done: number; total: number; finished: boolean; outcome: 'running' | 'imported' | 'rejected' | 'failed' }

interface Entry extends ImportProgressState { expires: number | null }

const keptAfterEnd_ms = 60_000;

export class ImportProgressRegistry {
  private readonly entries = new Map<string, Entry>();

  /** Starts tracking an import; false if that id is already taken. */
  start(id: string): boolean {
    this.sweep();
    if (this.entries.has(id)) return false;
    this.entries.set(id, { phase: 'receiving', done: 0, total: 0, finished: false, outcome: 'running', expires: null });
    return true;
  }

  update(id: string, phase: string, done: number, total: number): void {
    const entry = this.entries.get(id);
    if (entry && !entry.finished) Object.assign(entry, { phase, done, total });
  }

  finish(id: string, outcome: 'imported' | 'rejected' | 'failed'): void {
    const entry = this.entries.get(id);
    if (entry) Object.assign(entry, { finished: true, outcome, expires: Date.now() + keptAfterEnd_ms });
  }

  /** The import's progress; null for an unknown (or expired) id. */
  read(id: string): ImportProgressState | null {
    this.sweep();
    const entry = this.entries.get(id);
    if (!entry) return null;
    const { phase, done, total, finished, outcome } = entry;
    return { phase, done, total, finished, outcome };
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, entry] of this.entries) if (entry.expires !== null && entry.expires < now) this.entries.delete(id);
  }
}
