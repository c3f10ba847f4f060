import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, targets, type TestContext } from '../helpers/databases.js';
import { dealPointBody, send, squareAround } from '../helpers/requests.js';

describe.each(targets())('observations, operations and networks on the %s database', (target) => {
  let context: TestContext;
  beforeAll(async () => { context = await openTestApp(target); });
  afterAll(async () => closeTestApp(context));

  it('manages networks and links deal points to them', async () => {
    const network = await send(context.app, 'POST', '/api/networks', { name: 'Réseau Sud-Luberon', source: 'gendarmerie', external_id: 'NET-1' });
    expect(network.status).toBe(201);
    const point = await send(context.app, 'POST', '/api/deal-points', dealPointBody({ network_id: network.body.id }));
    expect(point.body.properties.network_id).toBe(network.body.id);
    const read = await send(context.app, 'GET', `/api/networks/${network.body.id}`);
    expect(read.body.deal_point_count).toBe(1);
    const renamed = await send(context.app, 'PATCH', `/api/networks/${network.body.id}`, { version: 1, name: 'Réseau du Luberon' });
    expect(renamed.body).toMatchObject({ name: 'Réseau du Luberon', version: 2 });
    expect((await send(context.app, 'GET', '/api/networks')).body.items).toHaveLength(1);
    expect((await send(context.app, 'DELETE', `/api/networks/${network.body.id}?version=1`)).status).toBe(409);
    expect((await send(context.app, 'DELETE', `/api/networks/${network.body.id}?version=2`)).status).toBe(204);
    // The point stays, unlinked.
    expect((await send(context.app, 'GET', `/api/deal-points/${point.body.id}`)).body.properties.network_id).toBeNull();
  });

  it('records observations of activity over time', async () => {
    const point = await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: 'OBS-1' }));
    const first = await send(context.app, 'POST', '/api/observations', { deal_point_id: point.body.id, observed_on: '2024-01-15', activity_level: 3, source: 'gendarmerie' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ activity_level: 3, estimated_daily_transactions: null, version: 1 });
    await send(context.app, 'POST', '/api/observations', { deal_point_id: point.body.id, observed_on: '2024-02-15', estimated_daily_transactions: 120, source: 'gendarmerie' });
    const duplicate = await send(context.app, 'POST', '/api/observations', { deal_point_id: point.body.id, observed_on: '2024-01-15', activity_level: 2, source: 'gendarmerie' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.details[0].field).toBe('observed_on');
    const list = await send(context.app, 'GET', `/api/observations?deal_point_id=${point.body.id}&from=2024-02-01`);
    expect(list.body.items.map((o: { estimated_daily_transactions: number }) => o.estimated_daily_transactions)).toEqual([120]);
    const edited = await send(context.app, 'PATCH', `/api/observations/${first.body.id}`, { version: 1, activity_level: 4 });
    expect(edited.body).toMatchObject({ activity_level: 4, version: 2 });
    expect((await send(context.app, 'DELETE', `/api/observations/${first.body.id}?version=2`)).status).toBe(204);
  });

  it('registers operations with target areas, dates and outcomes', async () => {
    const created = await send(context.app, 'POST', '/api/operations', {
      name: 'Place nette XXL Marseille', kind: 'place_nette', started_on: '2024-03-18', ended_on: '2024-03-20',
      target: squareAround(5.39, 43.33, 0.02), arrests: 82, officers_mobilised: 4000, cash_seized_eur: 150000.5,
    });
    expect(created.status).toBe(201);
    expect(created.body.geometry.type).toBe('MultiPolygon');
    expect(created.body.properties).toMatchObject({ department_code: '13', arrests: 82, cash_seized_eur: 150000.5, version: 1 });
    const underWay = await send(context.app, 'POST', '/api/operations', {
      name: 'Opération Pertuis', kind: 'operation_ampleur', started_on: '2025-02-01', target: squareAround(5.5345, 43.6931),
    });
    expect(underWay.body.properties.ended_on).toBeNull();
    expect(underWay.body.properties.department_code).toBe('84');
    const inMarseille = await send(context.app, 'GET', '/api/operations?bbox=5.3,43.2,5.5,43.4');
    expect(inMarseille.body.features.map((f: { id: number }) => f.id)).toEqual([created.body.id]);
    expect((await send(context.app, 'GET', '/api/operations?department=84')).body.features).toHaveLength(1);
    expect((await send(context.app, 'GET', '/api/operations?from=2024-04-01&to=2024-12-31')).body.features).toHaveLength(0);
    const ended = await send(context.app, 'PATCH', `/api/operations/${underWay.body.id}`, { version: 1, ended_on: '2025-02-03' });
    expect(ended.body.properties).toMatchObject({ ended_on: '2025-02-03', version: 2 });
    const linked = await send(context.app, 'POST', '/api/deal-points', dealPointBody({
      external_id: 'OP-LINK', status_history: [{ status: 'active', effective_on: '2024-01-01' }, { status: 'dismantled', effective_on: '2025-02-02', operation_id: underWay.body.id }],
    }));
    expect(linked.body.properties.status_history[1].operation_id).toBe(underWay.body.id);
  });
});
