/**
 * Scale (issue 18): the tile cache keyed by the data version (ETag, 304, invalidation on every
 * change of what a tile shows), and the stored histories (migration 0016) the tiles and the
 * spans read, which must say what the status events say.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { dealPointBody, send, type TestSession } from '../helpers/requests.js';
import { spansQuery } from '../../server/services/time-series.js';

function decode(bytes: Uint8Array): { id: number; status: string }[] {
  if (bytes.length === 0) return [];
  const layer = new VectorTile(new PbfReader(bytes)).layers.deal_points;
  return Array.from({ length: layer?.length ?? 0 }, (_, i) => layer!.feature(i))
    .map((f) => ({ id: Number(f.id), status: String(f.properties.status) })).sort((a, b) => a.id - b.id);
}

// Tile 9/263/186 holds Pertuis (dealPointBody's default location) and Cavaillon.
const tileUrl = '/tiles/deal-points/9/263/186.mvt?at=2024-06-01';

describe.each(targets())('tile cache and stored histories on the %s database', (target) => {
  let context: TestContext;
  let session: TestSession;
  const get = (url: string, headers: Record<string, string> = {}) => context.app.inject({ url, headers: { cookie: session.cookie, ...headers } });
  // Tile reads are journalled in batches: flush before counting.
  const auditRows = async () => { await context.app.tileAudit.flush(); return Number((await context.database.pool.query(`SELECT count(*) FROM audit_log WHERE action = 'read_precise'`)).rows[0].count); };

  beforeAll(async () => {
    context = await openTestApp(target);
    session = await signInAs(context, 'national_analyst');
  });
  afterAll(async () => closeTestApp(context));

  it('answers 304 to a matching If-None-Match, from the cache, and still audits the read', async () => {
    await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: 'C1', status_history: [{ status: 'active', effective_on: '2021-01-01' }] }));
    const first = await get(tileUrl);
    expect(first.statusCode).toBe(200);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(decode(first.rawPayload)).toHaveLength(1);
    const again = await get(tileUrl);
    expect(again.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(again.headers.etag).toBe(etag);
    const audited = await auditRows();
    const revalidated = await get(tileUrl, { 'if-none-match': etag });
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.rawPayload.length).toBe(0);
    expect(await auditRows()).toBe(audited + 1);
    const stale = await get(tileUrl, { 'if-none-match': '"not-this-tile"' });
    expect(stale.statusCode).toBe(200);
  });

  it('serves a changed tile after every kind of change: a new point, a status change, a deletion', async () => {
    const before = await get(tileUrl);
    const etag = String(before.headers.etag);
    const created = await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: 'C2', location: { type: 'Point', coordinates: [5.0413, 43.8369] }, status_history: [{ status: 'active', effective_on: '2022-01-01' }] }));
    expect(created.status).toBe(201);
    const added = await get(tileUrl, { 'if-none-match': etag });
    expect(added.statusCode).toBe(200);
    expect(decode(added.rawPayload).map((p) => p.id)).toContain(created.body.id);

    const changed = await send(context.app, 'POST', `/api/deal-points/${created.body.id}/status-changes`, { version: created.body.properties.version, status: 'dismantled', effective_on: '2024-03-01' });
    expect(changed.status).toBe(200);
    const dismantled = await get(tileUrl, { 'if-none-match': String(added.headers.etag) });
    expect(dismantled.statusCode).toBe(200);
    expect(decode(dismantled.rawPayload).find((p) => p.id === created.body.id)!.status).toBe('dismantled');

    const removed = await send(context.app, 'DELETE', `/api/deal-points/${created.body.id}?version=${changed.body.properties.version}`);
    expect(removed.status).toBe(204);
    const after = await get(tileUrl, { 'if-none-match': String(dismantled.headers.etag) });
    expect(after.statusCode).toBe(200);
    expect(decode(after.rawPayload).map((p) => p.id)).not.toContain(created.body.id);
    // Back to what it was: the same bytes, the same ETag.
    expect(after.headers.etag).toBe(etag);
  });

  it('keeps each reader\'s tiles apart: a departmental analyst outside the department gets none of them', async () => {
    const national = await get(tileUrl);
    expect(decode(national.rawPayload).length).toBeGreaterThan(0);
    const other = await signInAs(context, 'departmental_analyst', ['13']);
    const response = await context.app.inject({ url: tileUrl, headers: { cookie: other.cookie } });
    expect(response.statusCode).toBe(200);
    expect(decode(response.rawPayload)).toEqual([]);
  });

  it('stores each point\'s periods exactly as the status events give them, through inserts, updates and deletions', async () => {
    const pool = context.database.pool;
    const histories = [
      [{ status: 'active', effective_on: '2020-01-01' }, { status: 'dismantled', effective_on: '2021-01-01' }, { status: 'reopened', effective_on: '2022-03-01' }],
      [{ status: 'active', effective_on: '2023-05-01' }],
      [{ status: 'active', effective_on: '2019-02-01' }, { status: 'dismantled', effective_on: '2019-08-01' }],
    ];
    const ids: number[] = [];
    for (const [i, history] of histories.entries()) {
      ids.push((await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: `H${i}`, status_history: history }))).body.id);
    }
    const compare = async () => {
      const { rows: stored } = await pool.query(`
        SELECT h.deal_point_id::int AS id, p.f::text AS active_from, p.u::text AS active_until
        FROM deal_point_histories h CROSS JOIN LATERAL unnest(h.period_from, h.period_until) AS p(f, u) ORDER BY 1, 2`);
      const { rows: computed } = await pool.query(`SELECT deal_point_id::int AS id, active_from::text, active_until::text FROM deal_point_active_periods ORDER BY 1, 2`);
      expect(stored).toEqual(computed);
      return stored;
    };
    const first = await compare();
    expect(first.filter((r) => r.id === ids[0])).toEqual([
      { id: ids[0], active_from: '2020-01-01', active_until: '2021-01-01' }, { id: ids[0], active_from: '2022-03-01', active_until: null }]);
    // Straight in SQL too (a script, a correction): one statement changing several points.
    await pool.query(`UPDATE deal_point_status_events SET effective_on = effective_on + 10 WHERE deal_point_id = ANY($1::bigint[]) AND status = 'dismantled'`, [[ids[0], ids[2]]]);
    await pool.query(`DELETE FROM deal_point_status_events WHERE deal_point_id = $1 AND status = 'reopened'`, [ids[0]]);
    await pool.query(`INSERT INTO deal_point_status_events (deal_point_id, status, effective_on) VALUES ($1, 'dismantled', '2024-01-01'), ($2, 'reopened', '2020-01-01')`, [ids[1], ids[2]]);
    const after = await compare();
    expect(after.filter((r) => r.id === ids[2])).toEqual([
      { id: ids[2], active_from: '2019-02-01', active_until: '2019-08-11' }, { id: ids[2], active_from: '2020-01-01', active_until: null }]);
    // A statement on the events alone changes the tiles too (the data version follows it).
    const version = async () => (await pool.query('SELECT version FROM data_version')).rows[0].version;
    const v = await version();
    await pool.query(`UPDATE deal_point_status_events SET effective_on = effective_on + 1 WHERE deal_point_id = $1 AND status = 'dismantled'`, [ids[1]]);
    expect(Number(await version())).toBeGreaterThan(Number(v));
    // Once per transaction, however many statements: readers see the commit.
    const before = Number(await version());
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      for (let i = 0; i < 3; i += 1) await client.query(`UPDATE deal_point_status_events SET effective_on = effective_on + 1 WHERE deal_point_id = $1 AND status = 'dismantled'`, [ids[1]]);
      await client.query('COMMIT');
    } finally { client.release(); }
    expect(Number(await version())).toBe(before + 1);
    await pool.query(`UPDATE deal_point_status_events SET effective_on = effective_on + 1 WHERE deal_point_id = $1 AND status = 'dismantled'`, [ids[1]]);
    expect(Number(await version())).toBe(before + 2);
  });

  it('counts the same spans from the stored periods as from the events', async () => {
    const pool = context.database.pool;
    const params = ['2019-01-01', '2025-12-01', null, null, null, null, null, null, null, null, null, null, null];
    const rows = async (stored: boolean) => (await pool.query(spansQuery('size_class', { underWayVisibleIn: stored ? null : [] }), params)).rows
      .map((r) => `${r.point_id} ${r.key} ${r.first} ${r.last}`).sort();
    const fromEvents = await rows(false);
    expect(fromEvents.length).toBeGreaterThan(3);
    expect(await rows(true)).toEqual(fromEvents);
  });
});
