/** Starts Sillage: prepares the database (server/database/preparation.ts), builds the app and listens. */
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from './config.js';
import { readVersions, type Database } from './database/connection.js';
import { attachReplica, prepareDatabase } from './database/preparation.js';
import type { ReferenceProgress } from './reference-data.js';
import { buildApp } from './app.js';
import { ensureDemoAccounts, type DemoAccount } from './services/demo-accounts.js';

export { attachReplica, openDatabase, prepareDatabase } from './database/preparation.js';

export interface StartOptions {
  config?: Config;
  /** Human progress lines ("starting the embedded PostgreSQL", "communes 5000/34920"...). */
  onProgress?: (message: string) => void;
  onReferenceProgress?: ReferenceProgress;
  logger?: boolean | object;
  serveWeb?: boolean;
}

export interface Running { app: FastifyInstance; database: Database; url: string; demoAccounts: DemoAccount[]; close(): Promise<void> }

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
