/**
 * Load benchmark of the public reporting platform (measure 16): 200 reports per second for 60 s
 * from 100 concurrent clients (autocannon) against the server running in its own process on
 * DATABASE_URL (real PostGIS: without it, the benchmark says so and does nothing).
 * Checks: no answer other than 201 or the rate limit's 429, and every 201 stored (counted in the
 * database). Baseline in the same run: the same number of rows inserted by plain SQL, one by one.
 *   npm run bench -- reports      (options: --rate 200 --seconds 60 --connections 100)
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { issueFormToken } from '../server/domain/form-tokens.js';

const { values } = parseArgs({ options: { rate: { type: 'string' }, seconds: { type: 'string' }, connections: { type: 'string' }, 'limit-per-minute': { type: 'string' } } });
const rate = Number(values.rate ?? 200);
const seconds = Number(values.seconds ?? 60);
const connections = Number(values.connections ?? 100);
// Per client address and minute; all load comes from 127.0.0.1, so this caps what is accepted.
const limitPerMinute = Number(values['limit-per-minute'] ?? 6000);
const secret = `bench-${Date.now()}`;
if (!process.env.DATABASE_URL) {
  console.log('bench-reports: set DATABASE_URL to a real PostgreSQL + PostGIS (e.g. eval "$(bash .ci/postgres.sh start)"); skipped.');
  process.exit(0);
}
console.log('starting the server on PostgreSQL from DATABASE_URL');
const server = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
  env: {
    ...process.env, PORT: '0', SILLAGE_SECRET: secret, SILLAGE_REPORT_RATE_LIMIT: String(limitPerMinute), SILLAGE_DEMO: 'off', LOG_LEVEL: 'error',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((resolve, reject) => {
  let output = '';
  server.stdout!.on('data', (chunk) => {
    output += chunk;
    const match = /ready in [\d.]+ s: (http:\/\/\S+)/.exec(output);
    if (match) resolve(match[1]);
  });
  server.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
});

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
const countReports = async () => (await pool.query('SELECT count(*)::int AS n FROM public_reports')).rows[0].n as number;
const before = await countReports();

// Tokens minted with the server's secret, 5 s in the past (usable), one per request.
let sequence = 0;
const body = () => JSON.stringify({
  location: { type: 'Point', coordinates: [5.52 + (sequence % 100) * 0.0004, 43.68 + Math.floor(sequence / 100 % 100) * 0.0003] },
  seen: ['vente'], times_of_day: ['soiree'], description: `charge ${sequence++}`, form_token: issueFormToken(secret, Date.now() - 5000),
});
const statusCounts = new Map<number, number>();
// Whatever happens below, the server process must not outlive the benchmark.
process.on('exit', () => server.kill('SIGKILL'));
const started = performance.now();
const result = await autocannon({
  // A fixed number of requests (rate x seconds) rather than a duration: autocannon then waits for
  // every answer, instead of abandoning those in flight when the time is up.
  url: `${url}/api/public/reports`, method: 'POST', connections, overallRate: rate, amount: rate * seconds,
  headers: { 'content-type': 'application/json' },
  requests: [{ setupRequest: (request: Record<string, unknown>) => ({ ...request, body: body() }) }],
  setupClient: (client: { on(event: string, handler: (status: number) => void): void }) => {
    client.on('response', (status: number) => statusCounts.set(status, (statusCounts.get(status) ?? 0) + 1));
  },
} as never) as autocannon.Result;
const elapsed = (performance.now() - started) / 1000;
const accepted = statusCounts.get(201) ?? 0;
const limited = statusCounts.get(429) ?? 0;
const others = [...statusCounts.entries()].filter(([status]) => status !== 201 && status !== 429);
const stored = (await countReports()) - before;

// Baseline: the same number of reports inserted by plain SQL, one statement each, one connection.
let baselineSeconds: number | null = null;
if (accepted > 0) {
  const t = performance.now();
  for (let i = 0; i < Math.min(accepted, 3000); i++) {
    await pool.query(
      `INSERT INTO public_reports (receipt, geom, location_precision, seen, times_of_day, description)
       VALUES ($1, ST_SetSRID(ST_MakePoint($2, $3), 4326), 'pin', '{vente}', '{soiree}', 'baseline')`,
      [`SIG-B${String(i).padStart(9, '0')}`, 5.52 + (i % 100) * 0.0004, 43.68],
    );
  }
  baselineSeconds = ((performance.now() - t) / 1000) * (accepted / Math.min(accepted, 3000));
  await pool.query(`DELETE FROM public_reports WHERE description = 'baseline'`);
}
await pool.end();
server.kill('SIGTERM');

console.log('\nPublic reports load benchmark (real PostgreSQL + PostGIS)');
console.log(`  offered load          : ${rate} requests/s for ${seconds} s, ${connections} connections (${result.requests.total} sent in ${elapsed.toFixed(1)} s)`);
console.log(`  answers (autocannon)  : ${result['2xx']} x 2xx, ${result.non2xx} non-2xx`);
console.log(`  answers               : ${accepted} x 201 accepted, ${limited} x 429 rate-limited (limit ${limitPerMinute}/min per address), ${others.length ? others.map(([s, n]) => `${n} x ${s}`).join(', ') : 'no other status'}`);
console.log(`  errors (socket/timeout): ${result.errors} errors, ${result.timeouts} timeouts`);
console.log(`  latency               : p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`);
console.log(`  stored in the database: ${stored} new reports for ${accepted} accepted -> ${stored === accepted ? 'every accepted report is stored' : 'MISMATCH'}`);
if (baselineSeconds !== null) console.log(`  baseline              : the same ${accepted} rows by plain SQL INSERTs take ${baselineSeconds.toFixed(1)} s on one connection (${Math.round(accepted / baselineSeconds)} rows/s; the API sustained ${(accepted / elapsed).toFixed(0)} accepted/s)`);
process.exit(others.length || result.errors || stored !== accepted ? 1 : 0);
