/**
 * Progress of a running import on both databases: a large file sent with x-import-id is polled
 * without a session while the server works (rows processed / total rise, phase by phase: no poll
 * waits for the database, even the embedded one), ends finished with every row; an unknown id is
 * 404; a malformed or reused id is refused naming the header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { send } from '../helpers/requests.js';

const rows = 12_000;
function largeCsv(prefix: string): string {
  const lines = ['external_id;source;lat;lon;first_seen_on;products'];
  // A grid over inland Vaucluse, about 500 m apart (every point inside a commune).
  for (let i = 0; i < rows; i++) lines.push(`${prefix}-${i};gendarmerie;${(43.75 + (i % 100) * 0.0045).toFixed(5)};${(4.95 + Math.floor(i / 100) * 0.006).toFixed(5)};2023-01-01;crack`);
  return lines.join('\n');
}

describe.each(targets())('import progress on the %s database', (target) => {
  let context: TestContext;
  beforeAll(async () => { context = await openTestApp(target); });
  afterAll(async () => closeTestApp(context));

  it('reports rows processed / total while a large import runs, then its end', async () => {
    const id = `test-${target}-0001-aaaaaaaaaaaaaaaaaaaaaaaa`;
    const running = context.app.inject({ method: 'POST', url: '/api/imports', payload: largeCsv('PRG'), headers: { ...(await headers()), 'content-type': 'text/csv', 'x-import-id': id } });
    let finished = false;
    void running.then(() => { finished = true; });
    const seen: { phase: string; done: number; total: number; finished: boolean }[] = [];
    while (!finished) {
      const state = await send(context.app, 'GET', `/api/imports/progress/${id}`, undefined, undefined, null);
      if (state.status === 200) seen.push(state.body);
      await new Promise((r) => setTimeout(r, 150));
    }
    const response = await running;
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ rows, inserted: rows });
    // While the file streams in, the total is estimated from its size (within 10 % here).
    const midway = seen.filter((s) => Math.abs(s.total - rows) <= rows / 10 && s.done > 0 && s.done < rows && !s.finished);
    expect(midway.length, JSON.stringify(seen.slice(0, 20))).toBeGreaterThan(0);
    expect(new Set(seen.map((s) => s.phase))).toContain('writing deal points');
    for (const phase of new Set(seen.map((s) => s.phase))) {
      const done = seen.filter((s) => s.phase === phase).map((s) => s.done);
      expect(done, phase).toEqual([...done].sort((a, b) => a - b));
    }
    const end = await send(context.app, 'GET', `/api/imports/progress/${id}`, undefined, undefined, null);
    expect(end.body).toMatchObject({ finished: true, outcome: 'imported', done: rows, total: rows });
    // Reading it takes its id.
    const unknown = await send(context.app, 'GET', `/api/imports/progress/${id.replace('0001', '0002')}`, undefined, undefined, null);
    expect(unknown.status).toBe(404);
  }, 240_000);

  it('refuses a malformed or reused import id, naming the header, and stores nothing', async () => {
    const small = 'external_id;source;lat;lon;first_seen_on\nPRG-S1;gendarmerie;43,6931;5,5345;2023-01-01';
    const bad = await context.app.inject({ method: 'POST', url: '/api/imports', payload: small, headers: { ...(await headers()), 'content-type': 'text/csv', 'x-import-id': 'no spaces!' } });
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).details[0].field).toBe('x-import-id');
    const id = `reuse-${target}-0001-aaaaaaaaaaaaaaaaaaaaaaaa`;
    const first = await context.app.inject({ method: 'POST', url: '/api/imports', payload: small, headers: { ...(await headers()), 'content-type': 'text/csv', 'x-import-id': id } });
    expect(first.statusCode).toBe(200);
    const again = await context.app.inject({ method: 'POST', url: '/api/imports', payload: small.replace('PRG-S1', 'PRG-S2'), headers: { ...(await headers()), 'content-type': 'text/csv', 'x-import-id': id } });
    expect(again.statusCode).toBe(400);
    expect(JSON.parse(again.body).details[0]).toMatchObject({ field: 'x-import-id' });
    const { rows: stored } = await context.database.pool.query("SELECT count(*)::int AS n FROM deal_points WHERE external_id = 'PRG-S2'");
    expect(stored[0].n).toBe(0);
    const rejected = await context.app.inject({ method: 'POST', url: '/api/imports', payload: small.replace('43,6931', '60,1'), headers: { ...(await headers()), 'content-type': 'text/csv', 'x-import-id': `rejected-${target}-01-aaaaaaaaaaaaaaaaaaaaaa` } });
    expect(rejected.statusCode).toBe(422);
    expect((await send(context.app, 'GET', `/api/imports/progress/rejected-${target}-01-aaaaaaaaaaaaaaaaaaaaaa`)).body).toMatchObject({ finished: true, outcome: 'rejected' });
  });

  /** The national analyst's cookie and CSRF token (the default session's account), for raw text bodies. */
  async function headers(): Promise<Record<string, string>> { return sessionHeaders; }
  let sessionHeaders: Record<string, string> = {};
  beforeAll(async () => {
    const session = await signInAs(context, 'national_analyst');
    sessionHeaders = { cookie: session.cookie, 'x-csrf-token': session.csrf };
  });
});
