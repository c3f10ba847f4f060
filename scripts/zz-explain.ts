import pg from 'pg';
import { spansQuery } from '../server/services/time-series.js';
const pool = new pg.Pool({ connectionString: process.argv[2] });
const params = ['2019-01-01', '2025-12-01', null, null, null, null, null, null, null, null, null, null, null];
const { rows } = await pool.query(`EXPLAIN ${process.argv[3] ?? ''} ` + spansQuery('h3_7', { underWayVisibleIn: null }), params);
console.log(rows.map((r) => r['QUERY PLAN']).join('\n'));
await pool.end();
