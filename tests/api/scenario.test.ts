import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, targets, type TestContext } from '../helpers/databases.js';
import { send } from '../helpers/requests.js';
import { buildScenarioFiles, loadScenario } from '../../server/services/scenario.js';
import type { ScenarioFiles } from '../../server/domain/scenario/serialize.js';
import { activeCounts, readPoints } from '../helpers/scenario-counts.js';

let files: ScenarioFiles;
beforeAll(() => { files = buildScenarioFiles(20190101, 'planted'); });

describe.each(targets())('the demo scenario loaded into the %s database', (target) => {
  let context: TestContext;
  let loadSeconds = 0;
  beforeAll(async () => {
    context = await openTestApp(target);
    const started = performance.now();
    await loadScenario(context.database.pool, files);
    loadSeconds = (performance.now() - started) / 1000;
  }, 300_000);
  afterAll(async () => closeTestApp(context));

  it('stores every point, all synthetic, each in a commune derived by the database', async () => {
    const points = readPoints(files['deal-points.csv']);
    const { rows: [counts] } = await context.database.pool.query(
      `SELECT count(*)::int AS points, count(*) FILTER (WHERE dataset = 'synthetic')::int AS synthetic,
              count(*) FILTER (WHERE c.department_code = split_part(d.external_id, '-', 2))::int AS in_department
       FROM deal_points d JOIN communes c ON c.insee = d.commune_insee`,
    );
    expect(counts).toEqual({ points: points.length, synthetic: points.length, in_department: points.length });
    const health = await send(context.app, 'GET', '/api/health');
    expect(health.body.data).toEqual({ real_deal_points: 0, synthetic_deal_points: points.length, synthetic: true });
    console.log(`${target}: scenario loaded in ${loadSeconds.toFixed(1)} s`);
  });

  it('gives the same active counts in the database as in the files', async () => {
    const points = readPoints(files['deal-points.csv']);
    for (const date of ['2020-12-20', '2022-10-15', '2024-06-30']) {
      const { rows } = await context.database.pool.query(
        `SELECT c.department_code, count(*)::int AS n FROM deal_point_active_periods p
         JOIN deal_points d ON d.id = p.deal_point_id JOIN communes c ON c.insee = d.commune_insee
         WHERE p.active_from <= $1 AND (p.active_until IS NULL OR p.active_until > $1) GROUP BY c.department_code`, [date],
      );
      const fromFiles = activeCounts(points, date);
      expect(rows.reduce((sum, r) => sum + r.n, 0)).toBe(fromFiles.total);
      expect(rows.find((r) => r.department_code === '93')?.n).toBe(fromFiles.byDepartment.get('93'));
    }
    const seineSaintDenis = await send(context.app, 'GET', '/api/deal-points?department=93&at=2020-12-20&status=active&status=reopened&limit=1000');
    expect(seineSaintDenis.body.features).toHaveLength(activeCounts(points, '2020-12-20').byDepartment.get('93')!);
  });

  it('links dismantled points to the operations, and never loads the ground truth', async () => {
    const truth = JSON.parse(files['ground-truth.json']);
    const { rows: [linked] } = await context.database.pool.query(`SELECT count(*)::int AS n FROM deal_point_status_events WHERE operation_id IS NOT NULL`);
    expect(linked.n).toBe(truth.operations.reduce((sum: number, o: { dismantled: string[] }) => sum + o.dismantled.length, 0));
    const { rows: tables } = await context.database.pool.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND (table_name ILIKE '%truth%' OR table_name ILIKE '%planted%')`);
    expect(tables).toEqual([]);
    const operations = await send(context.app, 'GET', '/api/operations?dataset=synthetic');
    expect(operations.body.features).toHaveLength(9);
  });

  it('re-loads idempotently', async () => {
    const before = await context.database.pool.query('SELECT count(*)::int AS n, sum(version)::int AS v FROM deal_points');
    await loadScenario(context.database.pool, files);
    const after = await context.database.pool.query('SELECT count(*)::int AS n, sum(version)::int AS v FROM deal_points');
    expect(after.rows[0]).toEqual(before.rows[0]);
  });
});
