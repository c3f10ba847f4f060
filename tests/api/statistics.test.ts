import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { closeTestApp, openTestApp, targets, type TestContext } from '../helpers/databases.js';
import { send } from '../helpers/requests.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe.each(targets())('SSMSI statistics on the %s database', (target) => {
  let context: TestContext;
  // The fixtures hold 2015, a year the shipped base (2016-2025) does not: the reference data stays intact.
  const cleanUp = async () => {
    await context.database.pool.query('DELETE FROM commune_crime_statistics');
    await context.database.pool.query('DELETE FROM department_crime_statistics WHERE year = 2015');
  };
  beforeAll(async () => {
    context = await openTestApp(target);
    await cleanUp();
  });
  afterAll(async () => { await cleanUp(); await closeTestApp(context); });

  it('ships the departmental base: 18 indicators, 2016-2025, 101 departments', async () => {
    const indicators = await send(context.app, 'GET', '/api/statistics/indicators');
    expect(indicators.body.items).toHaveLength(18);
    expect(indicators.body.items.find((i: { code: string }) => i.code === 'trafic_de_stupefiants')).toMatchObject({ unit: 'persons_implicated', unit_label: 'Mis en cause' });
    const { rows } = await context.database.pool.query('SELECT count(*)::int AS n, min(year) AS first, max(year) AS last, count(DISTINCT department_code)::int AS departments FROM department_crime_statistics');
    expect(rows[0]).toMatchObject({ first: 2016, last: 2025, departments: 101 });
  });

  it('gives the national 2024 totals: trafficking 52,542 and use 290,859 persons implicated', async () => {
    const trafficking = await send(context.app, 'GET', '/api/statistics/national?indicator=trafic_de_stupefiants&year=2024');
    expect(trafficking.body.items[0]).toMatchObject({ count: 52542, metropole: 50452, drom: 2090, unit: 'persons_implicated' });
    const use = await send(context.app, 'GET', '/api/statistics/national?indicator=usage_de_stupefiants&year=2024');
    expect(use.body.items[0].count).toBe(290859);
  });

  it('gives Vaucluse trafficking 534 (2019) -> 929 (2024) with rates per 1,000', async () => {
    const vaucluse = await send(context.app, 'GET', '/api/statistics/departments?indicator=trafic_de_stupefiants&department=84');
    const byYear = Object.fromEntries(vaucluse.body.items.map((r: { year: number; count: number }) => [r.year, r.count]));
    expect(byYear[2019]).toBe(534);
    expect(byYear[2024]).toBe(929);
    expect(vaucluse.body.items[0].rate_per_1000).toBeGreaterThan(0);
  });

  it('imports the official departmental format (semicolons, decimal commas, NA) idempotently', async () => {
    const report = await send(context.app, 'POST', '/api/statistics/imports?level=departments', fixture('ssmsi-departements-officiel.csv'), 'text/csv');
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ rows: 3, inserted: 3 });
    const vaucluse = await send(context.app, 'GET', '/api/statistics/departments?department=84&year=2015');
    expect(vaucluse.body.items.map((r: { indicator: string; count: number; rate_per_1000: number }) => [r.indicator, r.count, r.rate_per_1000]))
      .toEqual([['trafic_de_stupefiants', 929, 1.6361], ['usage_de_stupefiants', 1802, 3.1735]]);
    const corsica = await send(context.app, 'GET', '/api/statistics/departments?department=2A&year=2015');
    expect(corsica.body.items[0]).toMatchObject({ count: null, rate_per_1000: null });
    const again = await send(context.app, 'POST', '/api/statistics/imports?level=departments', fixture('ssmsi-departements-officiel.csv'), 'text/csv');
    expect(again.body).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
  });

  it('imports the communal base, keeping withheld cells unknown', async () => {
    const report = await send(context.app, 'POST', '/api/statistics/imports?level=communes', fixture('ssmsi-communes-officiel.csv'), 'text/csv');
    expect(report.body).toMatchObject({ level: 'communes', rows: 5, inserted: 5, withheld: 2 });
    const pertuis = await send(context.app, 'GET', '/api/statistics/communes?insee=84089&year=2024');
    const byIndicator = Object.fromEntries(pertuis.body.items.map((r: { indicator: string }) => [r.indicator, r]));
    expect(byIndicator.trafic_de_stupefiants).toMatchObject({ is_published: true, count: 41 });
    expect(byIndicator.cambriolages_de_logement).toMatchObject({ is_published: false, count: null, rate_per_1000: null });
    const beaumont = await send(context.app, 'GET', '/api/statistics/communes?insee=84014');
    expect(beaumont.body.items[0]).toMatchObject({ is_published: false, count: null });
    expect((await send(context.app, 'POST', '/api/statistics/imports?level=communes', fixture('ssmsi-communes-officiel.csv'), 'text/csv')).body.unchanged).toBe(5);
  });

  it('rejects a communal file with an unknown commune, storing nothing', async () => {
    const { rows: [before] } = await context.database.pool.query('SELECT count(*)::int AS n FROM commune_crime_statistics');
    const bad = fixture('ssmsi-communes-officiel.csv').replace('84035;2023', '99999;2023').replace('84014;2024', '84014;2022');
    const response = await send(context.app, 'POST', '/api/statistics/imports?level=communes', bad, 'text/csv');
    expect(response.status).toBe(422);
    expect(response.body.details).toEqual([{ line: 6, field: 'CODGEO_2025', reason: 'unknown commune 99999' }]);
    const { rows: [after] } = await context.database.pool.query('SELECT count(*)::int AS n FROM commune_crime_statistics');
    expect(after.n).toBe(before.n);
    expect((await send(context.app, 'POST', '/api/statistics/imports?level=towns', 'x', 'text/csv')).status).toBe(400);
  });
});
