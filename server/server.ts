/**
 * Starts Sillage: opens the database (embedded PGlite or DATABASE_URL), applies migrations, loads
 * the reference data if needed, builds the app and listens.
 */
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from './config.js';
import { openEmbeddedDatabase, openExternalDatabase, readVersions, type Database } from './database.js';
import { migrate } from './migrations.js';
import { loadReferenceData, type ReferenceProgress } from './reference-data.js';
import { buildApp } from './app.js';

export interface StartOptions {
  config?: Config;
  /** Human progress lines ("starting the embedded PostgreSQL", "communes 5000/34920"...). */
  onProgress?: (message: string) => void;
  onReferenceProgress?: ReferenceProgress;
  logger?: boolean | object;
  serveWeb?: boolean;
}

export interface Running { app: FastifyInstance; database: Database; url: string; close(): Promise<void> }

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
    progress('loading reference data (communes, departments)');
    await loadReferenceData(database.pool, options.onReferenceProgress);
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

export async function startServer(options: StartOptions = {}): Promise<Running> {
  const config = options.config ?? loadConfig();
  const database = await prepareDatabase(config, options);
  const app = await buildApp({
    database, databaseVersions: await readVersions(database.pool), config,
    logger: options.logger ?? { level: config.logLevel }, serveWeb: options.serveWeb,
  });
  const url = await app.listen({ host: config.host, port: config.port });
  return {
    app, database, url,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
