/**
 * The test suite's scenario cache (tests/helpers/scenario-cache.ts) gives back exactly what a fresh
 * load of the planted scenario writes: every cached table equal row for row (a digest over all its
 * columns), the identities continuing after the largest id, and the triggers working again after a
 * restore (a new status event updates the stored history).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, targets, type TestContext } from '../helpers/databases.js';
import { loadPlantedScenario, scenarioTables } from '../helpers/scenario-cache.js';

async function digests(context: TestContext): Promise<Record<string, { rows: number; digest: string }>> {
  const result: Record<string, { rows: number; digest: string }> = {};
  for (const table of scenarioTables) {
    // Import runs carry their own timestamps and elapsed times: compared on what the load decided.
    const row = table === 'import_runs' ? `t.kind || '|' || t.format || '|' || t.outcome || '|' || t.rows || '|' || t.inserted` : 't::text';
    const { rows: [d] } = await context.database.pool.query<{ rows: number; digest: string }>(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(${row}, E'\\n' ORDER BY ${row}), '')) AS digest FROM public.${table} t`);
    result[table] = d;
  }
  return result;
}

describe.each(targets())('the scenario cache on the %s database', (target) => {
  let context: TestContext;
  beforeAll(async () => { context = await openTestApp(target); }, 120_000);
  afterAll(() => closeTestApp(context));

  it('restores what a fresh load writes, table by table, and the triggers work again', async () => {
    // Made fresh here (the schema dropped), then restored.
    await context.database.pool.query('DROP SCHEMA IF EXISTS test_scenario_cache_20190101 CASCADE');
    const started = performance.now();
    expect(await loadPlantedScenario(context.database.pool)).toEqual({ cached: false });
    const loadedMs = performance.now() - started;
    const fresh = await digests(context);
    expect(fresh.deal_points.rows).toBeGreaterThan(1000);
    expect(fresh.deal_point_histories.rows).toBe(fresh.deal_points.rows - (await context.database.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM deal_points d WHERE NOT EXISTS (SELECT 1 FROM deal_point_status_events e WHERE e.deal_point_id = d.id)")).rows[0].n);
    // Something changed in between, as another test file would.
    await context.database.pool.query("DELETE FROM deal_point_observations WHERE id IN (SELECT id FROM deal_point_observations ORDER BY id LIMIT 10)");
    const restoring = performance.now();
    expect(await loadPlantedScenario(context.database.pool)).toEqual({ cached: true });
    console.log(`${target}: scenario loaded in ${Math.round(loadedMs)} ms, restored from the cache in ${Math.round(performance.now() - restoring)} ms`);
    expect(await digests(context)).toEqual(fresh);

    const { rows: [{ max }] } = await context.database.pool.query<{ max: string }>('SELECT max(id)::text AS max FROM deal_point_status_events');
    const { rows: [point] } = await context.database.pool.query<{ id: string; periods: string }>(
      "SELECT d.id::text AS id, h.event_on::text AS periods FROM deal_points d JOIN deal_point_histories h ON h.deal_point_id = d.id WHERE EXISTS (SELECT 1 FROM deal_point_status_events e WHERE e.deal_point_id = d.id AND e.status = 'active') ORDER BY d.id LIMIT 1");
    const { rows: [inserted] } = await context.database.pool.query<{ id: string }>(
      "INSERT INTO deal_point_status_events (deal_point_id, status, effective_on) VALUES ($1, 'dismantled', '2026-01-15') RETURNING id::text AS id", [point.id]);
    expect(BigInt(inserted.id)).toBe(BigInt(max) + 1n);
    const { rows: [after] } = await context.database.pool.query<{ periods: string }>('SELECT event_on::text AS periods FROM deal_point_histories WHERE deal_point_id = $1', [point.id]);
    expect(after.periods).not.toBe(point.periods);
  }, 300_000);
});
