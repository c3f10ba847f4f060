/** What the health check tells of the registry's content. */
import type pg from 'pg';
import { datasetCounts, latestMigration } from '../queries/system.js';
import { dataVersion } from './tiles.js';
import { keptWhileUnchanged } from './kept-answers.js';

/** Name of the latest applied migration, or null on an empty database. */
export async function migrationLevel(db: pg.Pool): Promise<string | null> {
  const { rows } = await db.query<{ name: string }>(latestMigration).catch(() => ({ rows: [] as { name: string }[] }));
  return rows[0]?.name ?? null;
}

type Counts = { real: number; synthetic: number };

/**
 * Deal points of real data and of the synthetic demo scenario, counted again only when the data
 * version (raised by every change to the points) has moved: the health check is public and polled,
 * and the count reads every point (136 ms at 100x the demo, against 0.3 ms for the version).
 */
export async function registryCounts(db: pg.Pool): Promise<Counts> {
  // The version is read before the counts: a kept count can be newer than its version, never older.
  const version = await dataVersion(db);
  return keptWhileUnchanged(db, 'registry counts', version, async () => (await db.query<Counts>(datasetCounts)).rows[0]);
}
