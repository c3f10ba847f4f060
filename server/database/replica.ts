/**
 * An optional read replica (DATABASE_READ_URL): a second `pg` pool on a streaming standby of the
 * primary, for the routes that declare `config.replica` (see plugins/replica.ts). Only with
 * DATABASE_URL; the embedded PGlite has no replica.
 *
 * When the replica cannot be reached, reads go back to the primary: the request that met the
 * outage is run again on the primary (its reads are idempotent), and the replica is left alone
 * for `retryMs` before the next replica-flagged request tries it again.
 *
 * Lag is measured without clocks: every `probeMs` the primary's flushed WAL position is noted with
 * the time; the replica is as far behind as the oldest noted position it has not replayed yet. An
 * idle primary writes nothing, so an idle replica is never "behind"; a standby that stopped
 * receiving or replaying WAL is. Beyond `maxLagMs` reads go to the primary until it catches up.
 */
import pg from 'pg';
import { isDatabaseUnavailable } from '../errors.js';
import { roleAtStartup } from './connection.js';
import * as sql from '../queries/replica.js';

export interface ReplicaOptions {
  /** Role to run as on each connection (the same application role as on the primary). */
  applicationRole?: string | null;
  /** How long reads stay on the primary after the replica failed (ms). */
  retryMs?: number;
  /** How long to wait for a replica connection before giving up on it (ms). */
  connectionTimeoutMs?: number;
  /** The primary, whose WAL position the lag is measured against (no lag limit without it). */
  primary?: pg.Pool;
  /** Reads go to the primary while the replica is further behind than this (ms; 0: no limit). */
  maxLagMs?: number;
  /** How often the lag is measured (ms). */
  probeMs?: number;
  onError?: (error: Error) => void;
}

/** What /api/health tells of the replica: never its address. */
export interface ReplicaHealth {
  status: 'streaming' | 'not_streaming' | 'unavailable';
  /** How long ago the primary had written the oldest WAL the replica has not replayed (0: caught up), to the probe's second. */
  lag_seconds: number | null;
  /** WAL bytes between the primary's current position and what the replica replayed. */
  lag_bytes: number | null;
  /** Whether replica-flagged routes are read from the replica at this moment (false: from the primary). */
  serving_reads: boolean;
}

/** A pg_lsn ('16/B374D848') as a number of bytes. */
function lsnBytes(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

export class Replica {
  readonly pool: pg.Pool;
  private readonly retryMs: number;
  private readonly maxLagMs: number;
  private readonly primary: pg.Pool | null;
  private downUntil = 0;
  /** Primary WAL positions the replica had not replayed when last probed, oldest first. */
  private pending: { at: number; lsn: bigint }[] = [];
  private lagMs = 0;
  private readonly timer: NodeJS.Timeout | null = null;
  private probing: Promise<void> | null = null;

  constructor(connectionString: string, options: ReplicaOptions = {}) {
    this.retryMs = options.retryMs ?? 5000;
    this.maxLagMs = options.maxLagMs ?? 30_000;
    this.primary = options.primary ?? null;
    const onError = options.onError ?? (() => {});
    const role = options.applicationRole ?? null;
    this.pool = new pg.Pool({
      connectionString, max: 10, connectionTimeoutMillis: options.connectionTimeoutMs ?? 2000, ...roleAtStartup(connectionString, role),
    });
    // An idle connection the standby closed (restart, failover) is dropped, never fatal.
    this.pool.on('error', (error) => { this.markDown(); onError(error); });
    this.pool.on('connect', (client) => client.on('error', onError));
    if (this.primary) {
      this.timer = setInterval(() => { void this.probe(); }, options.probeMs ?? 1000);
      this.timer.unref();
    }
  }

  /** False for `retryMs` after the replica failed, and while it lags beyond `maxLagMs`: reads go to the primary meanwhile. */
  available(now = Date.now()): boolean {
    return !this.pool.ended && now >= this.downUntil && (this.maxLagMs === 0 || this.lagMs <= this.maxLagMs);
  }

  /** Notes the primary's WAL position and what the replica replayed (one query on each; never throws). */
  probe(): Promise<void> {
    this.probing ??= (async () => {
      if (!this.primary || this.pool.ended) return;
      try {
        const { rows: [written] } = await this.primary.query<{ lsn: string }>(sql.primaryFlushedWal);
        const at = Date.now();
        const { rows: [replica] } = await this.pool.query<{ lsn: string | null }>(sql.replicaReplayedWal);
        // Not a standby (no replay position): nothing to measure.
        if (replica.lsn === null) { this.pending = []; this.lagMs = 0; return; }
        if (this.pending.length < 10_000) this.pending.push({ at, lsn: lsnBytes(written.lsn) });
        const replayed = lsnBytes(replica.lsn);
        this.pending = this.pending.filter((sample) => sample.lsn > replayed);
        this.lagMs = this.pending.length ? Date.now() - this.pending[0].at : 0;
      } catch (error) {
        if (isDatabaseUnavailable(error as Error)) this.markDown();
      }
    })().finally(() => { this.probing = null; });
    return this.probing;
  }

  markDown(now = Date.now()): void {
    this.downUntil = now + this.retryMs;
  }

  /** Replication state and lag, measured now (short timeouts; an outage is a status, not an error). */
  async health(primary: pg.Pool): Promise<ReplicaHealth> {
    await this.probe();
    try {
      const { rows: [replica] } = await this.pool.query<{ in_recovery: boolean; streaming: boolean; replay_lsn: string | null }>(sql.replicaState);
      let lagBytes: number | null = null;
      if (replica.replay_lsn) {
        const { rows: [primaryPosition] } = await primary.query<{ lag_bytes: number }>(
          sql.bytesBehind, [replica.replay_lsn],
        ).catch(() => ({ rows: [{ lag_bytes: null as unknown as number }] }));
        lagBytes = primaryPosition.lag_bytes;
      }
      return {
        status: replica.in_recovery && replica.streaming ? 'streaming' : 'not_streaming',
        lag_seconds: replica.in_recovery && this.primary ? Math.round(this.lagMs / 100) / 10 : null,
        lag_bytes: lagBytes,
        serving_reads: this.available(),
      };
    } catch (error) {
      if (isDatabaseUnavailable(error as Error)) this.markDown();
      return { status: 'unavailable', lag_seconds: null, lag_bytes: null, serving_reads: false };
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.probing;
    if (!this.pool.ended) await this.pool.end();
  }
}
