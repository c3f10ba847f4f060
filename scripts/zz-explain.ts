import pg from 'pg';
import { dealPointTileMvt } from '../server/queries/tiles.js';
const pool = new pg.Pool({ connectionString: process.argv[2] });
const sql = dealPointTileMvt.replace(/\$(\d+)/g, (_, n) => ['', '10', '527', '374', `'2025-06-30'`, 'NULL', 'NULL', 'NULL', 'NULL', 'NULL', 'NULL'][Number(n)]);
const { rows } = await pool.query('EXPLAIN (ANALYZE, BUFFERS) ' + sql);
console.log(rows.map((r) => r['QUERY PLAN']).join('\n'));
await pool.end();
