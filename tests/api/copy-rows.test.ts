/**
 * Rows streamed through COPY (server/database/copy-rows.ts) are the rows the query gives, on both
 * databases: NULLs, tabs, newlines, backslashes and accented text, across chunk boundaries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/database/connection.js';
import { copyRows } from '../../server/database/copy-rows.js';
import { connect, targets } from '../helpers/databases.js';

const query = `SELECT g::text AS n, CASE WHEN g % 7 = 0 THEN NULL ELSE 'Évry–Courcouronnes ' || g || E'\\t\\\\ \\n' || repeat('é', g % 50) END AS t
FROM generate_series(1, 20000) g ORDER BY g`;

describe.each(targets())('copyRows on the %s database', (target) => {
  let database: Database;
  beforeAll(() => { database = connect(target); });
  afterAll(async () => database?.close());

  it('gives the same fields as the query itself', async () => {
    const { rows } = await database.pool.query<{ n: string; t: string | null }>(query);
    const copied: (string | null)[][] = [];
    const client = await database.pool.connect();
    try {
      expect(await copyRows(client, query, (fields) => copied.push(fields))).toBe(20000);
    } finally {
      client.release();
    }
    expect(copied).toEqual(rows.map((r) => [r.n, r.t]));
    expect(copied.filter(([, t]) => t === null)).toHaveLength(2857);
  });
});
