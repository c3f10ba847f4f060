/**
 * Writes a GeoPackage 1.3 (one feature table, WGS84) with sql.js: SQLite compiled to WebAssembly,
 * so no native build step (better-sqlite3 compiles from source here; @ngageoint/geopackage needs it).
 * Geometries come as ISO WKB (PostGIS ST_AsBinary) and get the GeoPackage binary header.
 * Version 1.3 on purpose: GDAL 3.6 warns on 1.4.
 */
import { createRequire } from 'node:module';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

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
    db.run('PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;');
    db.run(`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
      organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)`);
    db.run(`INSERT INTO gpkg_spatial_ref_sys VALUES
      ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
      ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
      ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')`);
    db.run(`CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
      last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
      srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))`);
    db.run(`CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
      srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
      CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))`);
    const columns = layer.columns.map((c) => `"${c.name}" ${c.type}`).join(', ');
    db.run(`CREATE TABLE "${layer.table}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom ${layer.geometryType}${columns ? `, ${columns}` : ''})`);
    const insert = db.prepare(`INSERT INTO "${layer.table}" (geom${layer.columns.map((c) => `, "${c.name}"`).join('')}) VALUES (?${', ?'.repeat(layer.columns.length)})`);
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
    db.run('INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 4326)',
      [layer.table, 'features', layer.table, layer.description, now.toISOString().replace(/\.\d+Z$/, '.000Z'), ...bounds]);
    db.run('INSERT INTO gpkg_geometry_columns VALUES (?, \'geom\', ?, 4326, 0, 0)', [layer.table, layer.geometryType]);
    return db.export();
  } finally {
    db.close();
  }
}
