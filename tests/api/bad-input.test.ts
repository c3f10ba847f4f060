/**
 * Every write refuses bad input with a 4xx naming the field and the reason, and stores nothing:
 * the row counts (and the sum of versions) of every business table are the same afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, tableCounts, targets, type TestContext } from '../helpers/databases.js';
import { dealPointBody, send, squareAround } from '../helpers/requests.js';

interface Case { name: string; method: 'POST' | 'PATCH' | 'DELETE' | 'GET'; url: string; body?: unknown; contentType?: string; status: number; field: RegExp }

const bowtie = { type: 'Polygon', coordinates: [[[5.52, 43.68], [5.55, 43.70], [5.55, 43.68], [5.52, 43.70], [5.52, 43.68]]] };
const operationBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'Place nette', kind: 'place_nette', started_on: '2024-03-18', ended_on: '2024-03-20', target: squareAround(5.39, 43.33), source: 'police_nationale', external_id: 'OP-EXISTING', ...overrides,
});

describe.each(targets())('bad input on the %s database', (target) => {
  let context: TestContext;
  let pointId: number;
  let operationId: number;
  let networkId: number;
  let observationId: number;

  beforeAll(async () => {
    context = await openTestApp(target);
    networkId = (await send(context.app, 'POST', '/api/networks', { name: 'Existing', source: 'gendarmerie', external_id: 'NET-EXISTING' })).body.id;
    pointId = (await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: 'EXISTING' }))).body.id;
    operationId = (await send(context.app, 'POST', '/api/operations', operationBody())).body.id;
    observationId = (await send(context.app, 'POST', '/api/observations', { deal_point_id: pointId, observed_on: '2024-01-01', activity_level: 2, source: 'gendarmerie' })).body.id;
  });
  afterAll(async () => closeTestApp(context));

  const cases = (): Case[] => [
    // Deal points: coordinates
    { name: 'latitude out of range', method: 'POST', url: '/api/deal-points', body: dealPointBody({ external_id: 'X1', location: { type: 'Point', coordinates: [5.5, 95] } }), status: 422, field: /^body\.location\.coordinates$/ },
    { name: 'swapped longitude/latitude', method: 'POST', url: '/api/deal-points', body: dealPointBody({ external_id: 'X1', location: { type: 'Point', coordinates: [43.69, 5.53] } }), status: 422, field: /^body\.location\.coordinates$/ },
    { name: 'outside France (Berlin)', method: 'POST', url: '/api/deal-points', body: dealPointBody({ external_id: 'X1', location: { type: 'Point', coordinates: [13.4, 52.5] } }), status: 422, field: /location/ },
    { name: 'at sea off Marseille', method: 'POST', url: '/api/deal-points', body: dealPointBody({ external_id: 'X1', location: { type: 'Point', coordinates: [5.2, 43.0] } }), status: 422, field: /^location$/ },
    // Deal points: GeoJSON, types, fields, enums, duplicates, references
    { name: 'location not a Point', method: 'POST', url: '/api/deal-points', body: dealPointBody({ external_id: 'X1', location: { type: 'Polygon', coordinates: [] } }), status: 400, field: /^body\.location\.type$/ },
    { name: 'coordinate as a string', method: 'POST', url: '/api/deal-points', body: dealPointBody({ external_id: 'X1', location: { type: 'Point', coordinates: ['5.53', 43.69] } }), status: 400, field: /^body\.location\.coordinates\.0$/ },
    { name: 'products not an array', method: 'POST', url: '/api/deal-points', body: dealPointBody({ external_id: 'X1', products: 'cocaine' }), status: 400, field: /^body\.products$/ },
    { name: 'missing location', method: 'POST', url: '/api/deal-points', body: { source: 'gendarmerie', status_history: [{ status: 'active', effective_on: '2024-01-01' }] }, status: 400, field: /^body\.location$/ },
    { name: 'missing status history', method: 'POST', url: '/api/deal-points', body: { location: { type: 'Point', coordinates: [5.5345, 43.6931] }, source: 'gendarmerie' }, status: 400, field: /^body\.status_history$/ },
    { name: 'unknown source', method: 'POST', url: '/api/deal-points', body: dealPointBody({ external_id: 'X1', source: 'armee' }), status: 400, field: /^body\.source$/ },
    { name: 'unknown product', method: 'POST', url: '/api/deal-points', body: dealPointBody({ external_id: 'X1', products: ['lsd'] }), status: 400, field: /^body\.products\.0$/ },
    { name: 'unknown status', method: 'POST', url: '/api/deal-points', body: dealPointBody({ external_id: 'X1', status_history: [{ status: 'closed', effective_on: '2024-01-01' }] }), status: 400, field: /^body\.status_history\.0\.status$/ },
    { name: 'impossible date', method: 'POST', url: '/api/deal-points', body: dealPointBody({ external_id: 'X1', status_history: [{ status: 'active', effective_on: '2024-02-30' }] }), status: 400, field: /effective_on/ },
    { name: 'history not starting active', method: 'POST', url: '/api/deal-points', body: dealPointBody({ external_id: 'X1', status_history: [{ status: 'dismantled', effective_on: '2024-01-01' }] }), status: 422, field: /^body\.status_history\.0\.status$/ },
    { name: 'duplicate external id', method: 'POST', url: '/api/deal-points', body: dealPointBody({ external_id: 'EXISTING' }), status: 409, field: /^external_id$/ },
    { name: 'unknown network', method: 'POST', url: '/api/deal-points', body: dealPointBody({ external_id: 'X1', network_id: 999999 }), status: 422, field: /^network_id$/ },
    { name: 'unknown operation in history', method: 'POST', url: '/api/deal-points', body: dealPointBody({ external_id: 'X1', status_history: [{ status: 'active', effective_on: '2023-01-01' }, { status: 'dismantled', effective_on: '2024-01-01', operation_id: 999999 }] }), status: 422, field: /operation_id/ },
    { name: 'malformed JSON', method: 'POST', url: '/api/deal-points', body: '{"location": ', status: 400, field: /./ },
    { name: 'unsupported content type', method: 'POST', url: '/api/deal-points', body: '<point/>', contentType: 'application/xml', status: 415, field: /content-type/ },
    { name: 'oversized body', method: 'POST', url: '/api/deal-points', body: dealPointBody({ external_id: 'X1', padding: 'x'.repeat(1_100_000) }), status: 413, field: /^body$/ },
    // Deal point edits and status changes
    { name: 'edit without version', method: 'PATCH', url: '/api/deal-points/ID', body: { products: [] }, status: 400, field: /^body\.version$/ },
    { name: 'edit with stale version', method: 'PATCH', url: '/api/deal-points/ID', body: { version: 7, products: [] }, status: 409, field: /^version$/ },
    { name: 'edit moving the point to sea', method: 'PATCH', url: '/api/deal-points/ID', body: { version: 1, location: { type: 'Point', coordinates: [5.2, 43.0] } }, status: 422, field: /^location$/ },
    { name: 'edit with a duplicate external id', method: 'PATCH', url: '/api/deal-points/ID', body: { version: 1, source: 'gendarmerie', external_id: 'DUP-TARGET' }, status: 409, field: /^external_id$/ },
    { name: 'status change to an unknown status', method: 'POST', url: '/api/deal-points/ID/status-changes', body: { version: 1, status: 'closed', effective_on: '2024-05-01' }, status: 400, field: /^body\.status$/ },
    { name: 'status change with wrong id type', method: 'POST', url: '/api/deal-points/abc/status-changes', body: { version: 1, status: 'dismantled', effective_on: '2024-05-01' }, status: 400, field: /^params\.id$/ },
    { name: 'delete with stale version', method: 'DELETE', url: '/api/deal-points/ID?version=9', status: 409, field: /^version$/ },
    // Observations
    { name: 'observation of an unknown point', method: 'POST', url: '/api/observations', body: { deal_point_id: 999999, observed_on: '2024-01-01', activity_level: 2, source: 'gendarmerie' }, status: 422, field: /^body\.deal_point_id$/ },
    { name: 'observation level out of range', method: 'POST', url: '/api/observations', body: { deal_point_id: 1, observed_on: '2024-01-01', activity_level: 9, source: 'gendarmerie' }, status: 400, field: /activity_level/ },
    { name: 'observation without a measure', method: 'POST', url: '/api/observations', body: { deal_point_id: 1, observed_on: '2024-03-01', source: 'gendarmerie' }, status: 400, field: /^body\.activity_level$/ },
    { name: 'observation date of wrong type', method: 'POST', url: '/api/observations', body: { deal_point_id: 1, observed_on: 20240101, activity_level: 2, source: 'gendarmerie' }, status: 400, field: /^body\.observed_on$/ },
    { name: 'duplicate observation', method: 'POST', url: '/api/observations', body: { deal_point_id: 'PID', observed_on: '2024-01-01', activity_level: 1, source: 'gendarmerie' }, status: 409, field: /^observed_on$/ },
    { name: 'observation edit with stale version', method: 'PATCH', url: '/api/observations/OBS', body: { version: 5, activity_level: 1 }, status: 409, field: /^version$/ },
    // Operations
    { name: 'self-intersecting target', method: 'POST', url: '/api/operations', body: operationBody({ external_id: 'X2', target: bowtie }), status: 422, field: /^body\.target$/ },
    { name: 'open ring', method: 'POST', url: '/api/operations', body: operationBody({ external_id: 'X2', target: { type: 'Polygon', coordinates: [[[5.5, 43.6], [5.6, 43.6], [5.6, 43.7], [5.5, 43.7]]] } }), status: 422, field: /^body\.target\.coordinates\.0$/ },
    { name: 'target outside France', method: 'POST', url: '/api/operations', body: operationBody({ external_id: 'X2', target: squareAround(13.4, 52.5) }), status: 422, field: /^body\.target\.coordinates\.0\.0$/ },
    { name: 'end before start', method: 'POST', url: '/api/operations', body: operationBody({ external_id: 'X2', ended_on: '2024-03-01' }), status: 422, field: /^body\.ended_on$/ },
    { name: 'unknown operation kind', method: 'POST', url: '/api/operations', body: operationBody({ external_id: 'X2', kind: 'raid' }), status: 400, field: /^body\.kind$/ },
    { name: 'arrests as a string', method: 'POST', url: '/api/operations', body: operationBody({ external_id: 'X2', arrests: '82' }), status: 400, field: /^body\.arrests$/ },
    { name: 'operation without name', method: 'POST', url: '/api/operations', body: operationBody({ external_id: 'X2', name: undefined }), status: 400, field: /^body\.name$/ },
    { name: 'duplicate operation external id', method: 'POST', url: '/api/operations', body: operationBody(), status: 409, field: /^external_id$/ },
    { name: 'operation edit ending before its start', method: 'PATCH', url: '/api/operations/OP', body: { version: 1, ended_on: '2020-01-01' }, status: 422, field: /^body\.ended_on$/ },
    // Networks
    { name: 'network without name', method: 'POST', url: '/api/networks', body: { description: 'x' }, status: 400, field: /^body\.name$/ },
    { name: 'network name too long', method: 'POST', url: '/api/networks', body: { name: 'n'.repeat(201) }, status: 400, field: /^body\.name$/ },
    { name: 'duplicate network external id', method: 'POST', url: '/api/networks', body: { name: 'Other', source: 'gendarmerie', external_id: 'NET-EXISTING' }, status: 409, field: /^external_id$/ },
    { name: 'network edit with stale version', method: 'PATCH', url: '/api/networks/NET', body: { version: 3, name: 'x' }, status: 409, field: /^version$/ },
    // Imports
    { name: 'empty import', method: 'POST', url: '/api/imports', body: '  ', contentType: 'text/csv', status: 400, field: /^body$/ },
    { name: 'import with one bad row among good ones', method: 'POST', url: '/api/imports', body: 'external_id;source;lat;lon;first_seen_on\nI1;gendarmerie;43,69;5,53;2024-01-05\nI2;gendarmerie;43,0;5,2;2024-01-05\n', contentType: 'text/csv', status: 422, field: /^location$/ },
    { name: 'import of invalid GeoJSON', method: 'POST', url: '/api/imports?kind=deal-points', body: '{"type":"FeatureCollection","features":[', contentType: 'application/geo+json', status: 422, field: /^file$/ },
    { name: 'import of an unknown kind', method: 'POST', url: '/api/imports?kind=persons', body: 'a;b\n1;2\n', contentType: 'text/csv', status: 400, field: /^querystring\.kind$/ },
    // Reads with bad parameters answer 4xx too
    { name: 'reversed bbox', method: 'GET', url: '/api/deal-points?bbox=6,44,5,43', status: 400, field: /^querystring\.bbox$/ },
    { name: 'page size too large', method: 'GET', url: '/api/deal-points?limit=5000', status: 400, field: /^querystring\.limit$/ },
    { name: 'tile outside the pyramid', method: 'GET', url: '/tiles/deal-points/2/9/0.mvt', status: 400, field: /^params\.x$/ },
  ];

  it.each(cases().map((c) => [c.name, c] as const))('%s: refused, nothing stored', async (_name, c) => {
    // A second point to collide with on external id edits.
    if (c.name === 'edit with a duplicate external id') {
      await send(context.app, 'POST', '/api/deal-points', dealPointBody({ external_id: 'DUP-TARGET' }));
    }
    const before = await tableCounts(context.database.pool);
    const url = c.url.replace('/ID', `/${pointId}`).replace('/OBS', `/${observationId}`).replace('/OP', `/${operationId}`).replace('/NET', `/${networkId}`);
    const body = c.name === 'duplicate observation' ? { ...(c.body as object), deal_point_id: pointId } : c.body;
    const response = await send(context.app, c.method, url, body, c.contentType);
    expect(response.status, JSON.stringify(response.body)).toBe(c.status);
    expect(typeof response.body.error).toBe('string');
    expect(response.body.message.length).toBeGreaterThan(5);
    expect(response.body.details.length).toBeGreaterThan(0);
    expect(response.body.details.some((d: { field: string }) => c.field.test(d.field)), JSON.stringify(response.body.details)).toBe(true);
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts:\d+|node_modules/);
    expect(await tableCounts(context.database.pool)).toEqual(before);
  });

  it('keeps answering after all that', async () => {
    expect((await send(context.app, 'GET', '/api/health')).status).toBe(200);
  });
});
