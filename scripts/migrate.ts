/** `npm run migrate`: applies pending migrations and loads reference data, then exits. */
import { loadConfig } from '../server/config.js';
import { prepareDatabase } from '../server/server.js';
import { migrationLevel } from '../server/database/migrations.js';
import { progressReporter } from './progress.js';
import { commandLine } from './command-line.js';

commandLine('usage: npm run migrate\n\nApplies pending migrations and loads the reference data (communes, departments, crime\nstatistics) into DATABASE_URL, or the embedded database when it is not set; then exits.', {});

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
