/**
 * The prefect's desk through HTTP on both databases, on the planted demo scenario: Vaucluse's
 * communes ranked with their breakdown, weights that change the order, seeded Monte Carlo,
 * prefecture imports (all-or-nothing, versioned, idempotent), criterion 4 audited, saved rankings
 * immutable with their hash, compared and exported, action plans reviewed, schools nearby, scopes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { send, type TestSession } from '../helpers/requests.js';
import { loadPlantedScenario } from '../helpers/scenario-cache.js';

const at = '2025-12-31';
const pertuis = '84089';
const avignon = '84007';
const deskTables = 'action_plan_reviews, action_plan_sectors, action_plans, sector_rankings, prefecture_indicator_values, sector_areas, schools';

describe.each(targets())('the prefect\'s desk on the %s database', (target) => {
  let context: TestContext;
  let prefect: TestSession;
  let analyst84: TestSession;
  let analyst13: TestSession;
  let deputy: TestSession;
  const rank = (body: Record<string, unknown>, as: TestSession | null = prefect) => send(context.app, 'POST', '/api/sectors/ranking', { department: '84', at, monte_carlo: { draws: 200 }, ...body }, undefined, as);
  const csv = (url: string, text: string, as: TestSession = prefect) => send(context.app, 'POST', url, text, 'text/csv', as);
  const count = async (table: string) => (await context.database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;

  beforeAll(async () => {
    context = await openTestApp(target);
    await context.database.pool.query(`TRUNCATE ${deskTables} RESTART IDENTITY CASCADE`);
    await loadPlantedScenario(context.database.pool);
    prefect = await signInAs(context, 'prefect', ['84']);
    analyst84 = await signInAs(context, 'departmental_analyst', ['84']);
    analyst13 = await signInAs(context, 'departmental_analyst', ['13']);
    deputy = await signInAs(context, 'deputy');
  }, 300_000);
  afterAll(async () => closeTestApp(context));

  it('ranks Vaucluse\'s communes with Pertuis and Avignon broken down, criterion 4 never computed', async () => {
    const response = await rank({});
    expect(response.status, JSON.stringify(response.body).slice(0, 300)).toBe(200);
    const { result, parameters, criteria } = response.body;
    expect(parameters.weights).toEqual({ 1: 1, 2: 1, 3: 0, 4: 0 });
    expect(criteria.find((c: { criterion: number }) => c.criterion === 4).has_data).toBe(false);
    expect(result.indicators.some((i: { criterion: number }) => i.criterion === 4)).toBe(false);
    const codes = result.ranked.map((s: { code: string }) => s.code);
    expect(codes).toContain(pertuis);
    expect(codes).toContain(avignon);
    for (const code of [pertuis, avignon]) {
      const sector = result.ranked.find((s: { code: string }) => s.code === code);
      expect(sector.indicators.find((i: { code: string }) => i.code === 'active_points').raw).toBeGreaterThan(0);
      const sum = sector.criteria.reduce((n: number, c: { contribution: number }) => n + c.contribution, 0);
      expect(sum).toBeCloseTo(sector.score, 5);
      expect(sector.monte_carlo.p5).toBeLessThanOrEqual(sector.monte_carlo.median);
      expect(sector.monte_carlo.median).toBeLessThanOrEqual(sector.monte_carlo.p95);
      for (const indicator of sector.indicators.filter((i: { criterion: number }) => i.criterion <= 2)) expect(indicator.normalised).toBeGreaterThanOrEqual(0);
    }
    // Ranks follow the scores; communes without an active point are listed apart, not ranked.
    for (let i = 1; i < result.ranked.length; i += 1) expect(result.ranked[i].score).toBeLessThanOrEqual(result.ranked[i - 1].score);
    expect(result.excluded.every((s: { reason: string }) => s.reason === 'inactive')).toBe(true);
    expect(result.ranked.length + result.excluded.length).toBe(await context.database.pool.query(`SELECT count(*)::int AS n FROM communes WHERE kind = 'COM' AND department_code = '84'`).then((r) => r.rows[0].n));
    // The department's shares sum to 1 over its communes.
    const shares = result.ranked.reduce((n: number, s: { indicators: { code: string; raw: number }[] }) => n + s.indicators.find((i) => i.code === 'department_share')!.raw, 0);
    expect(shares).toBeCloseTo(1, 6);
  });

  it('changes the order when a weight moves, and repeats the same Monte Carlo for the same seed', async () => {
    const order = async (weights: Record<string, number>) => (await rank({ weights })).body.result.ranked.map((s: { code: string }) => s.code).join(',');
    const entrenchment = await order({ 1: 1, 2: 0 });
    const concentration = await order({ 1: 0, 2: 1 });
    expect(entrenchment).not.toBe(concentration);
    const a = (await rank({ monte_carlo: { draws: 300, seed: 7 } })).body.result.ranked.map((s: { monte_carlo: unknown }) => s.monte_carlo);
    const b = (await rank({ monte_carlo: { draws: 300, seed: 7 } })).body.result.ranked.map((s: { monte_carlo: unknown }) => s.monte_carlo);
    expect(a).toEqual(b);
  });

  it('imports criterion-3 values all-or-nothing, versioned and idempotent', async () => {
    const url = '/api/sectors/indicator-imports?department=84&indicator=troubles_ordre_public&criterion=3';
    const bad = await csv(url, `code;valeur;source;date\n${pertuis};12;Préfecture;2025-06-30\n13055;4;Préfecture;2025-06-30\n${avignon};abc;Préfecture;2025-06-30\n`);
    expect(bad.status).toBe(422);
    expect(bad.body.details.map((d: { line: number; field: string }) => `${d.line}:${d.field}`)).toEqual(['4:valeur']);
    const outside = await csv(url, `code;valeur;source;date\n${pertuis};12;Préfecture;2025-06-30\n13055;4;Préfecture;2025-06-30\n`);
    expect(outside.status).toBe(422);
    expect(outside.body.details[0]).toMatchObject({ line: 3, field: 'code' });
    expect(await count('prefecture_indicator_values')).toBe(0);
    const text = `code;valeur;source;date\n${pertuis};12;Main courante préfecture;2025-06-30\n${avignon};30,5;Main courante préfecture;2025-06-30\n`;
    const first = await csv(url, text);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ rows: 2, inserted: 2, unchanged: 0 });
    expect((await csv(url, text)).body).toMatchObject({ rows: 2, inserted: 0, unchanged: 2 });
    const changed = await csv(url, text.replace('30,5', '31'));
    expect(changed.body).toMatchObject({ inserted: 1, unchanged: 1 });
    const history = (await send(context.app, 'GET', '/api/sectors/indicator-values?department=84', undefined, undefined, prefect)).body.items;
    expect(history.filter((h: { sector_code: string }) => h.sector_code === avignon).map((h: { version: number; value: number }) => [h.version, h.value])).toEqual([[2, 31], [1, 30.5]]);
    // Versions are records: the database refuses to change them.
    await expect(context.database.pool.query('UPDATE prefecture_indicator_values SET value = 0')).rejects.toThrow(/immutable/);
    // Criterion 3 now has data: sectors without a value are listed apart with what they lack.
    const ranked = (await rank({ weights: { 1: 1, 2: 1, 3: 1 } })).body.result;
    expect(ranked.ranked.map((s: { code: string }) => s.code).sort()).toEqual([avignon, pertuis]);
    const missing = ranked.excluded.find((s: { reason: string }) => s.reason === 'missing');
    expect(missing.missing).toEqual(['troubles_ordre_public']);
  });

  it('takes criterion 4 only from the prefecture, with source and justification, audited', async () => {
    const entry = { department: '84', code: pertuis, value: 1, source: 'Rapport du sous-préfet d’Apt', observed_on: '2025-09-01', justification: 'Constat documenté du comité local de sécurité du 1er septembre 2025.' };
    const unjustified = await send(context.app, 'POST', '/api/sectors/criterion-4', { ...entry, justification: '' }, undefined, prefect);
    expect(unjustified.status).toBe(400);
    expect(unjustified.body.details[0].field).toContain('justification');
    const noJustificationColumn = await csv('/api/sectors/indicator-imports?department=84&indicator=critere_4&criterion=4', `code;valeur;source;date\n${avignon};1;Préfecture;2025-06-30\n`);
    expect(noJustificationColumn.status).toBe(422);
    expect(noJustificationColumn.body.details[0].field).toBe('justification');
    expect((await send(context.app, 'POST', '/api/sectors/criterion-4', entry, undefined, analyst84)).status).toBe(403);
    const saved = await send(context.app, 'POST', '/api/sectors/criterion-4', entry, undefined, prefect);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ inserted: 1, criterion: 4 });
    const { rows } = await context.database.pool.query(`SELECT username, action, area FROM audit_log WHERE route = '/api/sectors/criterion-4' AND status_code = 200 ORDER BY id DESC LIMIT 1`);
    expect(rows[0]).toMatchObject({ username: prefect.username, action: 'write' });
    expect(rows[0].area).toContain('criterion=4');
    expect(rows[0].area).toContain('Constat documenté');
    const result = (await rank({ weights: { 1: 1, 2: 1, 3: 1, 4: 1 } })).body.result;
    expect(result.ranked.map((s: { code: string }) => s.code)).toEqual([pertuis]);
    expect(result.excluded.find((s: { code: string }) => s.code === avignon).missing).toEqual(['critere_4']);
    expect(result.supplied[pertuis].critere_4).toMatchObject({ source: entry.source, justification: entry.justification });
  });

  let first: { id: number; sha256: string };
  let second: { id: number };
  it('saves rankings as immutable hashed records, compares and exports them', async () => {
    const a = await send(context.app, 'POST', '/api/sectors/rankings', { title: 'Classement décembre 2025', parameters: { department: '84', at, monte_carlo: { draws: 100 } } }, undefined, prefect);
    expect(a.status, JSON.stringify(a.body).slice(0, 300)).toBe(201);
    expect(a.body.sha256).toMatch(/^[0-9a-f]{64}$/);
    first = a.body;
    const b = await send(context.app, 'POST', '/api/sectors/rankings', { title: 'Concentration', parameters: { department: '84', at, weights: { 1: 0, 2: 1 }, monte_carlo: { draws: 100 } } }, undefined, prefect);
    second = b.body;
    const read = await send(context.app, 'GET', `/api/sectors/rankings/${first.id}`, undefined, undefined, analyst84);
    expect(read.body).toMatchObject({ sha256: first.sha256, hash_verified: true, title: 'Classement décembre 2025' });
    await expect(context.database.pool.query('UPDATE sector_rankings SET title = $1', ['x'])).rejects.toThrow(/immutable/);
    await expect(context.database.pool.query('DELETE FROM sector_rankings')).rejects.toThrow(/immutable/);
    const compared = await send(context.app, 'GET', `/api/sectors/rankings/${first.id}/compare/${second.id}`, undefined, undefined, prefect);
    expect(compared.status).toBe(200);
    const row = compared.body.sectors.find((s: { code: string }) => s.code === pertuis);
    expect(row.rank_a).toBe(read.body.result.ranked.find((s: { code: string }) => s.code === pertuis).rank);
    expect(row.change).toBe(row.rank_a - row.rank_b);
    const exported = await context.app.inject({ method: 'GET', url: `/api/sectors/rankings/${first.id}/export.csv`, headers: { cookie: prefect.cookie } });
    expect(exported.statusCode).toBe(200);
    expect(exported.body.startsWith('\ufeffrang;code_insee;nom;score')).toBe(true);
    expect(exported.body).toContain(`;${pertuis};Pertuis;`);
    // The stamped PDF: the same bytes twice, and its text holds the department, Pertuis and the hash.
    const pdf = async () => (await context.app.inject({ method: 'GET', url: `/api/sectors/rankings/${first.id}/export.pdf`, headers: { cookie: prefect.cookie } })).rawPayload;
    const [pdfA, pdfB] = [await pdf(), await pdf()];
    expect(pdfA.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfA.equals(pdfB)).toBe(true);
    if (existsSync('/usr/bin/pdftotext')) {
      const folder = mkdtempSync(join(tmpdir(), 'sillage-ranking-'));
      writeFileSync(join(folder, 'r.pdf'), pdfA);
      const text = execFileSync('pdftotext', ['-layout', join(folder, 'r.pdf'), '-'], { encoding: 'utf8' });
      expect(text).toContain('département 84');
      expect(text).toContain('Pertuis');
      expect(text).toContain(first.sha256);
    }
    const { rows } = await context.database.pool.query(`SELECT action FROM audit_log WHERE route LIKE '/api/sectors/rankings%' AND status_code < 300 ORDER BY id`);
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['write', 'export']));
    // Another department's ranking is unknown; deputies have nothing.
    expect((await send(context.app, 'GET', `/api/sectors/rankings/${first.id}`, undefined, undefined, analyst13)).status).toBe(404);
    expect((await send(context.app, 'GET', '/api/sectors/rankings/999999', undefined, undefined, analyst13)).body).toEqual((await send(context.app, 'GET', `/api/sectors/rankings/${first.id}`, undefined, undefined, analyst13)).body.error ? expect.objectContaining({ error: 'not_found' }) : {});
    expect((await send(context.app, 'GET', `/api/sectors/rankings/${first.id}`, undefined, undefined, deputy)).status).toBe(403);
    expect((await rank({ department: '13' })).status).toBe(403);
    expect((await send(context.app, 'POST', '/api/sectors/rankings', { title: 'x', parameters: { department: '84' } }, undefined, analyst84)).status).toBe(403);
  });

  it('creates an action plan from a saved ranking and reviews a semester, with schools nearby', async () => {
    const schools = `uai;nom;longitude;latitude\n0840001A;Collège Marie-Mauron;5.5010;43.6950\n0840002B;Lycée Val de Durance;5.4990;43.6890\n0840003C;École lointaine;4.8100;44.2000\n`;
    const imported = await csv('/api/schools/imports?department=84', schools);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body).toMatchObject({ inserted: 3 });
    expect((await csv('/api/schools/imports?department=84', schools)).body).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    expect((await csv('/api/schools/imports?department=84', 'uai;nom;longitude;latitude\n1300001A;Ailleurs;5.38;43.30\n')).status).toBe(422);
    const plan = await send(context.app, 'POST', '/api/action-plans', {
      ranking_id: first.id, title: 'Plan départemental 2026', first_semester: '2025-S2', school_radius_m: 800,
      sectors: [{ code: pertuis, objective: 'Reprendre les halls du centre ancien', targets: { active_points: 2, operations: 1 } }, { code: avignon, objective: 'Réduire les réouvertures', targets: { reopenings: 0 } }],
    }, undefined, prefect);
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    expect(plan.body.sectors.map((s: { sector_code: string }) => s.sector_code)).toEqual([pertuis, avignon]);
    const duplicate = await send(context.app, 'POST', '/api/action-plans', { ranking_id: first.id, title: 'x', first_semester: '2025-S2', sectors: [{ code: '99999', objective: 'x' }] }, undefined, prefect);
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.details[0].field).toBe('body.sectors.0.code');
    const review = await send(context.app, 'GET', `/api/action-plans/${plan.body.id}/review?semester=2025-S2`, undefined, undefined, prefect);
    expect(review.status, JSON.stringify(review.body)).toBe(200);
    const first_sector = review.body.sectors[0];
    const active = first_sector.indicators.find((i: { code: string }) => i.code === 'active_points');
    expect(active.measured).toBe((await rank({})).body.result.ranked.find((s: { code: string }) => s.code === pertuis).indicators.find((i: { code: string }) => i.code === 'active_points').raw);
    expect(active.status).toBe(active.measured <= 2 ? 'met' : 'not_met');
    expect(first_sector.indicators.find((i: { code: string }) => i.code === 'public_reports').status).toBe('no_target');
    expect(first_sector.schools.map((s: { uai: string }) => s.uai).sort()).toEqual(['0840001A', '0840002B']);
    const saved = await send(context.app, 'POST', `/api/action-plans/${plan.body.id}/reviews`, { semester: '2025-S2', note: 'Revue du comité du 15 janvier.' }, undefined, prefect);
    expect(saved.status).toBe(201);
    const reread = await send(context.app, 'GET', `/api/action-plans/${plan.body.id}`, undefined, undefined, analyst84);
    expect(reread.body.reviews[0]).toMatchObject({ semester: '2025-S2', note: 'Revue du comité du 15 janvier.' });
    expect((await send(context.app, 'GET', `/api/action-plans/${plan.body.id}`, undefined, undefined, analyst13)).status).toBe(404);
  });

  it('ranks drawn areas and H3 cells, and refuses bad input naming the field', async () => {
    const square = (w: number, s: number, d: number) => ({ type: 'Polygon', coordinates: [[[w, s], [w + d, s], [w + d, s + d], [w, s + d], [w, s]]] });
    const areas = await send(context.app, 'POST', '/api/sectors/areas?department=84', { type: 'FeatureCollection', features: [
      { type: 'Feature', geometry: square(5.48, 43.66, 0.08), properties: { code: 'pertuis-centre', name: 'Pertuis centre' } },
      { type: 'Feature', geometry: square(4.78, 43.92, 0.06), properties: { code: 'avignon-sud', name: 'Avignon sud' } },
    ] }, undefined, prefect);
    expect(areas.status, JSON.stringify(areas.body)).toBe(200);
    const byArea = (await rank({ kind: 'area', min_active_points: 0 })).body.result;
    expect(byArea.ranked.map((s: { code: string }) => s.code).sort()).toEqual(['avignon-sud', 'pertuis-centre']);
    const byCell = (await rank({ kind: 'h3' })).body.result;
    expect(byCell.ranked.length).toBeGreaterThan(3);
    expect(byCell.ranked[0].code).toMatch(/^87[0-9a-f]{13}$/);
    const outside = await send(context.app, 'POST', '/api/sectors/areas?department=84', { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: square(5.3, 43.25, 0.05), properties: { code: 'marseille', name: 'Ailleurs' } }] }, undefined, prefect);
    expect(outside.status).toBe(400);
    expect(outside.body.details[0].field).toBe('body.features.0.geometry');
    const zero = await rank({ weights: { 1: 0, 2: 0, 3: 0, 4: 0 } });
    expect(zero.status).toBe(400);
    expect(zero.body.details[0].field).toBe('body.weights');
    const unknown = await rank({ thresholds: { nothing: { minimum: 1 } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details[0].field).toBe('body.thresholds.nothing');
    const negative = await rank({ weights: { 1: -1 } });
    expect(negative.status).toBe(400);
    expect(JSON.stringify(negative.body)).not.toMatch(/postgres|pg_|constraint/i);
  });
});
