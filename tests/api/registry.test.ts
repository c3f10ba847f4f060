import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { dealPointBody, send, type TestSession } from '../helpers/requests.js';
import { readScenarioGeography } from '../../server/services/scenario.js';
import { generateScenario, type Scenario } from '../../server/domain/scenario/generate.js';
import { serializeScenario, type ScenarioFiles } from '../../server/domain/scenario/serialize.js';
import { importFile } from '../../server/services/imports.js';

// The registry variant of the demo scenario in its two densest departments: 15 % of the points
// reported a second time by another service, 5-60 m away.
const departments = ['93', '13'];
let scenario: Scenario;
let files: ScenarioFiles;
beforeAll(() => {
  const geography = readScenarioGeography();
  const full = generateScenario({ seed: 20190101, variant: 'planted', communes: geography.communes, trafficking: geography.trafficking, duplicates: { share: 0.15 } });
  const points = full.points.filter((p) => departments.includes(p.department));
  const kept = new Set(points.map((p) => `${p.source}|${p.externalId}`));
  scenario = {
    ...full, points,
    observations: full.observations.filter((o) => kept.has(`${o.pointSource}|${o.pointExternalId}`)),
    duplicates: full.duplicates!.filter((d) => kept.has(`${d.original.source}|${d.original.externalId}`)),
  };
  files = serializeScenario(scenario);
});

const pairKey = (a: string, b: string) => [a, b].sort().join(' ');
const csvHeader = 'external_id;source;lat;lon;status_history;products;network_external_id;network_source;dataset';

