/**
 * What the database guarantees of every inserted deal point, with its identifiers recorded once per
 * statement since migration 0023: the commune derived from the location whatever was supplied (kept
 * when its polygon holds the point or it is the coastal fallback's answer, and so in the inserted row
 * itself), a point in no commune refused, and every (source, external id) recorded in the
 * identifiers, a key held by another point refused with nothing written. Each case runs in a
 * transaction rolled back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, targets } from '../helpers/databases.js';
import type { Database } from '../../server/database/connection.js';

const pertuis = [5.5016, 43.6946];
const paris = [2.3522, 48.8566];
const insertPoints = `
INSERT INTO deal_points (geom, commune_insee, h3_r7, h3_r8, h3_r9, source_code, external_id)
SELECT ST_SetSRID(ST_MakePoint(lon, lat), 4326), commune, '871f8a000ffffff', '881f8a0001fffff', '891f8a00003ffff', source, external_id
FROM unnest($1::float8[], $2::float8[], $3::text[], $4::text[], $5::text[]) AS t(lon, lat, commune, source, external_id)
RETURNING id, external_id, commune_insee`;

describe.each(targets())('deal point triggers on the %s database', (target) => {
  let database: Database;
  beforeAll(() => { database = connect(target); });
  afterAll(() => database.close());

  /** Runs `work` in a transaction that is always rolled back; returns its result or its error. */
  async function rolledBack<T>(work: (query: Database['pool']['query']) => Promise<T>): Promise<T | { error: { code?: string; constraint?: string } }> {
    const client = await database.pool.connect();
    try {
      await client.query('BEGIN');
      return await work(client.query.bind(client) as Database['pool']['query']);
    } catch (error) {
      return { error: error as { code?: string; constraint?: string } };
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  it('keeps a supplied commune that holds the point, corrects a wrong one and derives a missing one, in one statement', async () => {
    const result = await rolledBack(async (query) => {
      const { rows } = await query<{ external_id: string; commune_insee: string }>(insertPoints, [
        [pertuis[0], paris[0], pertuis[0]], [pertuis[1], paris[1], pertuis[1]], ['84089', '84089', null], ['douane', 'douane', 'douane'], ['T-right', 'T-wrong', 'T-none']]);
      const { rows: identifiers } = await query<{ external_id: string; same: boolean }>(
        `SELECT i.external_id, i.deal_point_id = d.id AS same FROM deal_point_identifiers i JOIN deal_points d ON d.source_code = i.source_code AND d.external_id = i.external_id
         WHERE i.external_id LIKE 'T-%' ORDER BY 1`);
      return { communes: Object.fromEntries(rows.map((r) => [r.external_id, r.commune_insee])), identifiers };
    });
    expect(result).not.toHaveProperty('error');
    const { communes, identifiers } = result as { communes: Record<string, string>; identifiers: { external_id: string; same: boolean }[] };
    // The inserted rows themselves (RETURNING) carry the derived commune, not the one supplied.
    expect(communes).toEqual({ 'T-right': '84089', 'T-wrong': '75056', 'T-none': '84089' });
    expect(identifiers).toEqual([{ external_id: 'T-none', same: true }, { external_id: 'T-right', same: true }, { external_id: 'T-wrong', same: true }]);
    const corrected = await rolledBack(async (query) => {
      await query(insertPoints, [[paris[0]], [paris[1]], ['84089'], ['douane'], ['T-wrong']]);
      return (await query<{ commune_insee: string }>(`SELECT commune_insee FROM deal_points WHERE external_id = 'T-wrong'`)).rows[0].commune_insee;
    });
    expect(corrected).toBe('75056');
  });

  it('keeps the coastal fallback\'s commune for a point just off the coast, supplied or not', async () => {
    // A point within 1 km of the coast but in no commune's polygon (the import's lookup finds it too).
    const { rows: [spot] } = await database.pool.query<{ lon: number; lat: number; insee: string }>(`
      SELECT lon, lat, commune_at(ST_SetSRID(ST_MakePoint(lon, lat), 4326)) AS insee
      FROM (SELECT 5.30 + i * 0.002 AS lon, 43.20 + j * 0.002 AS lat FROM generate_series(0, 60) i, generate_series(0, 50) j) g
      WHERE NOT EXISTS (SELECT 1 FROM communes c WHERE c.kind = 'COM' AND ST_Intersects(c.geom, ST_SetSRID(ST_MakePoint(lon, lat), 4326)))
        AND commune_at(ST_SetSRID(ST_MakePoint(lon, lat), 4326)) IS NOT NULL
      ORDER BY lon, lat LIMIT 1`);
    expect(spot?.insee).toMatch(/^13\d{3}$/);
    const communes = await rolledBack(async (query) => {
      await query(insertPoints, [[spot.lon, spot.lon + 0.00001], [spot.lat, spot.lat], [spot.insee, null], ['douane', 'douane'], ['T-coast-1', 'T-coast-2']]);
      return (await query<{ commune_insee: string }>(`SELECT commune_insee FROM deal_points WHERE external_id LIKE 'T-coast-%' ORDER BY external_id`)).rows.map((r) => r.commune_insee);
    });
    expect(communes).toEqual([spot.insee, spot.insee]);
  });

  it('refuses a point in no commune, whatever commune is supplied, and writes none of the statement\'s rows', async () => {
    const refused = await rolledBack(async (query) => {
      await query(insertPoints, [[pertuis[0], 4.9], [pertuis[1], 42.6], ['84089', '84089'], ['douane', 'douane'], ['T-fine', 'T-sea']]);
      return 'inserted';
    });
    expect(refused).toEqual({ error: expect.objectContaining({ code: '23514', constraint: 'deal_points_location_in_commune' }) });
    expect((await database.pool.query(`SELECT count(*)::int AS n FROM deal_points WHERE external_id IN ('T-fine', 'T-sea')`)).rows[0].n).toBe(0);
  });

  it('refuses a key another point holds through a merge, and a key given twice, as the unique key', async () => {
    const held = await rolledBack(async (query) => {
      const { rows: [kept] } = await query<{ id: string }>(insertPoints, [[pertuis[0]], [pertuis[1]], ['84089'], ['douane'], ['T-kept']]);
      // The absorbed point's key, now the kept point's (what a merge does).
      await query(`INSERT INTO deal_point_identifiers (source_code, external_id, deal_point_id) VALUES ('gendarmerie', 'T-absorbed', $1)`, [kept.id]);
      await query(insertPoints, [[pertuis[0], pertuis[0]], [pertuis[1], pertuis[1]], ['84089', '84089'], ['douane', 'gendarmerie'], ['T-new', 'T-absorbed']]);
      return 'inserted';
    });
    expect(held).toEqual({ error: expect.objectContaining({ code: '23505', constraint: 'deal_points_source_external_id_key' }) });
    // Both faults in one statement: the point at sea is refused first, as the row triggers did.
    const both = await rolledBack(async (query) => {
      const { rows: [kept] } = await query<{ id: string }>(insertPoints, [[pertuis[0]], [pertuis[1]], ['84089'], ['douane'], ['T-kept']]);
      await query(`INSERT INTO deal_point_identifiers (source_code, external_id, deal_point_id) VALUES ('gendarmerie', 'T-absorbed', $1)`, [kept.id]);
      await query(insertPoints, [[4.9, pertuis[0]], [42.6, pertuis[1]], ['84089', '84089'], ['douane', 'gendarmerie'], ['T-sea', 'T-absorbed']]);
      return 'inserted';
    });
    expect(both).toEqual({ error: expect.objectContaining({ code: '23514', constraint: 'deal_points_location_in_commune' }) });
    const twice = await rolledBack(async (query) => {
      await query(insertPoints, [[pertuis[0], pertuis[0]], [pertuis[1], pertuis[1]], ['84089', '84089'], ['douane', 'douane'], ['T-twice', 'T-twice']]);
      return 'inserted';
    });
    expect(twice).toEqual({ error: expect.objectContaining({ code: '23505' }) });
  });
});
