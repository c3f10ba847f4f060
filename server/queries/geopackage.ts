/**
 * The SQLite statements that write a GeoPackage 1.3 file (services/geopackage.ts, with sql.js): its
 * metadata tables, a feature table and the rows describing it. Not the registry's database.
 */

/** The file's identity: a GeoPackage ("GPKG"), version 1.3. */
export const header = 'PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;';

/** The metadata tables every GeoPackage has, with the spatial reference systems it needs (WGS 84). */
export const metadataTables = [
  `CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
      organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)`,
  `INSERT INTO gpkg_spatial_ref_sys VALUES
      ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
      ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
      ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')`,
  `CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
      last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
      srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))`,
  `CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
      srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
      CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))`,
];

/** The feature table (names checked as simple identifiers by the writer). */
export const createFeatureTable = (table: string, geometryType: string, columns: { name: string; type: string }[]) =>
  `CREATE TABLE "${table}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom ${geometryType}${columns.length ? `, ${columns.map((c) => `"${c.name}" ${c.type}`).join(', ')}` : ''})`;

/** One feature: its geometry, then its values in the columns' order. */
export const insertFeature = (table: string, columns: { name: string }[]) =>
  `INSERT INTO "${table}" (geom${columns.map((c) => `, "${c.name}"`).join('')}) VALUES (?${', ?'.repeat(columns.length)})`;

/** The layer's entry in gpkg_contents (name, description, time of last change, bounds). */
export const insertContents = 'INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 4326)';

/** The layer's geometry column (geom, in WGS 84, no Z or M). */
export const insertGeometryColumn = "INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, 4326, 0, 0)";
