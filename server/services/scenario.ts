/**
 * The demo scenario's I/O: reads the geography from db/reference, writes the scenario's files
 * (with the ground truth beside them, never loaded) and loads them through the importers.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type pg from 'pg';
import { referenceDirectory } from '../reference-files.js';
import { boundsOf, type ScenarioCommune } from '../domain/scenario/geography.js';
import { generateScenario, type ScenarioVariant } from '../domain/scenario/generate.js';
import { serializeScenario, type ScenarioFiles } from '../domain/scenario/serialize.js';
import { importFile, type ImportProgress } from './imports.js';
import { withTransaction } from '../database/transactions.js';
import * as sql from '../queries/scenario.js';

export const defaultScenarioSeed = 20190101;

function readReference(name: string): string {
  return gunzipSync(readFileSync(join(referenceDirectory, name))).toString('utf8');
}

export interface ScenarioGeography { communes: ScenarioCommune[]; trafficking: Map<string, number> }

/** Communes with outlines (parts merged per 2025 commune) and 2020 trafficking per department. */
export function readScenarioGeography(): ScenarioGeography {
  const rows = parse(readReference('communes.csv.gz'), { columns: true }) as { insee: string; kind: string; name: string; department_code: string; population: string; lon: string; lat: string }[];
  const topology = JSON.parse(readReference('commune-polygons.topojson.gz')) as Topology;
  const parts = new Map<string, GeoJSON.Position[][][]>();
  for (const geometry of (topology.objects.communes as GeometryCollection<{ insee: string }>).geometries) {
    const shape = (feature(topology, geometry as never) as unknown as GeoJSON.Feature<GeoJSON.Polygon | GeoJSON.MultiPolygon, { insee: string }>);
    const polygons = shape.geometry.type === 'Polygon' ? [shape.geometry.coordinates] : shape.geometry.coordinates;
    const insee = shape.properties.insee;
    parts.set(insee, [...(parts.get(insee) ?? []), ...polygons]);
  }
  const communes: ScenarioCommune[] = [];
  for (const row of rows) {
    if (row.kind !== 'COM' || !parts.has(row.insee)) continue;
    const outline: GeoJSON.MultiPolygon = { type: 'MultiPolygon', coordinates: parts.get(row.insee)! };
    communes.push({ insee: row.insee, name: row.name, department: row.department_code, population: Number(row.population), longitude: Number(row.lon), latitude: Number(row.lat), outline, bounds: boundsOf(outline) });
  }
  const trafficking = new Map<string, number>();
  const statistics = parse(readReference('ssmsi-departements-2016-2025.csv.gz'), { columns: true }) as { dep: string; annee: string; indicateur: string; nombre: string }[];
  for (const s of statistics) {
    if (s.annee === '2020' && s.indicateur === 'Trafic de stupéfiants' && s.nombre !== 'NA') trafficking.set(s.dep, Number(s.nombre));
  }
  return { communes, trafficking };
}

export function buildScenarioFiles(seed: number, variant: ScenarioVariant, geography = readScenarioGeography(), options: { duplicates?: { share: number } } = {}): ScenarioFiles {
  return serializeScenario(generateScenario({ seed, variant, communes: geography.communes, trafficking: geography.trafficking, ...options }));
}

export function writeScenarioFiles(directory: string, files: ScenarioFiles): void {
  mkdirSync(directory, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
}

export interface ScenarioLoadReport { networks: number; operations: number; dealPoints: number; observations: number; elapsedMs: number }

/** Loads the scenario (all synthetic) through the importers; the ground truth is left out. */
export async function loadScenario(pool: pg.Pool, files: ScenarioFiles, progress: ImportProgress = () => {}): Promise<ScenarioLoadReport> {
  const started = performance.now();
  const networks = parse(files['networks.csv'], { columns: true, delimiter: ';' }) as { external_id: string; source: string; name: string }[];
  await withTransaction(pool, async (client) => {
    await client.query(
      sql.upsertNetworks,
      [networks.map((n) => n.name), networks.map((n) => n.source), networks.map((n) => n.external_id)],
    );
  });
  progress('networks', networks.length, networks.length);
  const operations = await importFile(pool, files['operations.geojson'], { kind: 'operations', onProgress: progress });
  const dealPoints = await importFile(pool, files['deal-points.csv'], { kind: 'deal-points', onProgress: progress });
  const observations = await importFile(pool, files['observations.csv'], { kind: 'observations', onProgress: progress });
  // Fresh planner statistics: without them a freshly loaded table looks empty and joins go quadratic.
  await pool.query(sql.analyzeHistory);
  return { networks: networks.length, operations: operations.rows, dealPoints: dealPoints.rows, observations: observations.rows, elapsedMs: Math.round(performance.now() - started) };
}

/** Removes every synthetic record (scenario reset); real data is untouched. */
export async function removeSyntheticData(pool: pg.Pool): Promise<void> {
  await withTransaction(pool, async (client) => {
    for (const statement of sql.removeSynthetic) await client.query(statement);
  });
}
