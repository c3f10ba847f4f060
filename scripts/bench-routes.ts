/**
 * The scale benchmark's sweep of the other routes the screens call (deputy, prefect and national
 * analyst sessions): one request each, and a second one when the first is under 10 s (cached
 * answers show there). Figures only, no baseline: these are the routes no target names yet.
 */
import type pg from 'pg';
import { ensureUser, testPassword } from '../tests/helpers/databases.js';
import { fmt } from './bench-load.js';

const routes: [role: 'national_analyst' | 'prefect' | 'deputy', path: string][] = [
  ['deputy', '/api/aggregates/deal-points/cube?resolution=7&from=2019-01&to=2025-12'],
  ['deputy', '/api/aggregates/deal-points/series?from=2019-01&to=2025-12&by=size_class'],
  ['deputy', '/api/aggregates/deal-points/series?from=2019-01&to=2025-12&department=13'],
  ['deputy', '/api/aggregates/deal-points?group=department'],
  ['deputy', '/ogc/collections/h3-cells/items'],
  ['prefect', '/api/aggregates/deal-points/cube?resolution=7&from=2019-01&to=2025-12'],
  ['prefect', '/api/analyses/watchlist'],
  ['prefect', '/api/analyses/size-class-shift?region=93&month=2024-03'],
  ['prefect', '/api/sectors?department=13'],
  ['national_analyst', '/api/analyses/watchlist'],
  ['national_analyst', '/api/analyses/department-wakes?department=13'],
  ['national_analyst', '/api/registry/reliability'],
  ['national_analyst', '/api/duplicates'],
  ['national_analyst', '/api/departments/outlines'],
];

export async function routeSweep(base: string, pool: pg.Pool, step: (message: string) => void): Promise<string[]> {
  const cookies = new Map<string, string>();
  const lines = ['other routes the screens call (prefect of department 13; one request, then a second when the first is under 10 s):'];
  for (const [role, path] of routes) {
    if (!cookies.has(role)) {
      const username = await ensureUser(pool, role, role === 'prefect' ? ['13'] : []);
      const signIn = await fetch(`${base}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: testPassword }) });
      cookies.set(role, signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '));
    }
    step(`other routes: ${role} ${path}`);
    const times: number[] = [];
    let status = 0;
    for (let i = 0; i < 2 && (i === 0 || times[0] < 10_000); i += 1) {
      const started = performance.now();
      const response = await fetch(base + path, { headers: { cookie: cookies.get(role)! }, signal: AbortSignal.timeout(300_000) });
      await response.arrayBuffer();
      status = response.status;
      times.push(performance.now() - started);
    }
    lines.push(`  ${role.padEnd(16)} ${path}: ${times.map(fmt).join(', then ')} (HTTP ${status})`);
  }
  return lines;
}
