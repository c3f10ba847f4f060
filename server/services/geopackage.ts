/**
 * Writes a GeoPackage 1.3 (one feature table, WGS84) with sql.js: SQLite compiled to WebAssembly,
 * so no native build step (better-sqlite3 compiles from source here; @ngageoint/geopackage needs it).
 * Geometries come as ISO WKB (PostGIS ST_AsBinary) and get the GeoPackage binary header.
 * Version 1.3 on purpose: GDAL 3.6 warns on 1.4.
 */
import { createRequire } from 'node:module';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import * as sql from '../queries/geopackage.js';

export type GeoPackageColumnType = 'TEXT' | 'INTEGER' | 'REAL';
export interface GeoPackageLayer {
  table: string;
  description: string;
  geometryType: 'POINT' | 'MULTIPOLYGON';
  columns: { name: string; type: GeoPackageColumnType }[];
  features: { wkb: Uint8Array; envelope: [number, number, number, number] | null; values: (string | number | null)[] }[];
}

let sqlJs: Promise<SqlJsStatic> | null = null;
function loadSqlJs(): Promise<SqlJsStatic> {
  const wasm = createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm');
  sqlJs ??= initSqlJs({ locateFile: () => wasm });
  return sqlJs;
}

const identifier = /^[a-z][a-z0-9_]{0,62}$/;

/** GeoPackage binary geometry: "GP", version 0, flags (little endian, xy envelope or none), SRS id, WKB. */
export function geoPackageGeometry(wkb: Uint8Array, envelope: [number, number, number, number] | null, srsId = 4326): Uint8Array {
  const headerLength = 8 + (envelope ? 32 : 0);
  const out = new Uint8Array(headerLength + wkb.length);
  const view = new DataView(out.buffer);
  out[0] = 0x47; out[1] = 0x50; out[2] = 0;
  out[3] = (envelope ? 1 << 1 : 0) | 1;
  view.setInt32(4, srsId, true);
  if (envelope) envelope.forEach((value, i) => view.setFloat64(8 + i * 8, value, true));
  out.set(wkb, headerLength);
  return out;
}

export async function writeGeoPackage(layer: GeoPackageLayer, now: Date): Promise<Uint8Array> {
  if (!identifier.test(layer.table) || layer.columns.some((c) => !identifier.test(c.name))) throw new Error('GeoPackage: table and column names must be simple identifiers');
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  try {
    db.run(sql.header);
    for (const statement of sql.metadataTables) db.run(statement);
    db.run(sql.createFeatureTable(layer.table, layer.geometryType, layer.columns));
    const insert = db.prepare(sql.insertFeature(layer.table, layer.columns));
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    db.run('BEGIN');
    for (const feature of layer.features) {
      insert.run([geoPackageGeometry(feature.wkb, feature.envelope), ...feature.values]);
      if (feature.envelope) {
        minX = Math.min(minX, feature.envelope[0]); maxX = Math.max(maxX, feature.envelope[1]);
        minY = Math.min(minY, feature.envelope[2]); maxY = Math.max(maxY, feature.envelope[3]);
      }
    }
    db.run('COMMIT');
    insert.free();
    const bounds = Number.isFinite(minX) ? [minX, minY, maxX, maxY] : [null, null, null, null];
    db.run(sql.insertContents,
      [layer.table, 'features', layer.table, layer.description, now.toISOString().replace(/\.\d+Z$/, '.000Z'), ...bounds]);
    db.run(sql.insertGeometryColumn, [layer.table, layer.geometryType]);
    return db.export();
  } finally {
    db.close();
  }
}
