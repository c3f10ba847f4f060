/**
 * Loads the compact reference files of db/reference (communes, commune and department polygons)
 * into the database. Idempotent: each file is loaded in one transaction and recorded with its
 * checksum; an unchanged file is skipped, a changed one is upserted.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type pg from 'pg';
import { normalizeSearchText } from './domain/text-search.js';
import { withTransaction } from './database/transactions.js';
import * as sql from './queries/reference-data.js';
import { importCrimeStatisticsWith } from './services/crime-statistics.js';

import { referenceDirectory } from './reference-files.js';

export type ReferenceProgress = (step: string, done: number, total: number) => void;

interface ReferenceFile {
  name: string;
  load(client: pg.PoolClient, text: string, progress: ReferenceProgress): Promise<number>;
}

async function loadDepartments(client: pg.PoolClient, text: string): Promise<number> {
  const collection = JSON.parse(text) as GeoJSON.FeatureCollection<GeoJSON.MultiPolygon | GeoJSON.Polygon, { code: string; name: string }>;
  const communes = readReferenceText('communes.csv.gz');
  const regionOf = new Map<string, string>();
  for (const row of parse(communes, { columns: true }) as { department_code: string; region_code: string }[]) {
    regionOf.set(row.department_code, row.region_code);
  }
  const features = collection.features;
  await client.query(
    sql.upsertDepartments,
    [
      features.map((f) => f.properties.code),
      features.map((f) => f.properties.name),
      features.map((f) => regionOf.get(f.properties.code) ?? null),
      features.map((f) => JSON.stringify(f.geometry)),
    ],
  );
  return features.length;
}

interface CommuneRow {
  insee: string; kind: string; name: string; department_code: string; region_code: string;
  parent_insee: string; population: string; lon: string; lat: string;
}

async function loadCommunes(client: pg.PoolClient, text: string, progress: ReferenceProgress): Promise<number> {
  const rows = (parse(text, { columns: true }) as CommuneRow[])
    // Cities before their arrondissements, for the parent foreign key.
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'COM' ? -1 : 1));
  const batchSize = 5000;
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    await client.query(
      sql.upsertCommunes,
      [
        batch.map((r) => r.insee), batch.map((r) => r.kind), batch.map((r) => r.name),
        batch.map((r) => normalizeSearchText(r.name)), batch.map((r) => r.department_code),
        batch.map((r) => r.region_code || null), batch.map((r) => r.parent_insee || null),
        batch.map((r) => Number(r.population)), batch.map((r) => Number(r.lon)), batch.map((r) => Number(r.lat)),
      ],
    );
    progress('communes', Math.min(start + batchSize, rows.length), rows.length);
  }
  return rows.length;
}

async function loadCommunePolygons(client: pg.PoolClient, text: string, progress: ReferenceProgress): Promise<number> {
  const topology = JSON.parse(text) as Topology;
  const collection = topology.objects.communes as GeometryCollection<{ insee: string }>;
  await client.query(sql.createCommuneParts);
  const geometries = collection.geometries;
  const batchSize = 2000;
  for (let start = 0; start < geometries.length; start += batchSize) {
    const batch = geometries.slice(start, start + batchSize);
    const parts = batch.map((g) => feature(topology, g as never) as unknown as GeoJSON.Feature<GeoJSON.Geometry, { insee: string }>);
    await client.query(
      sql.insertCommuneParts,
      [parts.map((p) => p.properties.insee), parts.map((p) => JSON.stringify(p.geometry))],
    );
    progress('commune polygons', Math.min(start + batchSize, geometries.length), geometries.length);
  }
  const { rowCount } = await client.query(
    sql.setCommuneOutlines,
  );
  return rowCount ?? 0;
}

async function loadSizeClassOverrides(client: pg.PoolClient, text: string): Promise<number> {
  const rows = parse(text, { columns: true }) as { insee: string; size_class: string; reason: string }[];
  await client.query(sql.deleteSizeClassOverrides);
  await client.query(
    sql.insertSizeClassOverrides,
    [rows.map((r) => r.insee), rows.map((r) => r.size_class), rows.map((r) => r.reason)],
  );
  return rows.length;
}

const referenceFiles: ReferenceFile[] = [
  { name: 'departments.geojson.gz', load: loadDepartments },
  { name: 'communes.csv.gz', load: loadCommunes },
  { name: 'commune-polygons.topojson.gz', load: loadCommunePolygons },
  { name: 'size-class-overrides.csv', load: loadSizeClassOverrides },
  { name: 'ssmsi-departements-2016-2025.csv.gz', load: async (client, text) => (await importCrimeStatisticsWith(client, text, 'departments')).rows },
];

function decode(name: string, bytes: Buffer): string {
  return (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

function readReferenceText(name: string): string {
  return decode(name, readFileSync(`${referenceDirectory}/${name}`));
}

export interface ReferenceLoadResult { name: string; rows: number; skipped: boolean }

export async function loadReferenceData(pool: pg.Pool, progress: ReferenceProgress = () => {}): Promise<ReferenceLoadResult[]> {
  const results: ReferenceLoadResult[] = [];
  for (const file of referenceFiles) {
    const bytes = readFileSync(`${referenceDirectory}/${file.name}`);
    const checksum = createHash('sha256').update(bytes).digest('hex');
    const { rows } = await pool.query<{ checksum: string }>(sql.loadedChecksum, [file.name]);
    if (rows[0]?.checksum === checksum) {
      results.push({ name: file.name, rows: 0, skipped: true });
      continue;
    }
    const count = await withTransaction(pool, async (client) => {
      const loaded = await file.load(client, decode(file.name, bytes), progress);
      await client.query(
        sql.recordLoad,
        [file.name, checksum, loaded],
      );
      return loaded;
    });
    results.push({ name: file.name, rows: count, skipped: false });
  }
  return results;
}
