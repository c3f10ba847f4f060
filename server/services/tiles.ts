import type pg from 'pg';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import { geoJSONToTile } from '@maplibre/geojson-vt';
import { tileBounds, tileExtent, tilePosition, type TileAddress } from '../domain/tile-coordinates.js';
import { labelMinPopulation, outlineMinPopulation } from '../domain/commune-tiles.js';
import { communeTileMvt, communeTileRows, dataVersion as dataVersionSql, operationsUnderWay as operationsUnderWaySql, dealPointTileMvt, dealPointTileRows } from '../queries/tiles.js';
import { withoutJit } from './without-jit.js';

export interface TileFilter { at: string; statuses: string[] | null; dataset: string | null; departments?: string[] | null; window?: { from: string; to: string } | null; minimumSources?: number | null }
export type TileEncoder = 'postgis' | 'js';

/** A point's active periods as months YYYY-MM; null where the bound does not exist (left out of the tile). */
interface TileRow {
  id: number; status: string; source: string; dataset: string;
  active_from: string | null; active_until: string | null; reopened_from: string | null; reopened_until: string | null;
  longitude: number; latitude: number;
}

/** Encodes points as an MVT layer `deal_points` with vt-pbf, the way ST_AsMVT would. */
/**
 * The registry's data version (bumped by every write to points and their histories): the key of
 * the tile and cube caches. Read before the data, from the same database, so that an entry can
 * be newer than its key, never older.
 */
export async function dataVersion(db: pg.Pool): Promise<string> {
  const { rows: [{ version }] } = await db.query<{ version: string }>(dataVersionSql);
  return version;
}

/**
 * The operations under way today, as one text: with the data version, what an answer hiding
 * their status changes (every reader but a national analyst) depends on, since the version does
 * not follow an operation's end.
 */
export async function operationsUnderWay(db: pg.Pool): Promise<string> {
  const { rows: [{ ids }] } = await db.query<{ ids: string }>(operationsUnderWaySql);
  return ids;
}

export function encodePointTile(rows: TileRow[], tile: TileAddress): Uint8Array {
  const features = rows.map((row) => ({
    id: row.id,
    type: 1 as const,
    geometry: [tilePosition(row.longitude, row.latitude, tile)],
    tags: { status: row.status, source: row.source, dataset: row.dataset, active_from: row.active_from, active_until: row.active_until, reopened_from: row.reopened_from, reopened_until: row.reopened_until },
  }));
  return fromGeojsonVt({ deal_points: { features } as never }, { version: 2, extent: tileExtent });
}

export async function dealPointTile(db: pg.Pool, tile: TileAddress, filter: TileFilter, encoder: TileEncoder): Promise<{ bytes: Uint8Array; count: number }> {
  const params = [tile.z, tile.x, tile.y, filter.at, filter.statuses, filter.dataset, filter.departments ?? null, filter.window?.from ?? null, filter.window?.to ?? null, filter.minimumSources ?? null];
  if (encoder === 'postgis') {
    const { rows } = await withoutJit(db, (client) => client.query<{ tile: Buffer; count: number }>(dealPointTileMvt, params));
    return { bytes: rows[0].tile, count: rows[0].count };
  }
  const { rows } = await withoutJit(db, (client) => client.query<TileRow>(dealPointTileRows, params));
  return { bytes: rows.length ? encodePointTile(rows, tile) : new Uint8Array(0), count: rows.length };
}

interface CommuneTileRow { id: number; insee: string; name: string; size_class: string; population: number; outline: string | null; longitude: number; latitude: number; labelled: boolean }

/** Commune outlines (layer `communes`) and names (layer `commune_labels`), fewer at low zooms. */
export async function communeTile(db: pg.Pool, tile: TileAddress, encoder: TileEncoder): Promise<Uint8Array> {
  const outlines = outlineMinPopulation(tile.z);
  const labels = Math.min(labelMinPopulation(tile.z), 100_000_000);
  if (encoder === 'postgis') {
    const { rows } = await db.query<{ tile: Buffer }>(communeTileMvt, [tile.z, tile.x, tile.y, outlines, labels]);
    return rows[0].tile;
  }
  const [west, , east] = tileBounds(tile);
  const { rows } = await db.query<CommuneTileRow>(communeTileRows, [tile.z, tile.x, tile.y, outlines, labels, (east - west) / tileExtent]);
  const properties = (row: CommuneTileRow) => ({ insee: row.insee, name: row.name, size_class: row.size_class, population: row.population });
  const outlineFeatures = rows.filter((row) => row.outline).map((row) => ({ type: 'Feature' as const, id: row.id, properties: properties(row), geometry: JSON.parse(row.outline!) }));
  const labelFeatures = rows.filter((row) => row.labelled).map((row) => ({ type: 'Feature' as const, id: row.id, properties: properties(row), geometry: { type: 'Point' as const, coordinates: [row.longitude, row.latitude] } }));
  if (!outlineFeatures.length && !labelFeatures.length) return new Uint8Array(0);
  const options = { extent: tileExtent, buffer: 64, clip: true, tolerance: 1 };
  const layers: Record<string, unknown> = {};
  if (outlineFeatures.length) layers.communes = geoJSONToTile({ type: 'FeatureCollection', features: outlineFeatures }, tile.z, tile.x, tile.y, options);
  if (labelFeatures.length) layers.commune_labels = geoJSONToTile({ type: 'FeatureCollection', features: labelFeatures }, tile.z, tile.x, tile.y, options);
  return fromGeojsonVt(layers as never, { version: 2, extent: tileExtent });
}
