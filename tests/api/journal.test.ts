import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { send, type TestSession } from '../helpers/requests.js';
import { journalSessionRef } from '../../server/services/audit.js';

// The admin's journal: tile reads grouped per session, hour, route and zoom; exact or partial
// username; pages; the CSV export under the same filters.
describe.each(targets())('the grouped journal on the %s database', (target) => {
  let context: TestContext;
  let admin: TestSession;
  let first: TestSession;
  let second: TestSession;
  let other: TestSession;
  const refOf = (session: TestSession) => journalSessionRef(session.cookie.replace(/^sillage_session=/, ''))!;
  const csvRows = async (query: string) => {
    const response = await context.app.inject({ url: `/api/admin/audit?format=csv&limit=10000&${query}`, headers: { cookie: admin.cookie } });
    expect(response.statusCode).toBe(200);
    const [header, ...lines] = response.body.replace(/^\ufeff/, '').trim().split('\n');
    const columns = header.split(';');
    return lines.map((line) => Object.fromEntries(line.split(';').map((v, i) => [columns[i], v])));
  };

  beforeAll(async () => {
    context = await openTestApp(target, {}, null);
    admin = await signInAs(context, 'admin');
    first = await signInAs(context, 'national_analyst');
    second = await signInAs(context, 'national_analyst');
    other = await signInAs(context, 'departmental_analyst', ['84']);
    const read = async (session: TestSession, tiles: number[][]) => {
      for (const [x, y] of tiles) expect((await send(context.app, 'GET', `/tiles/deal-points/13/${x}/${y}.mvt`, undefined, undefined, session)).status).toBeLessThan(300);
    };
    await read(first, [[4148, 2816], [4149, 2816], [4149, 2817]]);
    await read(second, [[4200, 2900], [4201, 2900]]);
    await read(other, [[4180, 2950]]);
    await context.app.tileAudit.flush(); // tile reads are journalled in batches
    expect((await send(context.app, 'GET', '/api/duplicates/merges', undefined, undefined, first)).status).toBe(200);
  }, 60_000);
  afterAll(async () => closeTestApp(context));

  it('keeps a non-reversible reference to the session on each entry, never the session key', async () => {
    const { rows } = await context.database.pool.query('SELECT session_ref, action, route FROM audit_log WHERE session_ref = ANY($1) ORDER BY id', [[refOf(first), refOf(second), refOf(other)]]);
    expect(rows.filter((r) => r.session_ref === refOf(first)).map((r) => r.action)).toEqual(['sign_in', 'read_precise', 'read_precise', 'read_precise', 'read_precise']);
    expect(rows.filter((r) => r.session_ref === refOf(second)).length).toBe(3);
    for (const ref of [refOf(first), refOf(second), refOf(other)]) {
      expect(ref).toMatch(/^[0-9a-f]{16}$/);
      const { rows: [{ n }] } = await context.database.pool.query('SELECT count(*)::int AS n FROM sessions WHERE token_hash LIKE $1', [`${ref}%`]);
      expect(n).toBe(0);
    }
    expect(new Set([refOf(first), refOf(second), refOf(other)]).size).toBe(3);
  });

  it('reads a journal holding tile reads with out-of-range addresses (refused requests are journalled too)', async () => {
    await context.database.pool.query(`INSERT INTO audit_log (username, role, action, method, route, status_code, area) VALUES
      ('test.overflow', 'national_analyst', 'read_precise', 'GET', '/tiles/deal-points/{z}/{x}/{y}.mvt', 400, 'z=5&x=99999999999&y=1')`);
    const grouped = await send(context.app, 'GET', '/api/admin/audit/grouped?username=test.overflow', undefined, undefined, admin);
    expect(grouped.status).toBe(200);
    expect(grouped.body.items).toHaveLength(1);
  });

  it('reads one row per session, hour and zoom level for tiles, with the range read; exact username', async () => {
    const grouped = await send(context.app, 'GET', '/api/admin/audit/grouped?username=test.national_analyst&limit=20', undefined, undefined, admin);
    expect(grouped.status).toBe(200);
    expect(grouped.body.items.every((r: any) => r.username === 'test.national_analyst')).toBe(true);
    expect(grouped.body.items[0]).toMatchObject({ route: '/api/duplicates/merges', session_ref: refOf(first), grouped: false, entries: 1 });
    const firstTiles = grouped.body.items.filter((r: any) => r.session_ref === refOf(first) && r.grouped);
    const secondTiles = grouped.body.items.filter((r: any) => r.session_ref === refOf(second) && r.grouped);
    expect(firstTiles).toEqual([expect.objectContaining({ entries: 3, area: 'z=13, x 4148–4149, y 2816–2817', tiles: { z: 13, x_min: 4148, x_max: 4149, y_min: 2816, y_max: 2817 }, role: 'national_analyst' })]);
    expect(secondTiles).toEqual([expect.objectContaining({ entries: 2, area: 'z=13, x 4200–4201, y 2900–2900' })]);
    expect(grouped.body.items.some((r: any) => r.session_ref === refOf(other))).toBe(false);
  });

  it('filters by a partial username in any case, pages, and the CSV export honours the same filters', async () => {
    const partial = await send(context.app, 'GET', '/api/admin/audit/grouped?username_contains=ANALYST&limit=50', undefined, undefined, admin);
    expect(partial.status).toBe(200);
    expect(partial.body.items.every((r: any) => /analyst/i.test(r.username))).toBe(true);
    expect(partial.body.items.find((r: any) => r.session_ref === refOf(other))).toMatchObject({ username: 'test.departmental_analyst.84', entries: 1, grouped: true });
    // Pages: every entry of the filter once (the external database keeps earlier runs' journal).
    const { rows: [{ n }] } = await context.database.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE username ILIKE '%analyst%'`);
    let sum = 0;
    const seen = new Set<number>();
    for (let offset: number | null = 0, guard = 0; offset !== null && guard < 2000; guard++) {
      const page: any = await send(context.app, 'GET', `/api/admin/audit/grouped?username_contains=analyst&limit=50&offset=${offset}`, undefined, undefined, admin);
      for (const row of page.body.items) { sum += row.entries; seen.add(row.id); }
      expect(page.body.items.length).toBeLessThanOrEqual(50);
      offset = page.body.next_offset;
    }
    expect(sum).toBe(n);
    // LIKE wildcards are literal.
    expect((await send(context.app, 'GET', '/api/admin/audit/grouped?username_contains=%25', undefined, undefined, admin)).body.items).toEqual([]);
    expect((await send(context.app, 'GET', '/api/admin/audit/grouped?username_contains=national_', undefined, undefined, admin)).body.items.length).toBeGreaterThan(0);

    // The CSV export: the same exact and partial filters, with the session reference.
    const exact = await csvRows('username=test.national_analyst');
    const { rows: [{ n: exactCount }] } = await context.database.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE username = 'test.national_analyst'`);
    expect(exact.length).toBe(Math.min(10000, exactCount));
    expect(exact.every((r) => r.username === 'test.national_analyst')).toBe(true);
    expect(exact.filter((r) => r.session_ref === refOf(first)).length).toBe(5);
    const contains = await csvRows('username_contains=DEPARTMENTAL_an&action=read_precise');
    const { rows: [{ n: containsCount }] } = await context.database.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE username ILIKE '%departmental_an%' AND action = 'read_precise'`);
    expect(contains.length).toBe(Math.min(10000, containsCount));
    expect(contains.some((r) => r.session_ref === refOf(other) && r.route === '/tiles/deal-points/:z/:x/:y.mvt')).toBe(true);
    expect(contains.every((r) => /departmental_an/.test(r.username) && r.action === 'read_precise')).toBe(true);
    expect(await csvRows('username_contains=%25')).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await csvRows(`username=test.national_analyst&from=2000-01-01&to=2000-01-31`))).toEqual([]);
    expect((await csvRows(`username=test.national_analyst&from=${today}`)).some((r) => r.session_ref === refOf(second))).toBe(true);
  });

  it('refuses bad filters with the field named, and anyone but the admin', async () => {
    const long = await send(context.app, 'GET', `/api/admin/audit/grouped?username_contains=${'a'.repeat(65)}`, undefined, undefined, admin);
    expect(long.status).toBe(400);
    expect(long.body.message).toMatch(/username_contains/);
    expect((await send(context.app, 'GET', '/api/admin/audit?format=csv&username_contains=x&nom=1', undefined, undefined, admin)).status).toBe(400);
    expect((await send(context.app, 'GET', '/api/admin/audit/grouped', undefined, undefined, first)).status).toBe(403);
    expect((await send(context.app, 'GET', '/api/admin/audit?format=csv', undefined, undefined, null)).status).toBe(401);
  });
});
