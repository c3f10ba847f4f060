/**
 * The analyses' national read of every point (issue 18): from the stored periods it gives exactly
 * what aggregating every status event per point gives, on the planted scenario and after writes
 * (a new point struck by an operation and reopened, a changed and a deleted event), on both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import { closeTestApp, openTestApp, targets, type TestContext } from '../helpers/databases.js';
import { loadPlantedScenario } from '../helpers/scenario-cache.js';
import { loadHistories, loadHistoriesFromEvents, loadStoredHistories } from '../../server/services/analyses.js';

describe.each(targets())('the analyses\' histories on the %s database', (target) => {
  let context: TestContext;
  beforeAll(async () => {
    context = await openTestApp(target);
    await loadPlantedScenario(context.database.pool);
  }, 300_000);
  afterAll(async () => closeTestApp(context));

  it('reads from the stored periods what every event gives, before and after writes', async () => {
    const db = context.database.pool;
    const fromEvents = await loadHistoriesFromEvents(db, null);
    expect(fromEvents.length).toBeGreaterThan(1000);
    expect(fromEvents.filter((p) => p.dismantledBy.length > 0).length).toBeGreaterThan(20);
    expect(await loadStoredHistories(db)).toEqual(fromEvents);
    expect(await loadHistories(db, null)).toEqual(fromEvents);

    const [lon, lat] = [5.5046, 43.6942];
    const { rows: [point] } = await db.query<{ id: string }>(`
      INSERT INTO deal_points (geom, h3_r7, h3_r8, h3_r9, products, source_code, external_id, dataset)
      SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, $4, $5, products, source_code, 'STORED-HISTORIES', 'synthetic'
      FROM deal_points LIMIT 1 RETURNING id`, [lon, lat, latLngToCell(lat, lon, 7), latLngToCell(lat, lon, 8), latLngToCell(lat, lon, 9)]);
    const { rows: [operation] } = await db.query<{ id: string }>('SELECT id FROM operations ORDER BY id LIMIT 1');
    try {
      await db.query(`INSERT INTO deal_point_status_events (deal_point_id, status, effective_on, operation_id) VALUES
        ($1, 'active', '2023-01-04', NULL), ($1, 'dismantled', '2023-03-09', $2), ($1, 'reopened', '2023-08-01', NULL), ($1, 'dismantled', '2024-02-02', $2)`, [point.id, operation.id]);
      await db.query(`UPDATE deal_point_status_events SET effective_on = '2023-07-15' WHERE deal_point_id = $1 AND status = 'reopened'`, [point.id]);
      await db.query(`DELETE FROM deal_point_status_events WHERE deal_point_id = $1 AND effective_on = '2024-02-02'`, [point.id]);
      const after = await loadHistoriesFromEvents(db, null);
      const mine = after.find((p) => p.id === Number(point.id))!;
      expect(mine.periods).toEqual([{ from: '2023-01-04', until: '2023-03-09' }, { from: '2023-07-15', until: null }]);
      expect(mine.dismantledBy).toEqual([{ operationId: Number(operation.id), on: '2023-03-09' }]);
      expect(await loadStoredHistories(db)).toEqual(after);
    } finally {
      await db.query('DELETE FROM deal_point_status_events WHERE deal_point_id = $1', [point.id]);
      await db.query('DELETE FROM deal_points WHERE id = $1', [point.id]);
    }
  });
});
