import { openEmbeddedDatabase } from '../server/database.js';
import { activeSpans } from '../server/queries/time-series.js';
const db = await openEmbeddedDatabase({ dataDirectory: '/tmp/sillage-dev' });
const params = ['2019-01-01', '2025-12-01', 5.0, 43.1, 5.8, 43.6, null, null, null, null, null];
for (const sql of [activeSpans('d.h3_r8')]) {
  let t = performance.now();
  const r = await db.pool.query(sql, params);
  console.log(r.rows.length, performance.now() - t);
  const e = await db.pool.query('EXPLAIN ANALYZE ' + sql, params);
  console.log(e.rows.map((x: any) => x['QUERY PLAN']).join('\n'));
}
await db.close();
