/**
 * An operation's target area composed from communes on both databases: GET /api/communes/union
 * returns the PostGIS union of their outlines (one MultiPolygon covering both, no more), which
 * saves as an operation's target; unknown codes and arrondissements (no outline in the reference
 * data) are refused naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, targets, type TestContext } from '../helpers/databases.js';
import { send } from '../helpers/requests.js';

describe.each(targets())('communes union on the %s database', (target) => {
  let context: TestContext;
  beforeAll(async () => { context = await openTestApp(target); });
  afterAll(async () => closeTestApp(context));

  it('returns the union of two communes\' outlines, which an operation saves as its target', async () => {
    // Pertuis (84089) and its neighbour Villelaure (84147).
    const union = await send(context.app, 'GET', '/api/communes/union?insee=84089&insee=84147', undefined, undefined, null);
    expect(union.status, JSON.stringify(union.body)).toBe(200);
    expect(union.body.geometry.type).toBe('MultiPolygon');
    expect(union.body.properties.communes.map((c: { name: string }) => c.name)).toEqual(['Pertuis', 'Villelaure']);
    const { rows } = await context.database.pool.query(
      `SELECT ST_Area(u::geography) / ST_Area(ST_Union(c.geom)::geography) AS ratio,
              ST_Covers(ST_Buffer(u, 0.0001), (SELECT geom FROM communes WHERE insee = '84089')) AS covers_pertuis,
              ST_Covers(ST_Buffer(u, 0.0001), (SELECT geom FROM communes WHERE insee = '84147')) AS covers_villelaure,
              ST_NumGeometries(u) AS parts
       FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS u) g, communes c WHERE c.insee IN ('84089', '84147') GROUP BY u`, [JSON.stringify(union.body.geometry)]);
    expect(rows[0].ratio).toBeCloseTo(1, 4);
    expect(rows[0]).toMatchObject({ covers_pertuis: true, covers_villelaure: true, parts: 1 });
    const saved = await send(context.app, 'POST', '/api/operations', { name: 'Pertuis et Villelaure', kind: 'operation_ampleur', started_on: '2024-04-01', ended_on: '2024-04-02', target: union.body.geometry });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    expect(saved.body.properties.department_code).toBe('84');
  });

  it('refuses unknown communes, arrondissements without outline and a bad code, naming the field', async () => {
    const unknown = await send(context.app, 'GET', '/api/communes/union?insee=84089&insee=84999', undefined, undefined, null);
    expect(unknown.status).toBe(422);
    expect(unknown.body.details).toEqual([{ field: 'insee', reason: 'no commune 84999' }]);
    const arrondissement = await send(context.app, 'GET', '/api/communes/union?insee=13201', undefined, undefined, null);
    expect(arrondissement.status).toBe(422);
    expect(arrondissement.body.details[0].reason).toContain('choose the commune 13055');
    const bad = await send(context.app, 'GET', '/api/communes/union?insee=ABC', undefined, undefined, null);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('insee');
    const none = await send(context.app, 'GET', '/api/communes/union', undefined, undefined, null);
    expect(none.status).toBe(400);
  });
});
