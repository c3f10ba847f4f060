import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, targets, type TestContext } from '../helpers/databases.js';
import { dealPointBody, marseilleCentre, send } from '../helpers/requests.js';

describe.each(targets())('deal points on the %s database', (target) => {
  let context: TestContext;
  beforeAll(async () => { context = await openTestApp(target); });
  afterAll(async () => closeTestApp(context));

  it('creates a point, deriving commune, department, size class and H3 cells from the location', async () => {
    // The input commune is never trusted: there is no such field, and an extra one is refused.
    const refused = await send(context.app, 'POST', '/api/deal-points', dealPointBody({ commune_insee: '13055' }));
    expect(refused.status).toBe(400);
    expect(refused.body.details[0]).toEqual({ field: 'body.commune_insee', reason: 'is not a known property' });

    const created = await send(context.app, 'POST', '/api/deal-points', dealPointBody());
    expect(created.status).toBe(201);
    expect(created.body.type).toBe('Feature');
    expect(created.body.geometry).toEqual({ type: 'Point', coordinates: [5.5345, 43.6931] });
    expect(created.body.properties).toMatchObject({
      commune_insee: '84089', commune_name: 'Pertuis', department_code: '84', size_class: 'ville_moyenne',
      h3_r8: '883968b26dfffff', status: 'active', version: 1, dataset: 'real', products: ['cannabis_resine'],
    });
  });

  it('classifies Marseille as a metropolis through its whole-city population', async () => {
    const created = await send(context.app, 'POST', '/api/deal-points', dealPointBody({ location: marseilleCentre, external_id: 'PN-13-001', source: 'police_nationale' }));
    expect(created.status).toBe(201);
    expect(created.body.properties).toMatchObject({ commune_insee: '13055', size_class: 'metropole', department_code: '13' });
  });

  it('records a lifetime: dismantled then reopened, with versions', async () => {
    const created = await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: 'GN-84-002' }));
    const id = created.body.id;
    const dismantled = await send(context.app, 'POST', `/api/deal-points/${id}/status-changes`, { version: 1, status: 'dismantled', effective_on: '2024-03-19' });
    expect(dismantled.status).toBe(200);
    expect(dismantled.body.properties.status).toBe('dismantled');
    expect(dismantled.body.properties.version).toBe(2);

    const stale = await send(context.app, 'POST', `/api/deal-points/${id}/status-changes`, { version: 1, status: 'reopened', effective_on: '2024-06-01' });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/version 2, not 1/);

    const impossible = await send(context.app, 'POST', `/api/deal-points/${id}/status-changes`, { version: 2, status: 'dismantled', effective_on: '2024-06-01' });
    expect(impossible.status).toBe(422);
    expect(impossible.body.details[0]).toMatchObject({ field: 'body.status' });

    const backwards = await send(context.app, 'POST', `/api/deal-points/${id}/status-changes`, { version: 2, status: 'reopened', effective_on: '2024-01-01' });
    expect(backwards.status).toBe(422);
    expect(backwards.body.details[0].field).toBe('body.effective_on');

    const reopened = await send(context.app, 'POST', `/api/deal-points/${id}/status-changes`, { version: 2, status: 'reopened', effective_on: '2024-06-01' });
    expect(reopened.body.properties.status_history.map((e: { status: string }) => e.status)).toEqual(['active', 'dismantled', 'reopened']);

    const before = await send(context.app, 'GET', `/api/deal-points/${id}?at=2024-04-01`);
    expect(before.body.properties.status).toBe('dismantled');
  });

  it('edits with optimistic concurrency and re-derives the commune when the point moves', async () => {
    const created = await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: 'GN-84-003' }));
    const id = created.body.id;
    const moved = await send(context.app, 'PATCH', `/api/deal-points/${id}`, { version: 1, location: { type: 'Point', coordinates: [5.0413, 43.8369] }, products: ['cocaine'] });
    expect(moved.status).toBe(200);
    expect(moved.body.properties).toMatchObject({ commune_insee: '84035', commune_name: 'Cavaillon', version: 2, products: ['cocaine'] });
    expect(moved.body.properties.h3_r8).not.toBe(created.body.properties.h3_r8);
    const conflict = await send(context.app, 'PATCH', `/api/deal-points/${id}`, { version: 1, products: [] });
    expect(conflict.status).toBe(409);
    expect((await send(context.app, 'PATCH', '/api/deal-points/999999', { version: 1, products: [] })).status).toBe(404);
    expect((await send(context.app, 'GET', '/api/deal-points/999999')).status).toBe(404);
    const deleted = await send(context.app, 'DELETE', `/api/deal-points/${id}?version=2`);
    expect(deleted.status).toBe(204);
    expect((await send(context.app, 'GET', `/api/deal-points/${id}`)).status).toBe(404);
  });

  it('lists as GeoJSON with filters and keyset pagination', async () => {
    for (let i = 0; i < 5; i++) {
      await send(context.app, 'POST', '/api/deal-points', dealPointBody({
        external_id: `PAGE-${i}`, source: 'police_municipale',
        location: { type: 'Point', coordinates: [5.38 + i * 0.002, 43.29] },
        status_history: [{ status: 'active', effective_on: `202${i}-01-01` }],
      }));
    }
    const all = await send(context.app, 'GET', '/api/deal-points?source=police_municipale');
    expect(all.headers['content-type']).toMatch(/application\/geo\+json/);
    expect(all.body.features).toHaveLength(5);

    const first = await send(context.app, 'GET', '/api/deal-points?source=police_municipale&limit=2');
    expect(first.body.features).toHaveLength(2);
    const second = await send(context.app, 'GET', `/api/deal-points?source=police_municipale&limit=2&after=${first.body.next}`);
    const third = await send(context.app, 'GET', `/api/deal-points?source=police_municipale&limit=2&after=${second.body.next}`);
    expect(third.body.next).toBeNull();
    const ids = [...first.body.features, ...second.body.features, ...third.body.features].map((f: { id: number }) => f.id);
    expect(ids).toEqual(all.body.features.map((f: { id: number }) => f.id));

    // On 2022-06-01 only the points first seen in 2020, 2021 and 2022 existed.
    expect((await send(context.app, 'GET', '/api/deal-points?source=police_municipale&at=2022-06-01')).body.features).toHaveLength(3);
    expect((await send(context.app, 'GET', '/api/deal-points?commune=13055&source=police_municipale')).body.features).toHaveLength(5);
    expect((await send(context.app, 'GET', '/api/deal-points?department=84&source=police_municipale')).body.features).toHaveLength(0);
    expect((await send(context.app, 'GET', '/api/deal-points?bbox=5.379,43.28,5.385,43.30&source=police_municipale')).body.features).toHaveLength(3);
    expect((await send(context.app, 'GET', '/api/deal-points?from=2019-01-01&to=2021-06-30&source=police_municipale')).body.features).toHaveLength(2);
  });

  it('filters on a product sold', async () => {
    for (const [i, products] of [['crack'], ['crack', 'cocaine'], ['cannabis_resine']].entries()) {
      await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: `PRODUCT-${i}`, source: 'douane', products, location: { type: 'Point', coordinates: [5.37 + i * 0.002, 43.30] } }));
    }
    const crack = await send(context.app, 'GET', '/api/deal-points?source=douane&product=crack');
    expect(crack.body.features.map((f: { properties: { external_id: string } }) => f.properties.external_id).sort()).toEqual(['PRODUCT-0', 'PRODUCT-1']);
    expect((await send(context.app, 'GET', '/api/deal-points?source=douane&product=heroine')).body.features).toHaveLength(0);
    const bad = await send(context.app, 'GET', '/api/deal-points?product=tabac');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('product');
  });

  it('filters on the status at a date and on activity in a time range', async () => {
    const created = await send(context.app, 'POST', '/api/deal-points', dealPointBody({
      external_id: 'LIFE-1', source: 'bailleur_social',
      status_history: [{ status: 'active', effective_on: '2021-01-01' }, { status: 'dismantled', effective_on: '2022-01-01' }],
    }));
    expect(created.status).toBe(201);
    const q = (query: string) => send(context.app, 'GET', `/api/deal-points?source=bailleur_social&${query}`).then((r) => r.body.features.length);
    expect(await q('at=2021-06-01&status=active')).toBe(1);
    expect(await q('at=2023-06-01&status=active')).toBe(0);
    expect(await q('at=2023-06-01&status=dismantled')).toBe(1);
    expect(await q('from=2022-02-01&to=2023-01-01')).toBe(0);
    expect(await q('from=2021-12-01&to=2023-01-01')).toBe(1);
    expect(await q('at=2020-06-01')).toBe(0);
  });
});
