/** Roll-forward SQL migrations from db/migrations, applied by node-pg-migrate in one transaction under an advisory lock. */
import { runner } from 'node-pg-migrate';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { prepareJobQueues } from '../services/jobs.js';

export const migrationsDirectory = fileURLToPath(new URL('../../db/migrations', import.meta.url));
const migrationsTable = 'schema_migrations';

export async function migrate(pool: pg.Pool, log: (message: string) => void = () => {}): Promise<string[]> {
  const client = await pool.connect();
  let applied: Awaited<ReturnType<typeof runner>>;
  try {
    applied = await runner({
      dbClient: client as unknown as pg.Client,
      dir: migrationsDirectory,
      direction: 'up',
      migrationsTable,
      singleTransaction: true,
      advisoryLockMode: 'wait',
      checkOrder: true,
      log: () => {},
    } as Parameters<typeof runner>[0]);
    for (const migration of applied) log(`applied migration ${migration.name}`);
  } finally {
    client.release();
  }
  // The job queues' own schema (pg-boss creates and upgrades it), by the role that owns the rest.
  await prepareJobQueues(pool);
  return applied.map((migration) => migration.name);
}

export { migrationLevel } from '../services/system.js';
