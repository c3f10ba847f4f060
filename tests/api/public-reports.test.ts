import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { dealPointBody, send, type TestSession } from '../helpers/requests.js';
import { issueFormToken } from '../../server/domain/form-tokens.js';

const secret = 'test-secret-for-form-tokens';
// A token issued 5 s ago: old enough to be used (3 s minimum).
const token = () => issueFormToken(secret, Date.now() - 5000);
const report = (overrides: Record<string, unknown> = {}) => ({
  location: { type: 'Point', coordinates: [5.5345, 43.6931] }, seen: ['vente', 'guetteurs'], times_of_day: ['soiree'],
  description: 'Vente tous les soirs au pied de l’immeuble', form_token: token(), ...overrides,
});

describe.each(targets())('public reports on the %s database', (target) => {
  let context: TestContext;
  let analyst84: TestSession;
  let analyst13: TestSession;
  beforeAll(async () => {
    context = await openTestApp(target, { secret, reportRateLimitPerMinute: 30 });
    analyst84 = await signInAs(context, 'departmental_analyst', ['84']);
    analyst13 = await signInAs(context, 'departmental_analyst', ['13']);
  });
  afterAll(async () => closeTestApp(context));

  it('takes a report without an account and answers a receipt; stores no address, identity or device data', async () => {
    const response = await send(context.app, 'POST', '/api/public/reports', report(), undefined, null);
    expect(response.status).toBe(201);
    expect(response.body.receipt).toMatch(/^SIG-[0-9A-HJ-NP-Z]{10}$/);
    const { rows: columns } = await context.database.pool.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'public_reports'`);
    // The whole list: nothing about the reporter (no address, user agent, identity), only the day.
    expect(columns.map((c) => c.column_name as string).sort()).toEqual([
      'cluster_id', 'commune_insee', 'deal_point_id', 'department_code', 'description', 'geom', 'id', 'location_precision', 'merged_into',
      'moderated_at', 'moderated_by', 'receipt', 'rejection_reason', 'reported_on', 'seen', 'status', 'times_of_day',
    ]);
    const { rows: [stored] } = await context.database.pool.query(`SELECT commune_insee, department_code, seen, times_of_day, reported_on, status, location_precision FROM public_reports WHERE receipt = $1`, [response.body.receipt]);
    expect(stored).toMatchObject({ commune_insee: '84089', department_code: '84', seen: ['vente', 'guetteurs'], times_of_day: ['soiree'], status: 'pending', location_precision: 'pin' });
    expect(JSON.stringify(stored)).not.toMatch(/127\.0\.0\.1|inject|lightMyRequest/);
  });

  it('accepts a commune instead of a pin', async () => {
    const response = await send(context.app, 'POST', '/api/public/reports', report({ location: undefined, commune: '84035' }), undefined, null);
    expect(response.status).toBe(201);
    const { rows: [stored] } = await context.database.pool.query('SELECT commune_insee, location_precision FROM public_reports WHERE receipt = $1', [response.body.receipt]);
    expect(stored).toEqual({ commune_insee: '84035', location_precision: 'commune' });
  });

  it('refuses spam and bad input, storing nothing', async () => {
    const count = async () => (await context.database.pool.query('SELECT count(*)::int AS n FROM public_reports')).rows[0].n;
    const before = await count();
    const cases: [Record<string, unknown>, number, string][] = [
      [report({ website: 'http://spam.example' }), 400, 'body.website'],
      [report({ form_token: issueFormToken(secret, Date.now()) }), 400, 'body.form_token'], // sent at once
      [report({ form_token: issueFormToken('another secret', Date.now() - 5000) }), 400, 'body.form_token'],
      [report({ form_token: issueFormToken(secret, Date.now() - 3 * 3600_000) }), 400, 'body.form_token'],
      [report({ description: 'x'.repeat(1001) }), 400, 'body.description'],
      [report({ seen: [] }), 400, 'body.seen'],
      [report({ seen: ['arme'] }), 400, 'body.seen.0'],
      [report({ location: undefined }), 400, 'body.location'],
      [report({ location: { type: 'Point', coordinates: [5.2, 43.0] } }), 422, 'location'],
      [report({ location: { type: 'Point', coordinates: [13.4, 52.5] } }), 422, 'body.location.coordinates'],
      [report({ name: 'Jean Dupont' }), 400, 'body.name'],
    ];
    for (const [body, status, field] of cases) {
      const response = await send(context.app, 'POST', '/api/public/reports', body, undefined, null);
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      expect(response.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const oversized = await send(context.app, 'POST', '/api/public/reports', { ...report(), padding: 'x'.repeat(9000) }, undefined, null);
    expect(oversized.status).toBe(413);
    const reused = token();
    expect((await send(context.app, 'POST', '/api/public/reports', report({ form_token: reused }), undefined, null)).status).toBe(201);
    const again = await send(context.app, 'POST', '/api/public/reports', report({ form_token: reused }), undefined, null);
    expect(again.status).toBe(400);
    expect(again.body.details[0].reason).toMatch(/already used/);
    expect(await count()).toBe(before + 1);
  });

  it('groups reports of one spot (within 75 m) into a cluster', async () => {
    const near = (dx: number) => report({ location: { type: 'Point', coordinates: [5.0413 + dx, 43.8369] } });
    const a = await send(context.app, 'POST', '/api/public/reports', near(0), undefined, null);
    const b = await send(context.app, 'POST', '/api/public/reports', near(0.0005), undefined, null); // ~40 m east
    const c = await send(context.app, 'POST', '/api/public/reports', near(0.003), undefined, null); // ~240 m east
    const { rows } = await context.database.pool.query('SELECT receipt, cluster_id FROM public_reports WHERE receipt = ANY($1)', [[a.body.receipt, b.body.receipt, c.body.receipt]]);
    const cluster = Object.fromEntries(rows.map((r) => [r.receipt, r.cluster_id]));
    expect(cluster[a.body.receipt]).toBe(cluster[b.body.receipt]);
    expect(cluster[c.body.receipt]).not.toBe(cluster[a.body.receipt]);
    const queue = await send(context.app, 'GET', '/api/moderation/reports?department=84', undefined, undefined, analyst84);
    const group = queue.body.items.find((g: any) => g.reports.some((r: any) => r.receipt === a.body.receipt));
    expect(group.count).toBe(2);
  });

  it('lets the CROSS of the department moderate: link within 75 m, create a candidate, merge, reject', async () => {
    const point = await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: 'NEAR-REPORT', location: { type: 'Point', coordinates: [5.0790, 44.0560] } }));
    const submit = async (coordinates: number[]) => (await send(context.app, 'POST', '/api/public/reports', report({ location: { type: 'Point', coordinates } }), undefined, null)).body.receipt;
    const idOf = async (receipt: string) => (await context.database.pool.query('SELECT id FROM public_reports WHERE receipt = $1', [receipt])).rows[0].id;
    const near = await idOf(await submit([5.0795, 44.0562])); // ~45 m from the point
    const lonely = await idOf(await submit([5.1200, 44.0800]));
    const duplicate = await idOf(await submit([5.1201, 44.0801]));
    const spam = await idOf(await submit([5.1000, 44.0300]));

    expect((await send(context.app, 'POST', `/api/moderation/reports/${near}/accept`, {}, undefined, analyst13)).status).toBe(404); // as unknown
    const linked = await send(context.app, 'POST', `/api/moderation/reports/${near}/accept`, {}, undefined, analyst84);
    expect(linked.body).toMatchObject({ status: 'accepted', deal_point_id: point.body.id, created_candidate: false });
    expect((await send(context.app, 'POST', `/api/moderation/reports/${near}/accept`, {}, undefined, analyst84)).status).toBe(409);

    const tooFar = await send(context.app, 'POST', `/api/moderation/reports/${lonely}/accept`, { deal_point_id: point.body.id }, undefined, analyst84);
    expect(tooFar.status).toBe(422);
    expect(tooFar.body.details[0].reason).toMatch(/is more than 75 m from the report/);
    const candidate = await send(context.app, 'POST', `/api/moderation/reports/${lonely}/accept`, {}, undefined, analyst84);
    expect(candidate.body.created_candidate).toBe(true);
    const created = await send(context.app, 'GET', `/api/deal-points/${candidate.body.deal_point_id}`);
    // A candidate is not active: no status, not in the list of points nor on the map, until confirmed.
    expect(created.body.properties).toMatchObject({ source: 'signalement_public', commune_insee: expect.any(String), status: null, status_history: [] });
    const listed = await send(context.app, 'GET', '/api/deal-points?department=84&limit=1000');
    expect(listed.body.features.map((f: any) => f.id)).not.toContain(candidate.body.deal_point_id);
    const { rows: [verification] } = await context.database.pool.query('SELECT verification FROM deal_points WHERE id = $1', [candidate.body.deal_point_id]);
    expect(verification.verification).toBe('candidate');

    const merged = await send(context.app, 'POST', `/api/moderation/reports/${duplicate}/merge`, { into: lonely }, undefined, analyst84);
    expect(merged.body).toMatchObject({ status: 'merged', merged_into: lonely, deal_point_id: candidate.body.deal_point_id });
    expect((await send(context.app, 'POST', `/api/moderation/reports/${spam}/reject`, { reason: 'no' }, undefined, analyst84)).status).toBe(400);
    const rejected = await send(context.app, 'POST', `/api/moderation/reports/${spam}/reject`, { reason: 'Lieu sans activité constatée' }, undefined, analyst84);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejection_reason: 'Lieu sans activité constatée' });
  });

  it('undoes a decision the same day, keeps the history, removes the candidate it created; the reporter sees only received/examined', async () => {
    const submit = async (coordinates: number[]) => (await send(context.app, 'POST', '/api/public/reports', report({ location: { type: 'Point', coordinates } }), undefined, null)).body.receipt as string;
    const idOf = async (receipt: string) => Number((await context.database.pool.query('SELECT id FROM public_reports WHERE receipt = $1', [receipt])).rows[0].id);
    const receipt = await submit([5.0400, 44.0500]);
    const id = await idOf(receipt);
    expect((await send(context.app, 'GET', `/api/public/reports/${receipt}`, undefined, undefined, null)).body).toEqual({ receipt, status: 'received' });
    const around = await send(context.app, 'GET', `/api/moderation/reports/${id}/surroundings`, undefined, undefined, analyst84);
    expect(around.body.report).toMatchObject({ id, receipt });
    expect((await send(context.app, 'GET', `/api/moderation/reports/${id}/surroundings`, undefined, undefined, analyst13)).status).toBe(404);

    const accepted = await send(context.app, 'POST', `/api/moderation/reports/${id}/accept`, {}, undefined, analyst84);
    expect(accepted.body.created_candidate).toBe(true);
    const candidateId = accepted.body.deal_point_id;
    expect((await send(context.app, 'GET', `/api/public/reports/${receipt}`, undefined, undefined, null)).body).toEqual({ receipt, status: 'examined' });
    expect((await send(context.app, 'POST', `/api/moderation/reports/${id}/undo`, {}, undefined, analyst13)).status).toBe(404);
    const undone = await send(context.app, 'POST', `/api/moderation/reports/${id}/undo`, {}, undefined, analyst84);
    expect(undone.body).toMatchObject({ status: 'pending', deal_point_id: null, undone: 'accepted', removed_candidate: candidateId });
    expect((await context.database.pool.query('SELECT 1 FROM deal_points WHERE id = $1', [candidateId])).rows).toEqual([]);
    expect((await send(context.app, 'POST', `/api/moderation/reports/${id}/undo`, {}, undefined, analyst84)).status).toBe(409);
    expect((await send(context.app, 'GET', `/api/public/reports/${receipt}`, undefined, undefined, null)).body.status).toBe('received');

    // Reasons from the list, with or without words; "autre" needs words.
    const reasons = await send(context.app, 'GET', '/api/moderation/reasons', undefined, undefined, analyst84);
    expect(reasons.body.items.map((r: any) => r.code)).toContain('sans_activite');
    expect((await send(context.app, 'POST', `/api/moderation/reports/${id}/reject`, {}, undefined, analyst84)).status).toBe(400);
    const other = await send(context.app, 'POST', `/api/moderation/reports/${id}/reject`, { reason_code: 'autre' }, undefined, analyst84);
    expect(other.status).toBe(400);
    expect(other.body.message).toMatch(/body\.reason/);
    const rejected = await send(context.app, 'POST', `/api/moderation/reports/${id}/reject`, { reason_code: 'sans_activite', reason: 'Patrouille du 2 décembre' }, undefined, analyst84);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejection_reason: 'Lieu sans activité constatée : Patrouille du 2 décembre' });
    const history = await send(context.app, 'GET', `/api/moderation/reports/${id}/history`, undefined, undefined, analyst84);
    expect(history.body.items.map((h: any) => h.decision)).toEqual(['accepted', 'undone', 'rejected']);
    expect(history.body.items[2]).toMatchObject({ reason_code: 'sans_activite', reason_text: 'Patrouille du 2 décembre', decided_by: analyst84.username });
    // A decision of an earlier day stays.
    await context.database.pool.query(`UPDATE public_reports SET moderated_at = moderated_at - interval '2 days' WHERE id = $1`, [id]);
    const late = await send(context.app, 'POST', `/api/moderation/reports/${id}/undo`, {}, undefined, analyst84);
    expect(late.status).toBe(409);
    expect(late.body.message).toMatch(/same day/);
    expect((await send(context.app, 'GET', '/api/public/reports/SIG-0000000000', undefined, undefined, null)).status).toBe(404);
    expect((await send(context.app, 'GET', '/api/public/reports/not-a-receipt', undefined, undefined, null)).status).toBe(400);
  });

  it('lets an analyst confirm a candidate point of its departments', async () => {
    const receipt = (await send(context.app, 'POST', '/api/public/reports', report({ location: { type: 'Point', coordinates: [5.0300, 44.0600] } }), undefined, null)).body.receipt;
    const id = Number((await context.database.pool.query('SELECT id FROM public_reports WHERE receipt = $1', [receipt])).rows[0].id);
    const accepted = await send(context.app, 'POST', `/api/moderation/reports/${id}/accept`, {}, undefined, analyst84);
    expect((await send(context.app, 'POST', `/api/moderation/candidates/${accepted.body.deal_point_id}/confirm`, {}, undefined, analyst13)).status).toBe(404);
    const listed = await send(context.app, 'GET', '/api/moderation/candidates', undefined, undefined, analyst84);
    expect(listed.status).toBe(200);
    expect(listed.body.items.find((c: any) => c.id === accepted.body.deal_point_id)).toMatchObject({ department_code: '84', reports: [expect.objectContaining({ id, receipt, status: 'accepted' })] });
    expect((await send(context.app, 'GET', '/api/moderation/candidates', undefined, undefined, analyst13)).body.items.some((c: any) => c.id === accepted.body.deal_point_id)).toBe(false);
    expect((await send(context.app, 'GET', '/api/moderation/candidates?department=84', undefined, undefined, analyst13)).status).toBe(403);
    const confirmed = await send(context.app, 'POST', `/api/moderation/candidates/${accepted.body.deal_point_id}/confirm`, {}, undefined, analyst84);
    const reportedOn = (await context.database.pool.query(`SELECT to_char(reported_on, 'YYYY-MM-DD') AS d FROM public_reports WHERE id = $1`, [id])).rows[0].d;
    expect(confirmed.body).toMatchObject({ id: accepted.body.deal_point_id, verification: 'confirmed', active_from: reportedOn });
    // Now an ordinary active point, in the list.
    const point = await send(context.app, 'GET', `/api/deal-points/${accepted.body.deal_point_id}`);
    expect(point.body.properties).toMatchObject({ status: 'active', status_history: [expect.objectContaining({ status: 'active', effective_on: reportedOn })] });
    expect((await send(context.app, 'GET', '/api/moderation/candidates', undefined, undefined, analyst84)).body.items.some((c: any) => c.id === accepted.body.deal_point_id)).toBe(false);
    expect((await send(context.app, 'POST', `/api/moderation/candidates/${accepted.body.deal_point_id}/confirm`, {}, undefined, analyst84)).status).toBe(404);
    const { rows: [audited] } = await context.database.pool.query(`SELECT action, area, username FROM audit_log WHERE route = '/api/moderation/candidates/:id/confirm' ORDER BY id DESC LIMIT 1`);
    expect(audited).toEqual({ action: 'moderate', area: `id=${accepted.body.deal_point_id}&deal_point=${accepted.body.deal_point_id}`, username: analyst84.username });
  });

  it('gives a candidate\'s nearest point only among points the analyst may see (a distance to another department\'s point would locate it)', async () => {
    // A department-13 point in Meyrargues, 200 m south of a public report filed in Pertuis (84).
    const across = await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: 'ACROSS-BORDER', location: { type: 'Point', coordinates: [5.5003, 43.6632] } }), undefined, analyst13);
    expect(across.status).toBe(201);
    const receipt = (await send(context.app, 'POST', '/api/public/reports', report({ location: { type: 'Point', coordinates: [5.5000, 43.6650] } }), undefined, null)).body.receipt;
    const id = Number((await context.database.pool.query('SELECT id FROM public_reports WHERE receipt = $1', [receipt])).rows[0].id);
    const accepted = await send(context.app, 'POST', `/api/moderation/reports/${id}/accept`, {}, undefined, analyst84);
    expect(accepted.body.created_candidate).toBe(true);
    const seenBy = async (session: TestSession | undefined) => (await send(context.app, 'GET', '/api/moderation/candidates', undefined, undefined, session)).body.items.find((c: any) => c.id === accepted.body.deal_point_id);
    // The national analyst sees the 13 point as the nearest; CROSS 84 does not learn it exists.
    expect((await seenBy(undefined)).nearest_point).toMatchObject({ id: across.body.id });
    expect((await seenBy(undefined)).nearest_point.distance_m).toBeGreaterThan(150);
    expect((await seenBy(analyst84)).nearest_point).toBeNull();
  });

  it('lets an analyst discard a candidate: the point goes, its reports are rejected with the decision in their history, undoable', async () => {
    const submit = async (coordinates: number[]) => {
      const receipt = (await send(context.app, 'POST', '/api/public/reports', report({ location: { type: 'Point', coordinates } }), undefined, null)).body.receipt;
      return Number((await context.database.pool.query('SELECT id FROM public_reports WHERE receipt = $1', [receipt])).rows[0].id);
    };
    const first = await submit([5.0500, 43.9000]);
    const second = await submit([5.0501, 43.9001]);
    const accepted = await send(context.app, 'POST', `/api/moderation/reports/${first}/accept`, {}, undefined, analyst84);
    expect(accepted.body.created_candidate).toBe(true);
    const candidate = accepted.body.deal_point_id;
    expect((await send(context.app, 'POST', `/api/moderation/reports/${second}/merge`, { into: first }, undefined, analyst84)).body.deal_point_id).toBe(candidate);
    const counts = async () => (await context.database.pool.query('SELECT count(*)::int AS n FROM deal_points')).rows[0].n;
    const before = await counts();
    // Bad input and other departments: refused, nothing changed.
    expect((await send(context.app, 'POST', `/api/moderation/candidates/${candidate}/discard`, { reason: 'x' }, undefined, analyst84)).status).toBe(400);
    expect((await send(context.app, 'POST', `/api/moderation/candidates/${candidate}/discard`, {}, undefined, analyst13)).status).toBe(404);
    expect(await counts()).toBe(before);
    const discarded = await send(context.app, 'POST', `/api/moderation/candidates/${candidate}/discard`, { reason: 'Patrouille : rien vu' }, undefined, analyst84);
    expect(discarded.status).toBe(200);
    expect(discarded.body).toEqual({ id: candidate, discarded: true, rejected_reports: [first, second] });
    expect(await counts()).toBe(before - 1);
    const { rows: reports } = await context.database.pool.query('SELECT id, status, deal_point_id, rejection_reason FROM public_reports WHERE id = ANY($1) ORDER BY id', [[first, second]]);
    expect(reports.map((r) => [Number(r.id), r.status, r.deal_point_id])).toEqual([[first, 'rejected', null], [second, 'rejected', null]]);
    expect(reports[0].rejection_reason).toBe('Lieu sans activité constatée : Point candidat écarté : Patrouille : rien vu');
    const history = await send(context.app, 'GET', `/api/moderation/reports/${second}/history`, undefined, undefined, analyst84);
    expect(history.body.items.map((h: any) => h.decision)).toEqual(['merged', 'rejected']);
    expect(history.body.items[1]).toMatchObject({ reason_code: 'sans_activite', deal_point_id: candidate, decided_by: analyst84.username });
    const { rows: [audited] } = await context.database.pool.query(`SELECT action, area FROM audit_log WHERE route = '/api/moderation/candidates/:id/discard' AND status_code = 200 ORDER BY id DESC LIMIT 1`);
    expect(audited).toEqual({ action: 'moderate', area: `id=${candidate}&deal_point=${candidate}&report=${first},${second}` });
    expect((await send(context.app, 'POST', `/api/moderation/candidates/${candidate}/discard`, {}, undefined, analyst84)).status).toBe(404);
    // Undone the same day, report by report: pending again.
    const undone = await send(context.app, 'POST', `/api/moderation/reports/${first}/undo`, {}, undefined, analyst84);
    expect(undone.body).toMatchObject({ status: 'pending', deal_point_id: null });
  });

  it('rate-limits reports per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await send(context.app, 'POST', '/api/public/reports', report(), undefined, null)).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 201 && s !== 429)).toEqual([]);
  });
});
