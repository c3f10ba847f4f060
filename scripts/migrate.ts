/** `npm run migrate`: applies pending migrations and loads reference data, then exits. */
import { loadConfig } from '../server/config.js';
import { prepareDatabase } from '../server/server.js';
import { migrationLevel } from '../server/migrations.js';
import { progressReporter } from './progress.js';

const progress = progressReporter();
try {
  const database = await prepareDatabase(loadConfig(), { onProgress: progress.step, onReferenceProgress: progress.count });
  console.log(`database (${database.mode}) at migration ${await migrationLevel(database.pool)}`);
  await database.close();
} catch (error) {
  progress.stop();
  console.error(`migration failed: ${(error as Error).message}`);
  process.exit(1);
}
