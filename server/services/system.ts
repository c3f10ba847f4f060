/** What the health check tells of the registry's content. */
import type pg from 'pg';
import { datasetCounts, latestMigration } from '../queries/system.js';

/** Name of the latest applied migration, or null on an empty database. */
export async function migrationLevel(db: pg.Pool): Promise<string | null> {
  const { rows } = await db.query<{ name: string }>(latestMigration).catch(() => ({ rows: [] as { name: string }[] }));
  return rows[0]?.name ?? null;
}

/** Deal points of real data and of the synthetic demo scenario. */
export async function registryCounts(db: pg.Pool): Promise<{ real: number; synthetic: number }> {
  const { rows: [counts] } = await db.query<{ real: number; synthetic: number }>(datasetCounts);
  return counts;
}
