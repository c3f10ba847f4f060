/**
 * Once per test run, for each database test worker (the files run two at a time): an embedded
 * PGlite (PostGIS) in its own process, served on a loopback port, migrated and loaded with the
 * reference data; and, when DATABASE_URL is set, a copy of that real PostgreSQL database prepared
 * the same way (`<name>_w1`, `<name>_w2`, made from the prepared database as a template), and
 * with DATABASE_READ_URL (a streaming standby of it) their addresses on the standby. Test
 * files connect to their worker's pair through `pg`, like the server does (see databases.ts).
 */
import type { TestProject } from 'vitest/node';
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { openExternalDatabase } from '../../server/database/connection.js';
import { migrate } from '../../server/database/migrations.js';
import { loadReferenceData } from '../../server/reference-data.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** One per database worker, indexed by VITEST_POOL_ID - 1. */
    embeddedPorts: number[];
    externalUrls: string[];
    /** The same databases on the streaming standby of DATABASE_READ_URL (empty without one). */
    replicaUrls: string[];
  }
}

/** Database files running at once; each has its own pair of databases. */
export const databaseWorkers = Number(process.env.SILLAGE_TEST_WORKERS || 2);

function startEmbedded(): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(new URL('./embedded-database-process.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve({ child, port: message.port }));
    child.once('exit', (code) => reject(new Error(`the embedded database process stopped (exit ${code})`)));
  });
}

async function prepareExternal(baseUrl: string, workers: number): Promise<string[]> {
  const external = await openExternalDatabase(baseUrl);
  await migrate(external.pool);
  await loadReferenceData(external.pool);
  await external.close();
  const base = new URL(baseUrl);
  const name = decodeURIComponent(base.pathname.slice(1)) || 'postgres';
  // Connected to the maintenance database: a template must have no other session.
  const maintenanceUrl = new URL(baseUrl);
  maintenanceUrl.pathname = name === 'postgres' ? '/template1' : '/postgres';
  const admin = new pg.Client({ connectionString: maintenanceUrl.toString() });
  await admin.connect();
  const urls: string[] = [];
  try {
    for (let worker = 1; worker <= workers; worker += 1) {
      const copy = `${name}_w${worker}`;
      await admin.query(`DROP DATABASE IF EXISTS "${copy}" WITH (FORCE)`);
      // The template's last sessions may take a moment to end after the pool closed.
      for (let attempt = 0; ; attempt += 1) {
        try {
          await admin.query(`CREATE DATABASE "${copy}" TEMPLATE "${name}"`);
          break;
        } catch (error) {
          if (attempt >= 50 || (error as { code?: string }).code !== '55006') throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      const url = new URL(baseUrl);
      url.pathname = `/${copy}`;
      urls.push(url.toString());
    }
  } finally {
    await admin.end();
  }
  return urls;
}

/** Newest modification time under `path` (a file or a folder). */
function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** Builds the web client for the end-to-end files when dist/web is missing or older than its sources. */
async function buildWebIfStale(): Promise<void> {
  const built = 'dist/web/index.html';
  if (existsSync(built) && statSync(built).mtimeMs > Math.max(newest('web'), newest('vite.config.ts'), newest('package-lock.json'))) return;
  await promisify(execFile)(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'], { maxBuffer: 64 * 1024 * 1024 });
}

export default async function setup(project: TestProject) {
  const started = performance.now();
  const externalUrl = process.env.DATABASE_URL || null;
  const [embedded, externalUrls] = await Promise.all([
    Promise.all(Array.from({ length: databaseWorkers }, startEmbedded)),
    externalUrl ? prepareExternal(externalUrl, databaseWorkers) : Promise.resolve([]),
    buildWebIfStale(),
  ]).then(([e, x]) => [e, x] as const);
  project.provide('embeddedPorts', embedded.map((e) => e.port));
  project.provide('externalUrls', externalUrls);
  // A streaming standby copies the whole cluster: each worker's copy is there too, under its name.
  const readUrl = process.env.DATABASE_READ_URL || null;
  project.provide('replicaUrls', readUrl && externalUrls.length ? externalUrls.map((url) => {
    const replica = new URL(readUrl);
    replica.pathname = new URL(url).pathname;
    return replica.toString();
  }) : []);
  console.log(`${databaseWorkers} embedded PostGIS ready${externalUrl ? ' and as many PostgreSQL copies (DATABASE_URL)' : ''} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return async () => {
    await Promise.all(embedded.map(({ child }) => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    })));
  };
}
