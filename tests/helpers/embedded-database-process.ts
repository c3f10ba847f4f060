/**
 * One embedded PGlite (PostGIS) in its own process, migrated and loaded with the reference data,
 * served on a loopback port until the parent goes away. The global setup starts one per test
 * worker: PGlite runs on a single JavaScript thread, so two of them in one process would take
 * turns instead of using both cores.
 */
import { openEmbeddedDatabase } from '../../server/database/connection.js';
import { migrate } from '../../server/database/migrations.js';
import { loadReferenceData } from '../../server/reference-data.js';

const embedded = await openEmbeddedDatabase({ dataDirectory: null });
await migrate(embedded.pool);
await loadReferenceData(embedded.pool);
const port = (embedded.pool.options as { port: number }).port;
// Free the single PGlite connection for the test files.
await embedded.pool.end();
process.send!({ port });
const stop = () => { embedded.close().finally(() => process.exit(0)); };
process.on('disconnect', stop);
process.on('SIGTERM', stop);
