/**
 * `npm run bench -- operation`: one operation's full analysis with its placebos (effect with its
 * placebo dates and the buffer's placebo districts, wake with its placebo months, reading) on the demo database (embedded, as
 * `npm start` without DATABASE_URL), through the service the route calls: histories read from the
 * database included. Every operation of the demo, best of 3 runs each; target under 10 s. Baseline
 * measured in the same run: reading the histories alone (the part that does not depend on placebos).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../server/config.js';
import { prepareDatabase } from '../server/server.js';
import { loadHistories, operationSummary } from '../server/services/analyses.js';
import { defaultEffectOptions } from '../server/domain/analytics/displacement.js';
import { defaultWakeOptions } from '../server/domain/analytics/wake.js';

const scratch = mkdtempSync(join(tmpdir(), 'sillage-bench-operation-'));
console.log('Preparing an embedded database with the demo scenario…');
const database = await prepareDatabase({ ...loadConfig({}), dataDirectory: scratch, databaseUrl: null, loadDemo: true });
const { rows } = await database.pool.query<{ id: string; name: string }>('SELECT id, name FROM operations ORDER BY started_on');
const options = { effect: defaultEffectOptions, wake: defaultWakeOptions, asOf: null };
const best = async (run: () => Promise<unknown>) => { let ms = Infinity; for (let k = 0; k < 3; k += 1) { const t = performance.now(); await run(); ms = Math.min(ms, performance.now() - t); } return ms; };
const historiesMs = await best(() => loadHistories(database.pool, null));
const lines: string[] = [];
let worst = 0;
for (const row of rows) {
  let summary: Awaited<ReturnType<typeof operationSummary>> | null = null;
  const ms = await best(async () => { summary = await operationSummary(database.pool, Number(row.id), options, null); });
  worst = Math.max(worst, ms);
  const s = summary as unknown as { reading: string; effect: { buffer: { placebos: number; dates: { placebos: number } | null; places: { placebos: number } | null } | null; direct: { placebos: number } }; wake: { placebo: { placebos: number }; candidates: number } };
  lines.push(`  ${row.name.padEnd(48)} ${(ms / 1000).toFixed(2)} s  (${s.reading}; ${s.effect.direct.placebos} + ${s.effect.buffer?.dates?.placebos ?? 0} placebo dates and ${s.effect.buffer?.places?.placebos ?? 0} placebo districts, ${s.wake.placebo.placebos} placebo months over ${s.wake.candidates} towns; ${(ms / historiesMs).toFixed(1)}x reading the histories)`);
}
console.log(`\nOne operation's full analysis with its placebos, demo database (embedded PGlite), best of 3:`);
for (const line of lines) console.log(line);
console.log(`  baseline, reading the histories alone: ${(historiesMs / 1000).toFixed(2)} s`);
console.log(`  slowest operation: ${(worst / 1000).toFixed(2)} s (target < 10 s)`);
await database.close();
rmSync(scratch, { recursive: true, force: true });
