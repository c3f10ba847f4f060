/**
 * Starts Sillage: opens the database (embedded PGlite or DATABASE_URL), applies migrations, loads
 * the reference data if needed, builds the app and listens.
 */
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from './config.js';
import { canUseRole, openEmbeddedDatabase, openExternalDatabase, readVersions, type Database } from './database.js';
import { migrate } from './migrations.js';
import { loadReferenceData, type ReferenceProgress } from './reference-data.js';
import { buildApp } from './app.js';
import { Replica } from './replica.js';
import { join } from 'node:path';
import { buildScenarioFiles, defaultScenarioSeed, loadScenario, writeScenarioFiles } from './services/scenario.js';
import { ensureDemoAccounts, type DemoAccount } from './services/demo-accounts.js';
import { anyDataLoaded, recordScenarioLoad } from './queries/system.js';

export interface StartOptions {
  config?: Config;
  /** Human progress lines ("starting the embedded PostgreSQL", "communes 5000/34920"...). */
  onProgress?: (message: string) => void;
  onReferenceProgress?: ReferenceProgress;
  logger?: boolean | object;
  serveWeb?: boolean;
}

export interface Running { app: FastifyInstance; database: Database; url: string; demoAccounts: DemoAccount[]; close(): Promise<void> }

export async function openDatabase(config: Config, onProgress: (message: string) => void): Promise<Database> {
  if (config.databaseUrl) {
    onProgress('connecting to PostgreSQL (DATABASE_URL)');
    return openExternalDatabase(config.databaseUrl);
  }
  return openEmbeddedDatabase({ dataDirectory: config.dataDirectory, onProgress });
}

/** Opens and prepares the database: migrations, then reference data (both idempotent). */
export async function prepareDatabase(config: Config, options: Pick<StartOptions, 'onProgress' | 'onReferenceProgress'> = {}): Promise<Database> {
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

export async function startServer(options: StartOptions = {}): Promise<Running> {
  const config = options.config ?? loadConfig();
  // Lost replica connections are logged once the app (and its logger) exists.
  let replicaError = (_error: Error) => {};
  const database = attachReplica(await prepareDatabase(config, options), config, options.onProgress ?? (() => {}), (error) => replicaError(error));
  const app = await buildApp({
    database, databaseVersions: await readVersions(database.pool), config,
    logger: options.logger ?? { level: config.logLevel }, serveWeb: options.serveWeb,
  });
  replicaError = (error) => app.log.warn({ code: (error as { code?: string }).code }, 'replica connection lost (reads go to the primary for a few seconds)');
  const url = await app.listen({ host: config.host, port: config.port });
  // Demo accounts exist only on the embedded database, never on a real PostgreSQL.
  const demoAccounts = database.mode === 'embedded' ? await ensureDemoAccounts(database.pool, config.dataDirectory) : [];
  return {
    app, database, url, demoAccounts,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
