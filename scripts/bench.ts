/** `npm run bench [-- name...]`: runs scripts/bench-*.ts one after another (all, or those named). */
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const wanted = process.argv.slice(2);
const benches = readdirSync(new URL('.', import.meta.url))
  .filter((f) => /^bench-.+\.ts$/.test(f))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f === `bench-${w}.ts`));
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `scripts/${file}`], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
