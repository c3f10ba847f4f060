/**
 * Start-up preparation of the database: opens it (embedded PGlite or DATABASE_URL), applies the
 * migrations, loads the reference data and, on a first start, the demo scenario; attaches the read
 * replica. All of it idempotent.
 */
import { join } from 'node:path';
import type { Config } from '../config.js';
import { canUseRole, openEmbeddedDatabase, openExternalDatabase, type Database } from './connection.js';
import { migrate } from './migrations.js';
import { Replica } from './replica.js';
import { loadReferenceData, type ReferenceProgress } from '../reference-data.js';
import { buildScenarioFiles, defaultScenarioSeed, loadScenario, writeScenarioFiles } from '../services/scenario.js';
import { anyDataLoaded, recordScenarioLoad } from '../queries/system.js';

export interface PreparationOptions {
  /** Human progress lines ("starting the embedded PostgreSQL", "communes 5000/34920"...). */
  onProgress?: (message: string) => void;
  onReferenceProgress?: ReferenceProgress;
}

export async function openDatabase(config: Config, onProgress: (message: string) => void): Promise<Database> {
  if (config.databaseUrl) {
    onProgress('connecting to PostgreSQL (DATABASE_URL)');
    return openExternalDatabase(config.databaseUrl);
  }
  return openEmbeddedDatabase({ dataDirectory: config.dataDirectory, onProgress });
}

/** Opens and prepares the database: migrations, then reference data (both idempotent). */
export async function prepareDatabase(config: Config, options: PreparationOptions = {}): Promise<Database> {
  const progress = options.onProgress ?? (() => {});
  const database = await openDatabase(config, progress);
  try {
    progress('applying migrations');
    await migrate(database.pool, progress);
    progress('loading reference data (communes, departments, SSMSI statistics)');
    await loadReferenceData(database.pool, options.onReferenceProgress);
    if (config.loadDemo) await loadDemoOnce(database, config, progress, options.onReferenceProgress);
    // Production: from now on run as the application role (no ALTER, no UPDATE/DELETE of the journal).
    if (database.mode === 'external' && config.applicationRole && await canUseRole(database.pool, config.applicationRole)) {
      await database.close();
      progress(`running as the database role ${config.applicationRole}`);
      return await openExternalDatabase(config.databaseUrl!, { applicationRole: config.applicationRole });
    }
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** First start only: the synthetic demo scenario, recorded so that it is never loaded twice. */
async function loadDemoOnce(database: Database, config: Config, progress: (message: string) => void, counts?: ReferenceProgress): Promise<void> {
  const marker = `scenario:planted:${defaultScenarioSeed}`;
  const { rows } = await database.pool.query(anyDataLoaded);
  if (rows.length) return;
  progress('first start: generating the synthetic demo scenario (2019-2025)');
  const files = buildScenarioFiles(defaultScenarioSeed, 'planted');
  const directory = join(config.scenarioDirectory, `planted-${defaultScenarioSeed}`);
  writeScenarioFiles(directory, files);
  progress(`loading the demo scenario (files and ground truth in ${directory})`);
  const report = await loadScenario(database.pool, files, counts);
  await database.pool.query(recordScenarioLoad, [marker, String(defaultScenarioSeed), report.dealPoints]);
  progress(`demo scenario loaded: ${report.dealPoints} synthetic deal points, ${report.operations} operations, ${report.observations} observations`);
}

/**
 * Adds the read replica (DATABASE_READ_URL) to an opened external database, with the same role.
 * Never fails the start: an unreachable replica is a health status, reads go to the primary.
 */
export function attachReplica(database: Database, config: Config, onProgress: (message: string) => void, onError?: (error: Error) => void): Database {
  if (!config.databaseReadUrl) return database;
  if (database.mode !== 'external') {
    onProgress('DATABASE_READ_URL is ignored: the embedded database has no replica (set DATABASE_URL too)');
    return database;
  }
  onProgress('reading tiles, geography, statistics and aggregates from the replica (DATABASE_READ_URL)');
  const role = config.applicationRole && database.role === config.applicationRole ? config.applicationRole : null;
  const replica = new Replica(config.databaseReadUrl, { applicationRole: role, onError, primary: database.pool, maxLagMs: config.replicaMaxLagSeconds * 1000 });
  const close = database.close;
  return { ...database, replica, async close() { await replica.close(); await close(); } };
}
