/**
 * near(a, b, meters), the one SQL definition of "within so many metres" (db/migrations/0022): the
 * same answers as the exact geography test, at the edge of the distance, at France's northern and
 * southern ends and overseas, for a polygon as for a point; and, inlined by the planner, it lets a
 * query use the geometry index.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, targets } from '../helpers/databases.js';
import type { Database } from '../../server/database/connection.js';

describe.each(targets())('near() on the %s database', (target) => {
  let database: Database;
  beforeAll(() => { database = connect(target); });
  afterAll(() => database.close());

  it('says within or not exactly as ST_DWithin does, a metre either side of the distance', async () => {
    const places = [[2.377, 51.05], [2.9, 42.43], [-52.33, 4.93], [55.45, -20.88], [5.37, 43.3]]; // Dunkerque, Perpignan, Cayenne, Saint-Denis (La Réunion), Marseille
    for (const [lon, lat] of places) {
      for (const [bearing, meters, expected] of [[90, 299, true], [90, 301, false], [0, 299, true], [0, 301, false], [45, 74, true], [270, 76, false]] as const) {
        const { rows: [row] } = await database.pool.query<{ near: boolean; exact: boolean }>(
          `WITH p AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS b,
                             ST_Project(ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, $4::float8, radians($3::float8))::geometry AS a)
           SELECT near(a, b, $5) AS near, ST_DWithin(a::geography, b::geography, $5) AS exact FROM p`,
          [lon, lat, bearing, meters, meters > 100 ? 300 : 75]);
        expect(row, `${lon},${lat} bearing ${bearing} at ${meters} m`).toEqual({ near: expected, exact: expected });
      }
    }
  });

  it('agrees with ST_DWithin on random pairs and for a polygon', async () => {
    const { rows: [counts] } = await database.pool.query<{ pairs: number; agree: number; within: number }>(
      `WITH pts AS (
         SELECT ST_SetSRID(ST_MakePoint(-4.5 + 12.5 * ((i * 7919) % 1000) / 1000.0, 42.4 + 8.6 * ((i * 104729) % 1000) / 1000.0), 4326) AS b, i FROM generate_series(1, 400) i
       ), pairs AS (
         SELECT b, ST_Project(b::geography, 100 + (i % 500), radians((i * 37) % 360))::geometry AS a FROM pts
       )
       SELECT count(*)::int AS pairs, count(*) FILTER (WHERE near(a, b, 350) = ST_DWithin(a::geography, b::geography, 350))::int AS agree,
              count(*) FILTER (WHERE near(a, b, 350))::int AS within FROM pairs`);
    expect(counts.agree).toBe(counts.pairs);
    expect(counts.within).toBeGreaterThan(50);
    expect(counts.within).toBeLessThan(counts.pairs);
    // A square of about 1 km at 51° N: a point 250 m east of its east side is within 300 m, 350 m is not.
    const { rows: [square] } = await database.pool.query<{ in250: boolean; in350: boolean }>(
      `WITH s AS (SELECT ST_MakeEnvelope(2.36, 51.04, 2.374, 51.049, 4326) AS g)
       SELECT near(ST_Project(ST_SetSRID(ST_MakePoint(2.374, 51.045), 4326)::geography, 250, radians(90))::geometry, g, 300) AS in250,
              near(ST_Project(ST_SetSRID(ST_MakePoint(2.374, 51.045), 4326)::geography, 350, radians(90))::geometry, g, 300) AS in350 FROM s`);
    expect(square).toEqual({ in250: true, in350: false });
  });

  it('is inlined, so that a query can use the geometry index of its first argument', async () => {
    const client = await database.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        "EXPLAIN SELECT count(*) FROM deal_points d WHERE near(d.geom, ST_SetSRID(ST_MakePoint(5.37, 43.3), 4326), 300)");
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Index|Bitmap/);
      expect(plan).toMatch(/&&/);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
});
