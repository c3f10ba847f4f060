/**
 * `npm run import -- <file> [--kind deal-points|observations|operations]`
 * Imports a CSV or GeoJSON file all-or-nothing; prints a summary, or every rejected row and exits 1.
 */
import { readFileSync } from 'node:fs';
import { decodeUtf8 } from '../server/plugins/strict-input.js';
import { commandLine, prepareOrExit } from './command-line.js';
import { loadConfig } from '../server/config.js';
import { importFile, ImportRejectedError } from '../server/services/imports.js';
import { importKinds, type ImportKind } from '../server/domain/import-rows.js';
import { progressReporter } from './progress.js';

const usage = `usage: npm run import -- <file.csv|file.geojson> [--kind deal-points|observations|operations]

Imports a CSV (';' or ',', UTF-8) or GeoJSON file into the database (DATABASE_URL, or the embedded
one), all-or-nothing: every rejected row is listed (line, field, reason) and nothing is stored.
Re-running the same file changes nothing (rows match on source and external id).
  --kind   what the file holds (detected from its columns when left out)`;
const { values, positionals } = commandLine(usage, { kind: { type: 'string' } }, true);
if (positionals.length !== 1) {
  console.error(usage);
  process.exit(2);
}
if (values.kind && !importKinds.includes(values.kind as ImportKind)) {
  console.error(`--kind must be one of ${importKinds.join(', ')}`);
  process.exit(1);
}
const progress = progressReporter();
let text: string;
try {
  text = decodeUtf8(readFileSync(positionals[0]), positionals[0]);
} catch (error) {
  console.error(`cannot read ${positionals[0]}: ${(error as Error).message}`);
  process.exit(1);
}
const database = await prepareOrExit(loadConfig(), { onProgress: progress.step, onReferenceProgress: progress.count });
try {
  progress.step(`importing ${positionals[0]}`);
  const report = await importFile(database.pool, text, { kind: values.kind as ImportKind | undefined, onProgress: progress.count });
  progress.stop();
  console.log(`${report.kind} (${report.format}): ${report.rows} rows, ${report.inserted} inserted, ${report.updated} updated, ${report.unchanged} unchanged, 0 rejected, ${(report.elapsed_ms / 1000).toFixed(1)} s`);
} catch (error) {
  progress.stop();
  if (error instanceof ImportRejectedError) {
    console.error(`${error.message}\nrejected rows:`);
    for (const p of error.problems) console.error(`  line ${p.line}: ${p.field}: ${p.reason}`);
  } else {
    console.error(`import failed: ${(error as Error).message}`);
  }
  process.exitCode = 1;
} finally {
  await database.close();
}
