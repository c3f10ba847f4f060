/**
 * `npm start` on an empty embedded data folder: the server prepares the database, prints its URL
 * and answers over real HTTP; a second start on the same folder reuses the data.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latestMigration } from '../helpers/databases.js';

const dataDirectory = mkdtempSync(join(tmpdir(), 'sillage-smoke-'));
const children: ChildProcess[] = [];

function start(): Promise<{ url: string; child: ChildProcess; output: () => string; seconds: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: { ...process.env, DATABASE_URL: '', SILLAGE_DATA_DIR: join(dataDirectory, 'pglite'), SILLAGE_SCENARIO_DIR: join(dataDirectory, 'scenario'), SILLAGE_DEMO: '', PORT: '0', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL after 200 s:\n${output}`)), 200_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Sillage is ready in [\d.]+ s: (http:\/\/\S+)/.exec(output);
      // Embedded mode prints the demo accounts after the URL: wait for the last one.
      if (match && /\n {2}admin +\S+/.test(output)) {
        clearTimeout(timer);
        resolve({ url: match[1], child, output: () => output, seconds: (performance.now() - started) / 1000 });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited with ${code}:\n${output}`)); });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

afterAll(async () => {
  for (const child of children) await stop(child);
  rmSync(dataDirectory, { recursive: true, force: true });
});

describe('npm start on the embedded database', () => {
  it('starts on an empty data folder, shows progress, answers /api/health, and keeps data across restarts', async () => {
    const first = await start();
    expect(first.output()).toMatch(/embedded PostGIS in .*sillage-smoke-/);
    expect(first.output()).toMatch(/starting the embedded PostgreSQL/);
    expect(first.output()).toMatch(/applying migrations/);
    const health = await (await fetch(`${first.url}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', database: { mode: 'embedded', postgis: '3.6.2', migration: latestMigration }, data: { synthetic: true, real_deal_points: null } }); // no live real count for the public
    // The demo scenario is loaded on first start, its ground truth written beside the data.
    expect(first.output()).toMatch(/demo scenario loaded: \d+ synthetic deal points/);
    expect(health.data.synthetic_deal_points).toBeGreaterThan(5000);
    expect(existsSync(join(dataDirectory, 'scenario', 'planted-20190101', 'ground-truth.json'))).toBe(true);
    // Demo accounts are printed at start (embedded mode only); sign in as the national analyst.
    const password = /ofast\.analyste\s+(\S+)/.exec(first.output())?.[1];
    expect(password).toBeDefined();
    const signIn = await fetch(`${first.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ofast.analyste', password }) });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    const { csrf_token } = await signIn.json();
    expect((await fetch(`${first.url}/api/deal-points`)).status).toBe(401);
    const created = await fetch(`${first.url}/api/deal-points`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf_token },
      body: JSON.stringify({ location: { type: 'Point', coordinates: [5.5345, 43.6931] }, source: 'gendarmerie', external_id: 'SMOKE-1', status_history: [{ status: 'active', effective_on: '2024-01-01' }] }),
    });
    expect(created.status).toBe(201);
    await stop(first.child);

    const second = await start();
    // The same demo password still works after a restart (kept beside the data).
    expect(/ofast\.analyste\s+(\S+)/.exec(second.output())?.[1]).toBe(password);
    const again2 = await fetch(`${second.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ofast.analyste', password }) });
    const cookie2 = again2.headers.get('set-cookie')!.split(';')[0];
    const listed = await (await fetch(`${second.url}/api/deal-points?dataset=real`, { headers: { cookie: cookie2 } })).json();
    const again = await (await fetch(`${second.url}/api/health`)).json();
    expect(again.data.synthetic_deal_points).toBe(health.data.synthetic_deal_points); // not loaded twice
    expect(listed.features.map((f: { properties: { external_id: string } }) => f.properties.external_id)).toEqual(['SMOKE-1']);
    // The restart skips what the first start did (no reference data reload).
    expect(second.seconds).toBeLessThan(first.seconds);
    console.log(`first start ${first.seconds.toFixed(1)} s, restart ${second.seconds.toFixed(1)} s`);
    await stop(second.child);
  }, 420_000);
});
