/**
 * The wake of another department's operation, for a departmental analyst (issue 19): CROSS 84 is
 * refused Marseille XXL's analysis (a Bouches-du-Rhône operation), yet its destinations are
 * Vaucluse towns. It lists the ended operations elsewhere whose wake may reach Vaucluse and reads
 * each one's wake there: its towns in full, the same figures as the national analyst's; the
 * towns elsewhere only as totals; operations under way elsewhere stay unknown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { send, type TestSession } from '../helpers/requests.js';
import { loadPlantedScenario } from '../helpers/scenario-cache.js';


interface Destination { commune: string; name: string; linked: number; expected: number; flagged: boolean; p_value: number; department?: string }

describe.each(targets())('departmental wake on the %s database', (target) => {
  let context: TestContext;
  let cross84: TestSession;
  let deputy: TestSession;
  let marseille: number;
  let underWay: number;
  beforeAll(async () => {
    context = await openTestApp(target);
    await loadPlantedScenario(context.database.pool);
    cross84 = await signInAs(context, 'departmental_analyst', ['84']);
    deputy = await signInAs(context, 'deputy');
    const { rows } = await context.database.pool.query<{ id: string }>("SELECT id FROM operations WHERE name LIKE '%Marseille%' ORDER BY started_on LIMIT 1");
    marseille = Number(rows[0].id);
    // An operation under way in the Bouches-du-Rhône, 40 km from Pertuis.
    const created = await context.database.pool.query<{ id: string }>(`INSERT INTO operations (source_code, external_id, name, kind, started_on, ended_on, target, department_code)
      SELECT source_code, 'WAKE-UNDER-WAY', 'Opération en cours 13', kind, DATE '2026-10-01', NULL, target, department_code FROM operations WHERE id = $1 RETURNING id`, [marseille]);
    underWay = Number(created.rows[0].id);
  }, 300_000);
  afterAll(async () => closeTestApp(context));

  it('is refused the full analysis, but lists Marseille XXL among the wakes reaching Vaucluse', async () => {
    expect((await send(context.app, 'GET', `/api/analyses/operations/${marseille}`, undefined, undefined, cross84)).status).toBe(404);
    const list = await send(context.app, 'GET', '/api/analyses/department-wakes', undefined, undefined, cross84);
    expect(list.status).toBe(200);
    expect(list.body.departments).toEqual(['84']);
    const item = list.body.items.find((i: { id: number }) => i.id === marseille);
    expect(item).toMatchObject({ department: '13', departments_reached: ['84'] });
    expect(item.towns_in_reach).toBeGreaterThan(3);
    expect(list.body.items.every((i: { department: string; ended_on: string }) => i.department !== '84' && i.ended_on !== null)).toBe(true);
    // The operation under way in the 13 is not named.
    expect(list.body.items.map((i: { id: number }) => i.id)).not.toContain(underWay);
  });

  it("reads the wake in Vaucluse with the national analyst's figures, the other towns only as totals", async () => {
    const national = (await send(context.app, 'GET', `/api/analyses/operations/${marseille}/wake`)).body;
    const here = await send(context.app, 'GET', `/api/analyses/operations/${marseille}/department-wake`, undefined, undefined, cross84);
    expect(here.status).toBe(200);
    const body = here.body;
    const { rows } = await context.database.pool.query<{ insee: string }>("SELECT insee FROM communes WHERE department_code = '84'");
    const vaucluse = new Set(rows.map((r) => r.insee));
    expect(body.destinations.length).toBeGreaterThan(0);
    expect(body.destinations.every((d: Destination) => d.department === '84' && vaucluse.has(d.commune))).toBe(true);
    // Pertuis, the planted destination, is flagged.
    expect(body.destinations.find((d: Destination) => d.commune === '84089')?.flagged).toBe(true);
    const nationalHere = (national.destinations as Destination[]).filter((d) => vaucluse.has(d.commune));
    const nationalElsewhere = (national.destinations as Destination[]).filter((d) => !vaucluse.has(d.commune));
    // Commune-level counts do not depend on where a point sits inside its cell: same figures.
    expect(body.destinations.map((d: Destination) => [d.commune, d.linked, d.flagged])).toEqual(nationalHere.map((d) => [d.commune, d.linked, d.flagged]));
    expect(body.elsewhere.linked).toBe(nationalElsewhere.reduce((s, d) => s + d.linked, 0));
    expect(body.elsewhere.flagged).toBe(nationalElsewhere.filter((d) => d.flagged).length);
    // No name of a town elsewhere, no arcs, no effect (target counts) in the answer.
    const text = JSON.stringify(body);
    for (const d of nationalElsewhere.filter((x) => x.flagged)) expect(text).not.toContain(d.name);
    expect(body).not.toHaveProperty('arcs');
    expect(body).not.toHaveProperty('counts');
  });

  it('answers an operation under way elsewhere exactly as an unknown one; deputies are refused; national roles name the department', async () => {
    const hidden = await send(context.app, 'GET', `/api/analyses/operations/${underWay}/department-wake`, undefined, undefined, cross84);
    const unknown = await send(context.app, 'GET', '/api/analyses/operations/99999999/department-wake', undefined, undefined, cross84);
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(hidden.body.error).toEqual(unknown.body.error);
    expect(hidden.body.message.replace(String(underWay), 'N')).toBe(unknown.body.message.replace('99999999', 'N'));
    expect((await send(context.app, 'GET', `/api/analyses/operations/${marseille}/department-wake`, undefined, undefined, deputy)).status).toBe(403);
    expect((await send(context.app, 'GET', '/api/analyses/department-wakes', undefined, undefined, deputy)).status).toBe(403);
    const national = await send(context.app, 'GET', `/api/analyses/operations/${marseille}/department-wake`);
    expect(national.status).toBe(400);
    expect(national.body.fields?.[0]?.field ?? JSON.stringify(national.body)).toContain('department');
    const asked = await send(context.app, 'GET', `/api/analyses/operations/${marseille}/department-wake?department=84`);
    expect(asked.status).toBe(200);
    expect(asked.body.destinations.map((d: Destination) => d.commune)).toContain('84089');
    // A CROSS may not ask for another department.
    expect((await send(context.app, 'GET', '/api/analyses/department-wakes?department=13', undefined, undefined, cross84)).status).toBe(403);
  });
});
