/**
 * The pre-aggregated monthly changes (migration 0024, issue 18): kept by triggers equal to what
 * every stored history gives (the view history_month_changes_expected) through every kind of
 * write, and the cube and series read from them equal the counts from every span, on both
 * databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import { closeTestApp, openTestApp, targets, type TestContext } from '../helpers/databases.js';
import { loadPlantedScenario } from '../helpers/scenario-cache.js';
import { cellMonthCube, fetchSpans, monthlySeries, readFromStoredChanges, type SeriesFilter, type SeriesKey } from '../../server/services/time-series.js';
import { monthIndex, monthlyCounts } from '../../server/domain/months.js';

describe.each(targets())('pre-aggregated monthly changes on the %s database', (target) => {
  let context: TestContext;
  beforeAll(async () => {
    context = await openTestApp(target);
    await loadPlantedScenario(context.database.pool);
  }, 300_000);
  afterAll(async () => closeTestApp(context));

  /** Rows of the table missing from what the histories give, and the other way round. */
  async function differences(): Promise<{ extra: number; missing: number; rows: number }> {
    const { rows: [r] } = await context.database.pool.query<{ extra: number; missing: number; rows: number }>(`
      SELECT (SELECT count(*) FROM (SELECT * FROM history_month_changes EXCEPT ALL SELECT * FROM history_month_changes_expected) x)::int AS extra,
             (SELECT count(*) FROM (SELECT * FROM history_month_changes_expected EXCEPT ALL SELECT * FROM history_month_changes) x)::int AS missing,
             (SELECT count(*) FROM history_month_changes)::int AS rows`);
    return r;
  }

  it('holds, after the scenario, exactly what every stored history gives', async () => {
    const d = await differences();
    expect(d.rows).toBeGreaterThan(1000);
    expect(d).toMatchObject({ extra: 0, missing: 0 });
  });

  it('follows every kind of write: new points and events, changed and deleted events, a moved point, another dataset, a deleted point', async () => {
    const db = context.database.pool;
    const [lon, lat] = [5.5046, 43.6942]; // Pertuis
    const cells = (la: number, lo: number) => [latLngToCell(la, lo, 7), latLngToCell(la, lo, 8), latLngToCell(la, lo, 9)];
    const { rows: made } = await db.query<{ id: string }>(`
      INSERT INTO deal_points (geom, h3_r7, h3_r8, h3_r9, products, source_code, external_id, dataset)
      SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, $4, $5, products, source_code, 'MONTH-CHANGES-' || g, 'synthetic'
      FROM (SELECT products, source_code FROM deal_points LIMIT 1) p CROSS JOIN generate_series(1, 3) g RETURNING id`, [lon, lat, ...cells(lat, lon)]);
    const ids = made.map((r) => r.id);
    try {
      // Two islands for the first (a return), one open for the second, one closed for the third.
      await db.query(`INSERT INTO deal_point_status_events (deal_point_id, status, effective_on) VALUES
        ($1, 'active', '2023-02-10'), ($1, 'dismantled', '2023-05-03'), ($1, 'reopened', '2023-11-20'),
        ($2, 'active', '2024-01-05'), ($3, 'active', '2022-06-01'), ($3, 'dismantled', '2022-06-20')`, ids);
      expect(await differences()).toMatchObject({ extra: 0, missing: 0 });
      await db.query(`UPDATE deal_point_status_events SET effective_on = '2023-09-01' WHERE deal_point_id = $1 AND status = 'reopened'`, [ids[0]]);
      expect(await differences()).toMatchObject({ extra: 0, missing: 0 });
      await db.query(`DELETE FROM deal_point_status_events WHERE deal_point_id = $1 AND status = 'dismantled'`, [ids[2]]);
      expect(await differences()).toMatchObject({ extra: 0, missing: 0 });
      // Moved to Cavaillon (another commune and other cells), then given the other dataset.
      const [lon2, lat2] = [5.0381, 43.8375];
      await db.query(`UPDATE deal_points SET geom = ST_SetSRID(ST_MakePoint($2, $3), 4326), h3_r7 = $4, h3_r8 = $5, h3_r9 = $6, commune_insee = NULL WHERE id = $1`,
        [ids[1], lon2, lat2, ...cells(lat2, lon2)]);
      const { rows: [moved] } = await db.query<{ commune_insee: string; h3_r8: string }>('SELECT commune_insee, h3_r8 FROM deal_point_histories WHERE deal_point_id = $1', [ids[1]]);
      expect(moved).toEqual({ commune_insee: '84035', h3_r8: cells(lat2, lon2)[1] });
      expect(await differences()).toMatchObject({ extra: 0, missing: 0 });
      await db.query(`UPDATE deal_points SET dataset = 'real' WHERE id = $1`, [ids[0]]);
      expect(await differences()).toMatchObject({ extra: 0, missing: 0 });
      // An update that changes nothing counted leaves the table alone (and still equal).
      await db.query(`UPDATE deal_points SET products = products WHERE id = ANY($1::bigint[])`, [ids]);
      expect(await differences()).toMatchObject({ extra: 0, missing: 0 });
    } finally {
      await db.query('DELETE FROM deal_point_status_events WHERE deal_point_id = ANY($1::bigint[])', [ids]);
      await db.query('DELETE FROM deal_points WHERE id = ANY($1::bigint[])', [ids]);
    }
    expect(await differences()).toMatchObject({ extra: 0, missing: 0 });
    // A deleted point with events takes its changes back (histories deleted by the cascade).
    const { rows: [victim] } = await db.query<{ id: string }>('SELECT deal_point_id AS id FROM deal_point_histories WHERE cardinality(month_first) > 0 ORDER BY deal_point_id DESC LIMIT 1');
    const before = await differences();
    await db.query('BEGIN');
    try {
      await db.query('DELETE FROM deal_point_observations WHERE deal_point_id = $1', [victim.id]);
      await db.query('DELETE FROM deal_point_status_events WHERE deal_point_id = $1', [victim.id]);
      await db.query('DELETE FROM deal_points WHERE id = $1', [victim.id]);
      expect(await differences()).toMatchObject({ extra: 0, missing: 0 });
    } finally {
      await db.query('ROLLBACK');
    }
    expect(await differences()).toEqual(before);
  });

  it('gives the same cube and series as every span for the filters it keeps', async () => {
    const db = context.database.pool;
    const base: SeriesFilter = { from: monthIndex('2019-01'), to: monthIndex('2025-12'), bbox: null, departments: null, dataset: null, region: null, commune: null };
    const cases: [string, SeriesKey, SeriesFilter][] = [
      ['national r8', 'h3_8', base],
      ['a window inside the history, by department', 'department', { ...base, from: monthIndex('2022-05'), to: monthIndex('2023-02') }],
      ['a window before any point', 'total', { ...base, from: monthIndex('2005-01'), to: monthIndex('2005-06') }],
      ['a window after the history', 'h3_7', { ...base, from: monthIndex('2030-01'), to: monthIndex('2030-03') }],
      ['a region, by commune', 'commune', { ...base, region: '93' }],
      ['by region, synthetic data', 'region', { ...base, dataset: 'synthetic' }],
      ['two departments, by size class', 'size_class', { ...base, departments: ['13', '84'] }],
      ['one commune (Pertuis)', 'total', { ...base, commune: '84089' }],
      ['a list of communes', 'h3_7', { ...base, communes: ['13201', '13203', '84089'] }],
    ];
    for (const [label, key, filter] of cases) {
      expect(readFromStoredChanges(key, filter), label).toBe(true);
      const expected = monthlyCounts(await fetchSpans(db, key, filter), filter.from, filter.to);
      const got = key.startsWith('h3') ? (await cellMonthCube(db, key === 'h3_8' ? 8 : 7, filter)).cells : (await monthlySeries(db, key, filter)).series;
      expect(new Map([...got].sort()), label).toEqual(new Map([...expected].sort()));
    }
    // Not for a box, an operation, a number of sources, resolution 9 or readers whose counts hide operations under way.
    expect(readFromStoredChanges('h3_7', { ...base, bbox: [5, 43, 6, 44] })).toBe(false);
    expect(readFromStoredChanges('h3_7', { ...base, operation: 1 })).toBe(false);
    expect(readFromStoredChanges('h3_7', { ...base, minimumSources: 2 })).toBe(false);
    expect(readFromStoredChanges('h3_9', base)).toBe(false);
    expect(readFromStoredChanges('h3_7', { ...base, underWayVisibleIn: ['13'] })).toBe(false);
  });
});
