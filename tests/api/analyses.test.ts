/**
 * The analyses through HTTP on both databases, on the planted scenario: Marseille XXL read as a
 * displacement with its planted destination towns, diffusion and no-effect operations read as
 * such, size-class shift, watchlist, emerging hot spots as a job with progress; bad parameters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { send, type TestSession } from '../helpers/requests.js';
import { buildScenarioFiles } from '../../server/services/scenario.js';
import { loadPlantedScenario } from '../helpers/scenario-cache.js';

const files = buildScenarioFiles(20190101, 'planted');
const truth = JSON.parse(files['ground-truth.json']).operations as { name: string; plantedEffect: string; destinationTowns: { insee: string; planted: number; trap: boolean }[]; targetCells: string[] }[];

describe.each(targets())('analyses on the %s database', (target) => {
  let context: TestContext;
  let analyst84: TestSession;
  const ids = new Map<string, number>();
  beforeAll(async () => {
    context = await openTestApp(target);
    await loadPlantedScenario(context.database.pool);
    analyst84 = await signInAs(context, 'departmental_analyst', ['84']);
    const { rows } = await context.database.pool.query<{ id: string; name: string }>('SELECT id, name FROM operations');
    for (const row of rows) ids.set(row.name, Number(row.id));
  }, 300_000);
  afterAll(async () => closeTestApp(context));

  const idOf = (fragment: string) => [...ids.entries()].find(([name]) => name.includes(fragment))![1];

  it('reads Marseille XXL as a displacement and finds its planted destination towns, as of the data vintage', async () => {
    const response = await send(context.app, 'GET', `/api/analyses/operations/${idOf('Marseille')}`);
    expect(response.status).toBe(200);
    const body = response.body;
    expect(body.reading).toBe('deplacement');
    expect(body.text).toContain('Pertuis');
    const planted = truth.find((t) => t.name.includes('Marseille'))!;
    // The target cells derived from the stored polygon are the planted ones.
    expect(body.effect.areas.features.filter((f: { properties: { role: string } }) => f.properties.role === 'target').map((f: { properties: { h3: string } }) => f.properties.h3).sort()).toEqual([...planted.targetCells].sort());
    const flagged = body.wake.destinations.filter((d: { flagged: boolean }) => d.flagged).map((d: { commune: string }) => d.commune);
    const detectable = planted.destinationTowns.filter((t) => t.planted >= 3);
    expect(detectable.filter((t) => flagged.includes(t.insee)).length).toBeGreaterThanOrEqual(3);
    // No trap town (1-2 points) passes the false-discovery-rate test.
    expect(planted.destinationTowns.filter((t) => t.trap && flagged.includes(t.insee))).toEqual([]);
    expect(body.effect.wdq.value).toBeLessThan(0);
    expect(body.effect.wdd.standard_error).toBeGreaterThan(0);
    expect(body.effect.direct.significant).toBe(true);
    expect(body.wake.arcs.features.length).toBe(flagged.length);
    expect(body.wake.midsize_share).toBeGreaterThan(0.5);
    // Every candidate town (5,000 inhabitants or more) within reach is tested, not only those that received points.
    expect(body.wake.parameters.min_population).toBe(5000);
    expect(body.wake.candidates).toBeGreaterThan(body.wake.destinations.filter((d: { linked: number; size_class: string }) => d.linked > 0 && d.size_class !== 'rural').length);
    expect(body.wake.candidates).toBeGreaterThan(40);
    // As of the last recorded status change, never today's date: the same request later gives the same answer.
    const { rows } = await context.database.pool.query('SELECT max(effective_on)::text AS last FROM deal_point_status_events');
    expect(body.as_of).toBe(rows[0].last);
    const again = (await send(context.app, 'GET', `/api/analyses/operations/${idOf('Marseille')}`)).body;
    expect(again).toEqual(body);
    const earlier = (await send(context.app, 'GET', `/api/analyses/operations/${idOf('Marseille')}?as_of=2024-06-30`)).body;
    expect(earlier.as_of).toBe('2024-06-30');
    expect(earlier.wake.partial_window).toBe(true);
  });

  it('warns when another operation\'s wake overlaps and reaches the flagged towns, naming it only to those who may see it', async () => {
    // Saint-Ouen (2023-09-25) and Sevran (2023-12-05), 14 km apart: Meaux lies nearer Sevran.
    const body = (await send(context.app, 'GET', `/api/analyses/operations/${idOf('Saint-Ouen')}`)).body;
    expect(body.reading).toBe('deplacement');
    const sevran = body.wake.overlapping_wakes.find((o: { label: string }) => o.label.includes('Sevran'));
    expect(sevran.started_on).toBe('2023-12-05');
    expect(sevran.distance_km).toBeGreaterThan(10); // between target cells: 14 km between the plans' centres
    expect(sevran.distance_km).toBeLessThan(20);
    expect(sevran.towns).toContain('Meaux');
    expect(body.text).toContain('Prudence : un autre sillage recouvre celui-ci, l’opération « Place nette Sevran');
    // Marseille XXL (2024-03-18) and Nîmes (2023-11-14): named while ended; under way outside the reader's department, not.
    const nimes = idOf('Nîmes');
    const analyst13 = await signInAs(context, 'departmental_analyst', ['13']);
    const ended = (await send(context.app, 'GET', `/api/analyses/operations/${idOf('Marseille')}`, undefined, undefined, analyst13)).body;
    expect(ended.wake.overlapping_wakes.map((o: { label: string }) => o.label)).toContain('l’opération « Place nette Nîmes (Pissevin) »');
    const pool = context.database.pool;
    const { rows: [before] } = await pool.query<{ ended_on: string }>('SELECT ended_on::text FROM operations WHERE id = $1', [nimes]);
    await pool.query('UPDATE operations SET ended_on = NULL WHERE id = $1', [nimes]);
    try {
      const underWay = (await send(context.app, 'GET', `/api/analyses/operations/${idOf('Marseille')}`, undefined, undefined, analyst13)).body;
      expect(underWay.wake.overlapping_wakes.map((o: { label: string }) => o.label)).toContain('une opération hors de votre périmètre');
      expect(JSON.stringify(underWay)).not.toContain('Pissevin'); // (Nîmes itself is a candidate town)
    } finally {
      await pool.query('UPDATE operations SET ended_on = $2 WHERE id = $1', [nimes, before.ended_on]);
    }
  });

  it('refuses the removed Knox permutations parameter, naming it', async () => {
    const response = await send(context.app, 'GET', `/api/analyses/operations/${idOf('Marseille')}?permutations=199`);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('permutations');
  });

  it('reads the no-effect operations as such', async () => {
    for (const t of truth.filter((o) => o.plantedEffect === 'no_effect')) {
      const body = (await send(context.app, 'GET', `/api/analyses/operations/${ids.get(t.name)}`)).body;
      expect(body.reading, `${t.name}: ${body.text}`).toBe('pas_d_effet');
    }
  });

  it('reads the diffusion operations as such', async () => {
    for (const t of truth.filter((o) => o.plantedEffect === 'diffusion')) {
      const body = (await send(context.app, 'GET', `/api/analyses/operations/${ids.get(t.name)}`)).body;
      expect(body.reading, `${t.name}: ${body.text}`).toBe('diffusion');
    }
  });

  it('measures the shift between size classes and lists the watch', async () => {
    const shift = (await send(context.app, 'GET', `/api/analyses/size-class-shift?operation=${idOf('Marseille')}`)).body;
    expect(shift.region_name).toContain('Provence');
    const midsize = shift.classes.find((c: { size_class: string }) => c.size_class === 'ville_moyenne');
    expect(midsize.excess_points).toBeGreaterThan(5);
    const watch = (await send(context.app, 'GET', '/api/analyses/watchlist?as_of=2024-09-30')).body;
    expect(watch.towns.map((t: { commune: string }) => t.commune)).toContain('84089');
    expect(watch.resurgences.length).toBeGreaterThan(0);
    // Departmental analysts see resurgences of their departments only.
    const scoped = (await send(context.app, 'GET', '/api/analyses/watchlist?as_of=2024-09-30', undefined, undefined, analyst84)).body;
    expect(scoped.resurgences.every((r: { commune: string }) => r.commune.startsWith('84'))).toBe(true);
    // ... and towns of their departments only.
    expect(scoped.towns.every((t: { department: string }) => t.department === '84')).toBe(true);
    expect(watch.towns.some((t: { department: string }) => t.department !== '84')).toBe(true);
  });

  it('names for each watched town the operation whose wake holds its appearances, with the count the operation page gives', async () => {
    const watch = (await send(context.app, 'GET', '/api/analyses/watchlist?as_of=2024-09-30')).body;
    expect(watch.parameters).toMatchObject({ wake_km: 100, lag_months: 6 });
    const viaWake = watch.towns.filter((t: { attribution: string }) => t.attribution === 'wake');
    expect(viaWake.length).toBeGreaterThan(0);
    expect(watch.towns.every((t: { attribution: string; linked_appearances: number }) => (t.attribution === 'wake') === (t.linked_appearances > 0))).toBe(true);
    // Pertuis, Cavaillon, Apt, Carpentras in Marseille XXL's wake; Vienne, Villefranche-sur-Saône in Lyon's.
    expect(viaWake.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['Pertuis', 'Cavaillon', 'Apt', 'Carpentras']));
    const wakes = new Map<number, { destinations: { commune: string; linked: number }[] }>();
    for (const town of viaWake as { commune: string; operation: number; linked_appearances: number }[]) {
      if (!wakes.has(town.operation)) wakes.set(town.operation, (await send(context.app, 'GET', `/api/analyses/operations/${town.operation}/wake`)).body);
      const shown = wakes.get(town.operation)!.destinations.find((d) => d.commune === town.commune);
      expect(shown?.linked, `${town.commune} in operation ${town.operation}'s wake`).toBe(town.linked_appearances);
    }
  });

  it('dates the watch by the day asked, capped at the last day with data (as the operation analyses), never by today', async () => {
    const { rows: [{ last }] } = await context.database.pool.query<{ last: string }>('SELECT max(effective_on)::text AS last FROM deal_point_status_events');
    const national = (await send(context.app, 'GET', '/api/analyses/watchlist')).body;
    expect([national.as_of, national.data_until]).toEqual([last, last]);
    // A later day reads the last day with data, and gives the same answer.
    const later = (await send(context.app, 'GET', '/api/analyses/watchlist?as_of=2030-01-31')).body;
    expect(later.as_of).toBe(last);
    expect(later.towns).toEqual(national.towns);
    const earlier = (await send(context.app, 'GET', '/api/analyses/watchlist?as_of=2024-09-30')).body;
    expect([earlier.as_of, earlier.data_until]).toEqual(['2024-09-30', last]);
    const scoped = (await send(context.app, 'GET', '/api/analyses/watchlist', undefined, undefined, analyst84)).body;
    expect(scoped.as_of <= last).toBe(true);
    expect(scoped.towns.every((t: { department: string }) => t.department === '84')).toBe(true);
  });

  it('runs emerging hot spots as a job with progress, readable by its owner only', async () => {
    const started = await send(context.app, 'POST', '/api/analyses/emerging-hot-spots', { resolution: 7, from: '2023-01', to: '2024-12', department: '13', permutations: 49 });
    expect(started.status).toBe(202);
    expect(started.body.total).toBe(24);
    let job = started.body;
    for (let i = 0; i < 200 && job.status === 'running'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await send(context.app, 'GET', started.body.poll)).body;
      expect(job.done).toBeLessThanOrEqual(24);
    }
    expect(job.status).toBe('done');
    expect(job.result.type).toBe('FeatureCollection');
    expect(Object.values(job.result.patterns as Record<string, number>).reduce((s, n) => s + n, 0)).toBe(job.result.cells);
    expect(job.result.features.every((f: { properties: { label: string } }) => f.properties.label.length > 0)).toBe(true);
    expect((await send(context.app, 'GET', started.body.poll, undefined, undefined, analyst84)).status).toBe(404);
  });

  it('refuses bad parameters and operations outside a departmental scope', async () => {
    const id = idOf('Marseille');
    const cases: [string, string, unknown, string][] = [
      ['GET', `/api/analyses/operations/${id}/wake?distance_km=0`, undefined, 'querystring.distance_km'],
      ['GET', `/api/analyses/operations/${id}/wake?permutations=5`, undefined, 'querystring.permutations'],
      ['GET', `/api/analyses/operations/${id}/effect?buffer_rings=50`, undefined, 'querystring.buffer_rings'],
      ['GET', '/api/analyses/size-class-shift', undefined, 'querystring.operation'],
      ['POST', '/api/analyses/emerging-hot-spots', { resolution: 7, from: '2024-01', to: '2024-03' }, 'body.to'],
      ['POST', '/api/analyses/emerging-hot-spots', { resolution: 9, from: '2023-01', to: '2024-03' }, 'body.resolution'],
    ];
    for (const [method, url, body, field] of cases) {
      const response = await send(context.app, method as 'GET', url, body);
      expect(response.status, url).toBe(400);
      expect(response.body.details.map((d: { field: string }) => d.field), url).toContain(field);
    }
    expect((await send(context.app, 'GET', '/api/analyses/operations/999999')).status).toBe(404);
    expect((await send(context.app, 'GET', `/api/analyses/operations/${id}`, undefined, undefined, analyst84)).status).toBe(404); // as unknown
  });
});
