/**
 * The one way Sillage reaches PostgreSQL: a `pg` pool. In external mode it points at DATABASE_URL;
 * in embedded mode it points at an in-process PGlite (PostgreSQL + PostGIS compiled to WASM)
 * served on a loopback port by embedded-wire.ts, so the same SQL and the same driver serve both.
 */
import pg from 'pg';
import { mkdirSync } from 'node:fs';

export type DatabaseMode = 'embedded' | 'external';

export interface Database {
  mode: DatabaseMode;
  pool: pg.Pool;
  close(): Promise<void>;
}

// Dates stay 'YYYY-MM-DD' strings (no time zone shifts); bigint ids fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

export async function openExternalDatabase(connectionString: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max: 10 });
  await pool.query('SELECT 1');
  return { mode: 'external', pool, close: () => pool.end() };
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
  if (options.dataDirectory) mkdirSync(options.dataDirectory, { recursive: true });
  progress('starting the embedded PostgreSQL');
  const pglite = await PGlite.create({ dataDir: options.dataDirectory ?? undefined, extensions: { postgis } });
  progress('loading PostGIS');
  await pglite.exec('CREATE EXTENSION IF NOT EXISTS postgis');
  const wire = await serveOverWire(pglite);
  // PGlite is a single session: one pooled connection, requests queue behind it.
  const pool = new pg.Pool({ host: '127.0.0.1', port: wire.port, user: 'postgres', database: 'postgres', max: 1 });
  await pool.query('SELECT 1');
  return {
    mode: 'embedded',
    pool,
    async close() {
      if (!pool.ended) await pool.end();
      await wire.close();
      await pglite.close();
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
    `SELECT current_setting('server_version') AS postgresql, postgis_lib_version() AS postgis,
            postgis_full_version() AS full`,
  );
  return { postgresql: rows[0].postgresql, postgis: rows[0].postgis, hasMvt: rows[0].full.includes('PROTOBUF') };
}
