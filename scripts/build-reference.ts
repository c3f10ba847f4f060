/**
 * Builds the compact reference files committed in db/reference/ from the public source data
 * (INSEE COG 2025 communes, IGN Admin Express 2018 commune polygons, department polygons, SSMSI).
 * Run once by a developer: `npm run build:reference -- <source data folder>`.
 * Sillage never reads the source folder at run time; it loads db/reference/ only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { feature, neighbors } from 'topojson-client';
import { parse } from 'csv-parse/sync';
import { centroid } from '@turf/turf';
import type { Topology, GeometryCollection } from 'topojson-specification';

const sourceDir = process.argv[2];
if (!sourceDir) {
  console.error('usage: npm run build:reference -- <folder holding communes/, geo/, ssmsi/>');
  process.exit(1);
}
const outDir = join(import.meta.dirname, '..', 'db', 'reference');

function writeGz(name: string, text: string): void {
  const bytes = gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
  writeFileSync(join(outDir, name), bytes);
  console.log(`${name}: ${(text.length / 1e6).toFixed(2)} MB -> ${(bytes.length / 1e6).toFixed(2)} MB gz`);
}

// 1. Communes (COG 2025 + municipal arrondissements)
type CommuneRow = { insee: string; type: string; name: string; dep: string; reg: string; parent_insee: string; population: string; lon: string; lat: string };
const communeRows: CommuneRow[] = parse(readFileSync(join(sourceDir, 'communes', 'communes_reference_cog2025.csv')), { columns: true });
const lines = ['insee,kind,name,department_code,region_code,parent_insee,population,lon,lat'];
const quote = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
for (const r of communeRows) {
  lines.push([r.insee, r.type, quote(r.name), r.dep, r.reg, r.parent_insee, r.population, r.lon, r.lat].join(','));
}
writeGz('communes.csv.gz', lines.join('\n') + '\n');
const currentCodes = new Map(communeRows.filter((r) => r.type === 'COM').map((r) => [r.insee, r]));

// 2. Commune polygons: 2018 boundaries, re-coded to the 2025 communes they now belong to.
// Parts of communes merged since 2018 carry codes that no longer exist; each such orphan takes the
// code of an adjacent current commune (merged communes are contiguous), nearest 2025 centre first.
const topology = JSON.parse(readFileSync(join(sourceDir, 'geo', 'communes_2018_simplified.topojson'), 'utf8')) as Topology;
const objectName = Object.keys(topology.objects)[0];
const collection = topology.objects[objectName] as GeometryCollection<{ code: string; nom?: string }>;
const geometries = collection.geometries;
const adjacency = neighbors(geometries as never);
const assigned: (string | null)[] = geometries.map((g) => (currentCodes.has((g.properties as { code: string }).code) ? (g.properties as { code: string }).code : null));
const orphanCentres = new Map<number, [number, number]>();
geometries.forEach((g, i) => {
  if (assigned[i] === null) {
    const f = feature(topology, g as never) as unknown as GeoJSON.Feature;
    orphanCentres.set(i, centroid(f).geometry.coordinates as [number, number]);
  }
});
let changed = true;
while (changed) {
  changed = false;
  for (const [i, [lon, lat]] of orphanCentres) {
    if (assigned[i] !== null) continue;
    let best: string | null = null;
    let bestDistance = Infinity;
    for (const j of adjacency[i]) {
      const code = assigned[j];
      if (!code) continue;
      const c = currentCodes.get(code)!;
      const d = (Number(c.lon) - lon) ** 2 + (Number(c.lat) - lat) ** 2;
      if (d < bestDistance) { bestDistance = d; best = code; }
    }
    if (best) { assigned[i] = best; changed = true; }
  }
}
const unassigned = assigned.filter((c) => c === null).length;
collection.geometries = geometries
  .map((g, i) => ({ ...g, properties: { insee: assigned[i] } }))
  .filter((g) => g.properties.insee !== null) as never;
topology.objects = { communes: collection };
writeGz('commune-polygons.topojson.gz', JSON.stringify(topology));
console.log(`commune polygons: ${geometries.length} parts, ${orphanCentres.size} re-coded to a 2025 commune, ${unassigned} left without one`);

// 3. Department polygons (metropolitan + overseas), coordinates rounded to 1e-4 degrees (~10 m).
const departments = JSON.parse(readFileSync(join(sourceDir, 'geo', 'gd_departements-avec-outre-mer.geojson'), 'utf8')) as GeoJSON.FeatureCollection;
const round = (value: unknown): unknown => (Array.isArray(value) ? value.map(round) : Math.round((value as number) * 1e4) / 1e4);
for (const f of departments.features) {
  (f.geometry as GeoJSON.MultiPolygon).coordinates = round((f.geometry as GeoJSON.MultiPolygon).coordinates) as never;
  f.properties = { code: f.properties!.code, name: f.properties!.nom };
}
writeGz('departments.geojson.gz', JSON.stringify(departments));

// 4. SSMSI departmental base (all 18 indicators, 2016-2025), as published.
const ssmsi = readFileSync(join(sourceDir, 'ssmsi', 'ssmsi_departements_2016_2025.csv'), 'utf8');
writeGz('ssmsi-departements-2016-2025.csv.gz', ssmsi);