describe.each(targets())('duplicates across sources on the %s database', (target) => {
  let context: TestContext;
  let importReport: Awaited<ReturnType<typeof importFile>>;
  let analyst84: TestSession;
  let deputy: TestSession;
  const idOf = async (source: string, externalId: string): Promise<number | undefined> => {
    const { rows } = await context.database.pool.query('SELECT deal_point_id FROM deal_point_identifiers WHERE source_code = $1 AND external_id = $2', [source, externalId]);
    return rows[0] ? Number(rows[0].deal_point_id) : undefined;
  };
  const counts = async (id: number) => {
    const { rows: [c] } = await context.database.pool.query(
      `SELECT (SELECT count(*)::int FROM deal_point_status_events WHERE deal_point_id = $1) AS events,
              (SELECT count(*)::int FROM deal_point_observations WHERE deal_point_id = $1) AS observations,
              (SELECT array_agg(source_code || ':' || external_id ORDER BY source_code, external_id) FROM deal_point_identifiers WHERE deal_point_id = $1) AS identifiers,
              (SELECT products FROM deal_points WHERE id = $1) AS products`, [id]);
    return c;
  };
  const rowOf = (externalId: string) => files['deal-points.csv'].split('\n').find((line) => line.startsWith(`${externalId};`))!;

  beforeAll(async () => {
    context = await openTestApp(target);
    // Networks and operations first, then the points through the importer, to read its report.
    await context.database.pool.query(
      `INSERT INTO networks (name, source_code, external_id, dataset) SELECT name, 'police_nationale', external_id, 'synthetic' FROM unnest($1::text[], $2::text[]) AS t(name, external_id)`,
      [scenario.networks.map((n) => n.name), scenario.networks.map((n) => n.externalId)]);
    await importFile(context.database.pool, files['operations.geojson'], { kind: 'operations' });
    importReport = await importFile(context.database.pool, files['deal-points.csv'], { kind: 'deal-points' });
    await importFile(context.database.pool, files['observations.csv'], { kind: 'observations' });
    analyst84 = await signInAs(context, 'departmental_analyst', ['84']);
    deputy = await signInAs(context, 'deputy');
  }, 300_000);
  afterAll(async () => closeTestApp(context));

  it('proposes the planted duplicates with recall >= 0.95 and precision >= 0.9, and the import reported them', async () => {
    const started = performance.now();
    const response = await send(context.app, 'GET', '/api/duplicates?limit=2000');
    const elapsed = performance.now() - started;
    expect(response.status).toBe(200);
    const proposed = new Set(response.body.items.map((p: any) => pairKey(`${p.a.source}:${p.a.external_id}`, `${p.b.source}:${p.b.external_id}`)));
    const planted = new Set(scenario.duplicates!.map((d) => pairKey(`${d.original.source}:${d.original.externalId}`, `${d.copy.source}:${d.copy.externalId}`)));
    const found = [...planted].filter((k) => proposed.has(k)).length;
    const recall = found / planted.size;
    const precision = found / proposed.size;
    console.log(`${target}: ${scenario.points.length} points, ${planted.size} planted duplicates, ${proposed.size} proposals, recall ${recall.toFixed(3)}, precision ${precision.toFixed(3)}, ${elapsed.toFixed(0)} ms`);
    expect(planted.size).toBeGreaterThan(100);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(precision).toBeGreaterThanOrEqual(0.9);
    // Every point was new in that import: it reported every proposal.
    expect(importReport.likely_duplicates!.count).toBe(proposed.size);
    expect(importReport.likely_duplicates!.pairs.length).toBe(Math.min(100, proposed.size));
    // Every proposal respects the rules it states.
    for (const p of response.body.items) {
      expect(p.distance_m).toBeLessThanOrEqual(75);
      expect(p.a.sources.some((s: string) => p.b.sources.includes(s))).toBe(false);
      expect(p.lifetime_overlap).toBeGreaterThanOrEqual(0.7);
    }
  });

  it('merges a pair keeping both identifiers and the union of histories; re-imports of either source match the merged point; undo restores both', async () => {
    const duplicate = scenario.duplicates!.find((d) => {
      const original = scenario.points.find((p) => p.externalId === d.original.externalId)!;
      return original.history.length >= 2;
    })!;
    const keptId = (await idOf(duplicate.original.source, duplicate.original.externalId))!;
    const absorbedId = (await idOf(duplicate.copy.source, duplicate.copy.externalId))!;
    const keptBefore = await counts(keptId);
    const absorbedBefore = await counts(absorbedId);
    const { rows: [{ n: pointsBefore }] } = await context.database.pool.query('SELECT count(*)::int AS n FROM deal_points');

    const pair = await send(context.app, 'GET', `/api/duplicates/pair?a=${keptId}&b=${absorbedId}`);
    expect(pair.status).toBe(200);
    expect(pair.body.a.history.length).toBe(keptBefore.events);
    expect(pair.body.b.identifiers).toEqual([{ source: duplicate.copy.source, external_id: duplicate.copy.externalId }]);

    const merged = await send(context.app, 'POST', '/api/duplicates/merge', { kept_id: keptId, absorbed_id: absorbedId });
    expect(merged.status).toBe(200);
    const after = await counts(keptId);
    expect(after.identifiers.sort()).toEqual([`${duplicate.original.source}:${duplicate.original.externalId}`, `${duplicate.copy.source}:${duplicate.copy.externalId}`].sort());
    // Union: every event day of either point, every observation of either source.
    const days = new Set([...scenario.points.find((p) => p.externalId === duplicate.original.externalId)!.history, ...scenario.points.find((p) => p.externalId === duplicate.copy.externalId)!.history].map((h) => h.on));
    expect(after.events).toBe(days.size);
    expect(after.observations).toBe(keptBefore.observations + absorbedBefore.observations);
    expect(await idOf(duplicate.copy.source, duplicate.copy.externalId)).toBe(keptId);
    const { rows: [{ n: pointsMerged }] } = await context.database.pool.query('SELECT count(*)::int AS n FROM deal_points');
    expect(pointsMerged).toBe(pointsBefore - 1);

    // Re-import each source's row: no new point, the merged point keeps the union.
    for (const externalId of [duplicate.copy.externalId, duplicate.original.externalId]) {
      const report = await send(context.app, 'POST', '/api/imports?kind=deal-points', `${csvHeader}\n${rowOf(externalId)}\n`, 'text/csv');
      expect(report.status).toBe(200);
      expect(report.body).toMatchObject({ rows: 1, inserted: 0, updated: 0, unchanged: 1 });
    }
    const observation = `deal_point_external_id;deal_point_source;source;observed_on;activity_level;estimated_daily_transactions\n${duplicate.copy.externalId};${duplicate.copy.source};${duplicate.copy.source};2025-12-30;2;60\n`;
    const observed = await send(context.app, 'POST', '/api/imports?kind=observations', observation, 'text/csv');
    expect(observed.body).toMatchObject({ inserted: 1 });
    expect((await counts(keptId)).observations).toBe(after.observations + 1);
    const { rows: [{ n: pointsReimported }] } = await context.database.pool.query('SELECT count(*)::int AS n FROM deal_points');
    expect(pointsReimported).toBe(pointsMerged);
    expect((await counts(keptId)).events).toBe(days.size);
    // A REST create may not take the absorbed key.
    const taken = await send(context.app, 'POST', '/api/deal-points', dealPointBody({ source: duplicate.copy.source, external_id: duplicate.copy.externalId, location: { type: 'Point', coordinates: [scenario.points[0].longitude, scenario.points[0].latitude] } }));
    expect(taken.status).toBe(409);

    const merges = await send(context.app, 'GET', '/api/duplicates/merges');
    expect(merges.body.items[0]).toMatchObject({ id: merged.body.merge_id, kept_id: keptId, absorbed_id: absorbedId, undoable: true });
    const undone = await send(context.app, 'POST', `/api/duplicates/merges/${merged.body.merge_id}/undo`);
    expect(undone.status).toBe(200);
    expect(await idOf(duplicate.copy.source, duplicate.copy.externalId)).toBe(absorbedId);
    const keptRestored = await counts(keptId);
    const absorbedRestored = await counts(absorbedId);
    expect(keptRestored).toEqual(keptBefore);
    expect(absorbedRestored.events).toBe(absorbedBefore.events);
    expect(absorbedRestored.identifiers).toEqual(absorbedBefore.identifiers);
    // The observation its source sent through the merged point after the merge goes back with it.
    expect(absorbedRestored.observations).toBe(absorbedBefore.observations + 1);
    expect((await send(context.app, 'POST', `/api/duplicates/merges/${merged.body.merge_id}/undo`)).status).toBe(409);
    const { rows: [{ n: pointsUndone }] } = await context.database.pool.query('SELECT count(*)::int AS n FROM deal_points');
    expect(pointsUndone).toBe(pointsBefore);
    // The journal has the merge and its undo, with what they touched.
    const { rows: journal } = await context.database.pool.query(`SELECT route, area FROM audit_log WHERE route LIKE '/api/duplicates/merge%' AND method = 'POST' ORDER BY id DESC LIMIT 2`);
    expect(journal.map((j) => j.area).join(' ')).toMatch(new RegExp(`merge=${merged.body.merge_id}`));
  });

  it('never proposes again a pair declared distinct', async () => {
    const before = await send(context.app, 'GET', '/api/duplicates?department=13&limit=2000');
    const first = before.body.items[0];
    expect((await send(context.app, 'POST', '/api/duplicates/distinct', { a: first.b.id, b: first.a.id })).status).toBe(200);
    const after = await send(context.app, 'GET', '/api/duplicates?department=13&limit=2000');
    expect(after.body.items.length).toBe(before.body.items.length - 1);
    expect(after.body.items.some((p: any) => p.a.id === first.a.id && p.b.id === first.b.id)).toBe(false);
  });

  it('rates each point by its independent sources and last confirmation, flags the unconfirmed, filters by sources', async () => {
    const duplicate = scenario.duplicates!.find((d) => d.original.externalId.startsWith('SYN-13-'))!;
    const keptId = (await idOf(duplicate.original.source, duplicate.original.externalId))!;
    const absorbedId = (await idOf(duplicate.copy.source, duplicate.copy.externalId))!;
    const single = await send(context.app, 'GET', '/api/registry/reliability?department=13&min_sources=1&limit=1000&as_of=2026-01-15');
    expect(single.status).toBe(200);
    expect(single.body.items.find((p: any) => p.id === keptId)).toMatchObject({ sources_count: 1 });
    expect((await send(context.app, 'POST', '/api/duplicates/merge', { kept_id: keptId, absorbed_id: absorbedId })).status).toBe(200);
    const two = await send(context.app, 'GET', '/api/registry/reliability?department=13&min_sources=2&limit=1000&as_of=2026-01-15');
    expect(two.body.items.map((p: any) => p.id)).toContain(keptId);
    expect(two.body.items.find((p: any) => p.id === keptId).sources).toEqual([duplicate.copy.source, duplicate.original.source].sort());
    expect(two.body.items.every((p: any) => p.sources_count >= 2)).toBe(true);
    expect(two.body.by_sources.find((b: any) => b.sources === 2).points).toBe(two.body.total);
    // Flagged: active and nothing observed or recorded for 6 months before the as-of date.
    const all = await send(context.app, 'GET', '/api/registry/reliability?department=13&limit=1000&as_of=2026-01-15');
    expect(all.body.total).toBeGreaterThan(400);
    for (const p of all.body.items) {
      const stale = p.last_confirmed_on === null || p.last_confirmed_on < '2025-07-15';
      expect(p.flagged).toBe(p.status !== 'dismantled' && stale);
    }
    const flagged = await send(context.app, 'GET', '/api/registry/reliability?department=13&flagged=true&limit=1000&as_of=2026-01-15');
    expect(flagged.body.total).toBe(all.body.items.filter((p: any) => p.flagged).length);
    const later = await send(context.app, 'GET', '/api/registry/reliability?department=13&flagged=true&limit=1000&as_of=2026-12-01&unconfirmed_months=3');
    expect(later.body.total).toBeGreaterThan(flagged.body.total);
    expect((await send(context.app, 'GET', '/api/registry/reliability?department=93', undefined, undefined, analyst84)).status).toBe(403);
    expect((await send(context.app, 'GET', '/api/registry/reliability?min_sources=0')).status).toBe(400);
  });

  it('keeps other departments and other roles out, and refuses bad input with the field named', async () => {
    const { rows: [point93] } = await context.database.pool.query(`SELECT d.id FROM deal_points d JOIN communes c ON c.insee = d.commune_insee WHERE c.department_code = '93' ORDER BY d.id LIMIT 1`);
    const { rows: [other93] } = await context.database.pool.query(`SELECT d.id FROM deal_points d JOIN communes c ON c.insee = d.commune_insee WHERE c.department_code = '93' ORDER BY d.id OFFSET 1 LIMIT 1`);
    expect((await send(context.app, 'GET', '/api/duplicates', undefined, undefined, analyst84)).body.items).toEqual([]);
    expect((await send(context.app, 'GET', '/api/duplicates?department=93', undefined, undefined, analyst84)).status).toBe(403);
    const foreign = await send(context.app, 'GET', `/api/duplicates/pair?a=${point93.id}&b=${other93.id}`, undefined, undefined, analyst84);
    const missing = await send(context.app, 'GET', `/api/duplicates/pair?a=999999999&b=${other93.id}`, undefined, undefined, analyst84);
    expect(foreign.status).toBe(404);
    expect(foreign.body.message.replace(/\d+/g, 'N')).toBe(missing.body.message.replace(/\d+/g, 'N'));
    expect((await send(context.app, 'POST', '/api/duplicates/merge', { kept_id: point93.id, absorbed_id: other93.id }, undefined, analyst84)).status).toBe(404);
    expect((await send(context.app, 'GET', '/api/duplicates', undefined, undefined, deputy)).status).toBe(403);
    expect((await send(context.app, 'GET', '/api/duplicates', undefined, undefined, null)).status).toBe(401);
    const same = await send(context.app, 'POST', '/api/duplicates/merge', { kept_id: point93.id, absorbed_id: point93.id });
    expect(same.status).toBe(422);
    expect(same.body.message).toMatch(/absorbed_id/);
    const { rows: [far13] } = await context.database.pool.query(`SELECT d.id FROM deal_points d JOIN communes c ON c.insee = d.commune_insee WHERE c.department_code = '13' ORDER BY d.id LIMIT 1`);
    const far = await send(context.app, 'POST', '/api/duplicates/merge', { kept_id: point93.id, absorbed_id: far13.id });
    expect(far.status).toBe(422);
    expect(far.body.message).toMatch(/within 500 m/);
    expect((await send(context.app, 'GET', '/api/duplicates?distance_m=5000')).status).toBe(400);
    expect((await send(context.app, 'GET', '/api/duplicates/pair?a=0x1f&b=2')).status).toBe(400);
  });
});
