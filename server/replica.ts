/**
 * An optional read replica (DATABASE_READ_URL): a second `pg` pool on a streaming standby of the
 * primary, for the routes that declare `config.replica` (see plugins/replica.ts). Only with
 * DATABASE_URL; the embedded PGlite has no replica.
 *
 * When the replica cannot be reached, reads go back to the primary: the request that met the
 * outage is run again on the primary (its reads are idempotent), and the replica is left alone
 * for `retryMs` before the next replica-flagged request tries it again.
 */
import pg from 'pg';
import { isDatabaseUnavailable } from './plugins/error-handler.js';

export interface ReplicaOptions {
  /** Role to run as on each connection (the same application role as on the primary). */
  applicationRole?: string | null;
  /** How long reads stay on the primary after the replica failed (ms). */
  retryMs?: number;
  /** How long to wait for a replica connection before giving up on it (ms). */
  connectionTimeoutMs?: number;
  onError?: (error: Error) => void;
}

/** What /api/health tells of the replica: never its address. */
export interface ReplicaHealth {
  status: 'streaming' | 'not_streaming' | 'unavailable';
  /** Seconds since the last replayed transaction when WAL is waiting to be replayed; 0 when caught up. */
  lag_seconds: number | null;
  /** WAL bytes between the primary's current position and what the replica replayed. */
  lag_bytes: number | null;
  /** Whether replica-flagged routes are read from the replica at this moment (false: from the primary). */
  serving_reads: boolean;
}

export class Replica {
  readonly pool: pg.Pool;
  private readonly retryMs: number;
  private downUntil = 0;

  constructor(connectionString: string, options: ReplicaOptions = {}) {
    this.retryMs = options.retryMs ?? 5000;
    const onError = options.onError ?? (() => {});
    this.pool = new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: options.connectionTimeoutMs ?? 2000 });
    // An idle connection the standby closed (restart, failover) is dropped, never fatal.
    this.pool.on('error', (error) => { this.markDown(); onError(error); });
    this.pool.on('connect', (client) => client.on('error', onError));
    const role = options.applicationRole ?? null;
    if (role) {
      if (!/^[a-z_][a-z0-9_]*$/.test(role)) throw new Error(`application role "${role}" is not a plain identifier`);
      this.pool.on('connect', (client) => { client.query(`SET ROLE ${role}`).catch(() => {}); });
    }
  }

  /** False for `retryMs` after the replica failed: reads go to the primary meanwhile. */
  available(now = Date.now()): boolean {
    return !this.pool.ended && now >= this.downUntil;
  }

  markDown(now = Date.now()): void {
    this.downUntil = now + this.retryMs;
  }

  /** Replication state and lag, measured now (short timeouts; an outage is a status, not an error). */
  async health(primary: pg.Pool): Promise<ReplicaHealth> {
    try {
      const { rows: [replica] } = await this.pool.query<{ in_recovery: boolean; streaming: boolean; replay_lsn: string | null; lag_seconds: number | null }>(`
        SELECT pg_is_in_recovery() AS in_recovery,
               EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') AS streaming,
               pg_last_wal_replay_lsn()::text AS replay_lsn,
               CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
                    ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END AS lag_seconds`);
      let lagBytes: number | null = null;
      if (replica.replay_lsn) {
        const { rows: [primaryPosition] } = await primary.query<{ lag_bytes: number }>(
          'SELECT greatest(0, pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn))::float8 AS lag_bytes', [replica.replay_lsn],
        ).catch(() => ({ rows: [{ lag_bytes: null as unknown as number }] }));
        lagBytes = primaryPosition.lag_bytes;
      }
      return {
        status: replica.in_recovery && replica.streaming ? 'streaming' : 'not_streaming',
        lag_seconds: replica.in_recovery ? Math.max(0, replica.lag_seconds ?? 0) : null,
        lag_bytes: lagBytes,
        serving_reads: this.available(),
      };
    } catch (error) {
      if (isDatabaseUnavailable(error as Error)) this.markDown();
      return { status: 'unavailable', lag_seconds: null, lag_bytes: null, serving_reads: false };
    }
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}
