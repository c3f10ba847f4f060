import type pg from 'pg';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import { tileExtent, tilePosition, type TileAddress } from '../domain/tile-coordinates.js';
import { dealPointTileMvt, dealPointTileRows } from '../queries/tiles.js';

export interface TileFilter { at: string; statuses: string[] | null; dataset: string | null; departments?: string[] | null }
export type TileEncoder = 'postgis' | 'js';

interface TileRow { id: number; status: string; source: string; dataset: string; longitude: number; latitude: number }

/** Encodes points as an MVT layer `deal_points` with vt-pbf, the way ST_AsMVT would. */
export function encodePointTile(rows: TileRow[], tile: TileAddress): Uint8Array {
  const features = rows.map((row) => ({
    id: row.id,
    type: 1 as const,
    geometry: [tilePosition(row.longitude, row.latitude, tile)],
    tags: { status: row.status, source: row.source, dataset: row.dataset },
  }));
  return fromGeojsonVt({ deal_points: { features } as never }, { version: 2, extent: tileExtent });
}

export async function dealPointTile(db: pg.Pool, tile: TileAddress, filter: TileFilter, encoder: TileEncoder): Promise<{ bytes: Uint8Array; count: number }> {
  const params = [tile.z, tile.x, tile.y, filter.at, filter.statuses, filter.dataset, filter.departments ?? null];
  if (encoder === 'postgis') {
    const { rows } = await db.query<{ tile: Buffer; count: number }>(dealPointTileMvt, params);
    return { bytes: rows[0].tile, count: rows[0].count };
  }
  const { rows } = await db.query<TileRow>(dealPointTileRows, params);
  return { bytes: rows.length ? encodePointTile(rows, tile) : new Uint8Array(0), count: rows.length };
}
