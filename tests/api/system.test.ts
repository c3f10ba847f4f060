import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, latestMigration, openTestApp, targets, type TestContext } from '../helpers/databases.js';
import { dealPointBody, send } from '../helpers/requests.js';
import { migrate } from '../../server/database/migrations.js';
import { loadReferenceData } from '../../server/reference-data.js';

describe.each(targets())('system and schema on the %s database', (target) => {
  let context: TestContext;
  beforeAll(async () => { context = await openTestApp(target); });
  afterAll(async () => closeTestApp(context));

  it('reports mode, versions and migration level', async () => {
    const health = await send(context.app, 'GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.body.database.mode).toBe(target);
    expect(health.body.database.migration).toBe(latestMigration);
    expect(latestMigration).toMatch(/^\d{4}_/);
    expect(health.body.database.postgresql).toMatch(target === 'embedded' ? /^18\./ : /^1[5-9]/);
    expect(health.body.database.postgis).toMatch(/^3\.\d/);
    expect(health.body.map).toEqual({ basemap_url: null, basemap_pmtiles: null });
  });

  it('counts the deal points again after every change, not on every health check', async () => {
    const counts = async () => {
      const { real_deal_points, synthetic_deal_points } = (await send(context.app, 'GET', '/api/health')).body.data as { real_deal_points: number; synthetic_deal_points: number };
      return { real_deal_points, synthetic_deal_points };
    };
    const before = await counts();
    expect(await counts()).toEqual(before);
    const created = await send(context.app, 'POST', '/api/deal-points', dealPointBody({ dataset: 'real' }));
    expect(created.status).toBe(201);
    expect(await counts()).toEqual({ ...before, real_deal_points: before.real_deal_points + 1 });
    // A change made beside the API (an import from the command line, psql) raises the version too.
    await context.database.pool.query("UPDATE deal_points SET dataset = 'synthetic' WHERE id = $1", [created.body.id]);
    expect(await counts()).toEqual({ real_deal_points: before.real_deal_points, synthetic_deal_points: before.synthetic_deal_points + 1 });
    await context.database.pool.query('DELETE FROM deal_points WHERE id = $1', [created.body.id]);
    expect(await counts()).toEqual(before);
  });

  it('serves the OpenAPI document and its interactive page', async () => {
    const openapi = await send(context.app, 'GET', '/api/openapi.json');
    expect(openapi.body.openapi).toBe('3.1.0');
    for (const path of ['/api/deal-points', '/api/deal-points/{id}/status-changes', '/api/observations', '/api/operations', '/api/networks', '/api/imports', '/tiles/deal-points/{z}/{x}/{y}.mvt']) {
      expect(Object.keys(openapi.body.paths)).toContain(path);
    }
    expect(openapi.body.paths['/api/deal-points'].post.requestBody.content['application/json'].schema.required).toContain('location');
    const page = await context.app.inject({ url: '/api/docs' }); // public
    expect([200, 302]).toContain(page.statusCode);
  });

  it('re-runs migrations and reference loading as no-ops', async () => {
    expect(await migrate(context.database.pool)).toEqual([]);
    const results = await loadReferenceData(context.database.pool);
    expect(results.every((r) => r.skipped)).toBe(true);
    const { rows } = await context.database.pool.query(`SELECT count(*)::int AS communes, count(geom)::int AS with_polygon FROM communes WHERE kind = 'COM'`);
    expect(rows[0].communes).toBe(34875);
    expect(rows[0].with_polygon).toBeGreaterThan(34800);
  });

  it('classifies communes by size with Paris, Lyon and Marseille as whole cities', async () => {
    const { rows } = await context.database.pool.query(
      `SELECT insee, size_class FROM commune_size_classes WHERE insee IN ('75056', '75111', '69123', '13055', '13203', '84089', '84007', '84035', '04112', '05061') ORDER BY insee`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.insee, r.size_class]))).toEqual({
      '04112': 'ville_moyenne', // Manosque, 22,807 inhabitants
      '05061': 'ville_moyenne', // Gap, 40,656
      '13055': 'metropole', '13203': 'metropole', '69123': 'metropole', '75056': 'metropole', '75111': 'metropole',
      '84007': 'ville_moyenne', // Avignon, 91,760
      '84035': 'ville_moyenne', // Cavaillon
      '84089': 'ville_moyenne', // Pertuis, by the override table
    });
  });

  it('searches communes by name and INSEE code', async () => {
    const byName = await send(context.app, 'GET', '/api/communes?q=pertuis');
    expect(byName.body.items[0]).toMatchObject({ insee: '84089', name: 'Pertuis', size_class: 'ville_moyenne' });
    const byAccentlessName = await send(context.app, 'GET', '/api/communes?q=salon de pro');
    expect(byAccentlessName.body.items[0].insee).toBe('13103');
    const byCode = await send(context.app, 'GET', '/api/communes?q=93071');
    expect(byCode.body.items).toHaveLength(1);
    expect(byCode.body.items[0].name).toBe('Sevran');
    const commune = await send(context.app, 'GET', '/api/communes/84089');
    expect(commune.body.geometry.type).toBe('MultiPolygon');
    expect((await send(context.app, 'GET', '/api/communes/99999')).status).toBe(404);
    expect((await send(context.app, 'GET', '/api/departments')).body.items).toHaveLength(101);
  });

  it('lets the database itself refuse nonsense written around the API', async () => {
    const pool = context.database.pool;
    const refuse = async (sql: string, params: unknown[] = []) => {
      const error = await pool.query(sql, params).then(() => null, (e: { code: string }) => e);
      expect(error, sql).not.toBeNull();
      return error!.code;
    };
    const cells = ["'873968b26ffffff'", "'883968b26dfffff'", "'893968b26cbffff'"].join(', ');
    expect(await refuse(`INSERT INTO deal_points (geom, commune_insee, h3_r7, h3_r8, h3_r9, source_code) VALUES (ST_SetSRID(ST_MakePoint(13.4, 52.5), 4326), '84089', ${cells}, 'gendarmerie')`)).toBe('23514');
    expect(await refuse(`INSERT INTO deal_points (geom, commune_insee, h3_r7, h3_r8, h3_r9, source_code) VALUES (ST_SetSRID(ST_MakePoint(5.5345, 43.6931), 4326), '84089', ${cells}, 'armee')`)).toBe('23503');
    expect(await refuse(`INSERT INTO deal_points (geom, commune_insee, h3_r7, h3_r8, h3_r9, source_code, products) VALUES (ST_SetSRID(ST_MakePoint(5.5345, 43.6931), 4326), '84089', ${cells}, 'gendarmerie', '{lsd}')`)).toBe('23514');
    expect(await refuse(`INSERT INTO operations (name, kind, started_on, ended_on, target) VALUES ('x', 'place_nette', '2024-03-20', '2024-03-18', ST_Multi(ST_MakeEnvelope(5.3, 43.2, 5.4, 43.3, 4326)))`)).toBe('23514');
    expect(await refuse(`INSERT INTO operations (name, kind, started_on, target) VALUES ('x', 'raid', '2024-03-20', ST_Multi(ST_MakeEnvelope(5.3, 43.2, 5.4, 43.3, 4326)))`)).toBe('23514');
    const { rows } = await pool.query(`INSERT INTO deal_points (geom, commune_insee, h3_r7, h3_r8, h3_r9, source_code) VALUES (ST_SetSRID(ST_MakePoint(5.5345, 43.6931), 4326), '13055', ${cells}, 'gendarmerie') RETURNING id, commune_insee`);
    expect(rows[0].commune_insee).toBe('84089'); // derived by trigger, the input ignored
    expect(await refuse(`INSERT INTO deal_point_status_events (deal_point_id, status, effective_on) VALUES ($1, 'closed', '2024-01-01')`, [rows[0].id])).toBe('23514');
    expect(await refuse(`UPDATE size_classes SET max_population = 150000 WHERE code = 'ville_moyenne'`)).toBe('23P01');
  });
});
