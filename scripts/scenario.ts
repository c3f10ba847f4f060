/**
 * `npm run scenario -- [--seed N] [--null] [--out folder] [--no-load] [--replace]`
 * Generates the synthetic national scenario (deterministic for a seed), writes its files and its
 * ground truth into the output folder (default data/scenario/<variant>-<seed>), and loads it into
 * the database (not the ground truth). --null: the same machinery without planted displacement.
 */
import { commandLine, prepareOrExit } from './command-line.js';
import { join } from 'node:path';
import { loadConfig } from '../server/config.js';
import { buildScenarioFiles, defaultScenarioSeed, loadScenario, removeSyntheticData, writeScenarioFiles } from '../server/services/scenario.js';
import { ImportRejectedError } from '../server/services/imports.js';
import { progressReporter } from './progress.js';

const usage = `usage: npm run scenario -- [--seed N] [--null] [--out folder] [--no-load] [--replace]

Generates the synthetic national scenario (deterministic for a seed), writes its CSV/GeoJSON files
and its ground truth, and loads it into the database (not the ground truth).
  --seed N     the seed (default ${defaultScenarioSeed}, the demo)
  --null       the same machinery without planted displacement or diffusion
  --out DIR    output folder (default data/scenario/<variant>-<seed>)
  --no-load    write the files only
  --replace    remove the synthetic data already loaded before loading`;
const { values } = commandLine(usage, {
  seed: { type: 'string' }, null: { type: 'boolean' }, out: { type: 'string' }, 'no-load': { type: 'boolean' }, replace: { type: 'boolean' },
});
const seed = values.seed === undefined ? defaultScenarioSeed : Number(values.seed);
if (!Number.isInteger(seed) || seed < 0) { console.error('--seed must be a non-negative integer'); process.exit(1); }
const variant = values.null ? 'null' : 'planted';
const directory = values.out ?? join('data', 'scenario', `${variant}-${seed}`);
const progress = progressReporter();
// The database first: a data folder held by another process is refused before any generation.
const database = values['no-load'] ? null : await prepareOrExit(loadConfig(), { onProgress: progress.step, onReferenceProgress: progress.count });

let started = performance.now();
progress.step(`generating the ${variant} scenario (seed ${seed})`);
const files = buildScenarioFiles(seed, variant);
writeScenarioFiles(directory, files);
const lines = (name: keyof typeof files) => files[name].split('\n').length - 2;
console.log(`  ${lines('deal-points.csv')} deal points, ${lines('observations.csv')} observations, ${lines('networks.csv')} networks, ${JSON.parse(files['operations.geojson']).features.length} operations in ${((performance.now() - started) / 1000).toFixed(1)} s -> ${directory} (ground truth: ground-truth.json)`);
if (!database) process.exit(0);

try {
  if (values.replace) { progress.step('removing earlier synthetic data'); await removeSyntheticData(database.pool); }
  started = performance.now();
  progress.step('loading the scenario');
  const report = await loadScenario(database.pool, files, progress.count);
  progress.stop();
  console.log(`loaded ${report.dealPoints} deal points, ${report.observations} observations, ${report.operations} operations, ${report.networks} networks in ${((performance.now() - started) / 1000).toFixed(1)} s (0 rejected)`);
} catch (error) {
  progress.stop();
  if (error instanceof ImportRejectedError) {
    console.error(error.message);
    for (const p of error.problems.slice(0, 50)) console.error(`  line ${p.line}: ${p.field}: ${p.reason}`);
  } else console.error(`scenario failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
