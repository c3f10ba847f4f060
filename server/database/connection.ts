/**
 * The one way Sillage reaches PostgreSQL: a `pg` pool. In external mode it points at DATABASE_URL;
 * in embedded mode it points at an in-process PGlite (PostgreSQL + PostGIS compiled to WASM)
 * served on a loopback port by embedded-wire.ts, so the same SQL and the same driver serve both.
 */
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { lockDataFolder } from './data-folder-lock.js';
import type { Replica } from './replica.js';
import * as sql from '../queries/connection.js';

export type DatabaseMode = 'embedded' | 'external';

export interface Database {
  mode: DatabaseMode;
  pool: pg.Pool;
  /** A streaming standby for the routes that may read from one (DATABASE_READ_URL; external mode only). */
  replica?: Replica | null;
  /** The role each connection runs as, set at connection start-up (external mode), null: the login role. */
  role?: string | null;
  close(): Promise<void>;
}

// Dates stay 'YYYY-MM-DD' strings (no time zone shifts); bigint ids fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/**
 * A pool that survives the database: an idle connection closed by PostgreSQL (restart, idle
 * timeout, failover) is dropped and replaced on the next query instead of killing the process.
 */
function resilientPool(config: pg.PoolConfig, onError: (error: Error) => void = () => {}): pg.Pool {
  const pool = new pg.Pool({ connectionTimeoutMillis: 5000, ...config });
  pool.on('error', onError);
  // A checked-out client that loses its connection emits on itself too.
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}

export interface ExternalOptions {
  /**
   * Role to run as (set in each connection's start-up packet): the application role created by the
   * migrations, which cannot alter the audit trail. Used when the login role is a member of it.
   */
  applicationRole?: string | null;
  onError?: (error: Error) => void;
}

/**
 * The role given in the connection's start-up packet (`options=-c role=…`), so that a connection
 * exists only as that role: a login role that may not take it cannot connect at all, instead of
 * silently running as itself after a failed SET ROLE. Options already in the URL are kept.
 */
export function roleAtStartup(connectionString: string, role: string | null): { options?: string } {
  if (!role) return {};
  if (!/^[a-z_][a-z0-9_]*$/.test(role)) throw new Error(`application role "${role}" is not a plain identifier`);
  let existing = process.env.PGOPTIONS ?? '';
  try {
    existing = new URL(connectionString).searchParams.get('options') ?? existing;
  } catch {
    // A keyword/value connection string: its options, if any, are not ours to merge.
  }
  return { options: `${existing} -c role=${role}`.trim() };
}

export async function openExternalDatabase(connectionString: string, options: ExternalOptions = {}): Promise<Database> {
  const role = options.applicationRole ?? null;
  const pool = resilientPool({ connectionString, max: 10, ...roleAtStartup(connectionString, role) }, options.onError);
  await pool.query(sql.ping);
  return { mode: 'external', pool, role, close: () => pool.end() };
}

/**
 * True when `role` exists and the login role may SET ROLE to it. Never on PGlite (reached over its
 * wire by a command with DATABASE_URL): its one session is shared, a role set there would stay.
 */
export async function canUseRole(pool: pg.Pool, role: string): Promise<boolean> {
  const { rows: [server] } = await pool.query<{ version: string }>(sql.serverVersion);
  if (/emscripten|wasm|pglite/i.test(server.version)) return false;
  const { rows } = await pool.query<{ ok: boolean }>(
    sql.mayUseRole, [role],
  ).catch(() => ({ rows: [{ ok: false }] }));
  return rows[0]?.ok === true;
}

export interface EmbeddedOptions {
  /** Folder for the data files; null keeps the database in memory (tests). */
  dataDirectory: string | null;
  onProgress?: (message: string) => void;
}

export async function openEmbeddedDatabase(options: EmbeddedOptions): Promise<Database> {
  const progress = options.onProgress ?? (() => {});
  // Loaded lazily: external mode never pays for the WASM build.
  const [{ PGlite }, { postgis }, { serveOverWire }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-postgis'),
    import('./embedded-wire.js'),
  ]);
  let unlock = () => {};
  if (options.dataDirectory) {
    mkdirSync(options.dataDirectory, { recursive: true });
    unlock = lockDataFolder(options.dataDirectory);
  }
  progress('starting the embedded PostgreSQL');
  let pglite: InstanceType<typeof PGlite>;
  let wire: Awaited<ReturnType<typeof serveOverWire>>;
  try {
    pglite = await PGlite.create({ dataDir: options.dataDirectory ?? undefined, extensions: { postgis } });
    progress('loading PostGIS');
    await pglite.exec('CREATE EXTENSION IF NOT EXISTS postgis');
    wire = await serveOverWire(pglite);
  } catch (error) {
    unlock();
    throw error;
  }
  // PGlite is a single session: one pooled connection, requests queue behind it.
  const pool = resilientPool({ host: '127.0.0.1', port: wire.port, user: 'postgres', database: 'postgres', max: 1 });
  await pool.query(sql.ping);
  return {
    mode: 'embedded',
    pool,
    async close() {
      if (!pool.ended) await pool.end();
      await wire.close();
      await pglite.close();
      unlock();
    },
  };
}

export interface DatabaseVersions {
  postgresql: string;
  postgis: string;
  hasMvt: boolean;
}

export async function readVersions(pool: pg.Pool): Promise<DatabaseVersions> {
  const { rows } = await pool.query<{ postgresql: string; postgis: string; full: string }>(
    sql.versions,
  );
  return { postgresql: rows[0].postgresql, postgis: rows[0].postgis, hasMvt: rows[0].full.includes('PROTOBUF') };
}
