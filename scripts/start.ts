/** `npm start`: builds the web client if needed, then runs Sillage and prints its URL. */
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startServer } from '../server/server.js';
import { loadConfig } from '../server/config.js';
import { webDirectory } from '../server/routes/web.js';
import { progressReporter } from './progress.js';
import { relative } from 'node:path';
import { demoAccountsFile } from '../server/services/demo-accounts.js';
import { commandLine } from './command-line.js';

commandLine(`usage: npm start

Runs Sillage and prints its URL. Without DATABASE_URL: the embedded PostGIS (PGlite) in
SILLAGE_DATA_DIR (default ./data/pglite), with the demo scenario and demo accounts on first start.
With DATABASE_URL: that PostgreSQL + PostGIS (production; no demo data unless SILLAGE_DEMO=on).
Environment: PORT (default 3000), HOST (default 127.0.0.1), DATABASE_URL, SILLAGE_DATA_DIR, SILLAGE_DEMO, LOG_LEVEL.`, {});

const config = loadConfig();
const progress = progressReporter();
const started = performance.now();
if (!existsSync(`${webDirectory}/index.html`) && existsSync('web/index.html')) {
  progress.step('building the web client (first start only)');
  // The build's own output (the design system's old CSS hacks, timings) is noise to the user:
  // kept, and shown only if the build fails.
  try {
    execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'], { stdio: 'pipe' });
  } catch (error) {
    const failed = error as { stdout?: Buffer; stderr?: Buffer };
    console.error(`building the web client failed:\n${failed.stdout?.toString() ?? ''}${failed.stderr?.toString() ?? ''}`);
    process.exit(1);
  }
}
console.log(config.databaseUrl ? 'Sillage: PostgreSQL from DATABASE_URL' : `Sillage: embedded PostGIS in ${config.dataDirectory}`);
try {
  const running = await startServer({
    config, onProgress: progress.step, onReferenceProgress: progress.count,
    logger: { level: process.env.LOG_LEVEL ?? 'warn' },
  });
  progress.stop();
  console.log(`\nSillage is ready in ${((performance.now() - started) / 1000).toFixed(1)} s: ${running.url}`);
  console.log(`API documentation: ${running.url}/api/docs`);
  console.log(`Public report page: ${running.url}/signaler`);
  if (running.demoAccounts.length) {
    const file = relative(process.cwd(), demoAccountsFile(config.dataDirectory));
    console.log(`\nDemo accounts (embedded database only; passwords kept in ${file.startsWith('..') ? demoAccountsFile(config.dataDirectory) : file}):`);
    for (const a of running.demoAccounts) console.log(`  ${a.username.padEnd(18)} ${a.password.padEnd(20)} ${a.label}`);
  }
  const shutdown = async () => { await running.close(); process.exit(0); };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (error) {
  progress.stop();
  console.error(`Sillage could not start: ${(error as Error).message}`);
  process.exit(1);
}
