/**
 * Once per test run: an embedded PGlite (PostGIS) served on a loopback port, migrated and loaded
 * with the reference data; and, when DATABASE_URL is set, the same preparation of that real
 * PostgreSQL. Test files connect to both through `pg`, like the server does.
 */
import type { TestProject } from 'vitest/node';
import { openEmbeddedDatabase, openExternalDatabase } from '../../server/database.js';
import { migrate } from '../../server/migrations.js';
import { loadReferenceData } from '../../server/reference-data.js';

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedPort: number;
    externalUrl: string | null;
  }
}

export default async function setup(project: TestProject) {
  const started = performance.now();
  const embedded = await openEmbeddedDatabase({ dataDirectory: null });
  await migrate(embedded.pool);
  await loadReferenceData(embedded.pool);
  const port = (embedded.pool.options as { port: number }).port;
  // Free the single PGlite connection for the test files.
  await embedded.pool.end();
  project.provide('embeddedPort', port);
  console.log(`embedded PostGIS ready on 127.0.0.1:${port} in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const externalUrl = process.env.DATABASE_URL || null;
  if (externalUrl) {
    const external = await openExternalDatabase(externalUrl);
    await migrate(external.pool);
    await loadReferenceData(external.pool);
    await external.close();
    console.log('external PostgreSQL ready (DATABASE_URL)');
  }
  project.provide('externalUrl', externalUrl);
  return async () => {
    await embedded.close().catch(() => {});
  };
}
