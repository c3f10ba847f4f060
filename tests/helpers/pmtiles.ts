/**
 * A small PMTiles v3 archive written by hand (the format's spec: 127-byte header, varint root
 * directory, JSON metadata, tile data; no compression): one street tile, for the offline basemap's
 * tests. Read back in the tests by the pmtiles library the browser uses, so a mistake here fails.
 */
import { writeFileSync } from 'node:fs';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import { zxyToTileId } from 'pmtiles';

export interface StreetTile { z: number; x: number; y: number; west: number; south: number; east: number; north: number; centre: [number, number]; bytes: Uint8Array }

function varints(values: number[]): number[] {
  const out: number[] = [];
  for (let value of values) {
    while (value >= 0x80) { out.push((value & 0x7f) | 0x80); value = Math.floor(value / 128); }
    out.push(value);
  }
  return out;
}

/** The z14 tile over a place, with one street across it (layer `roads`, kind minor_road, `name`). */
export function streetTile(longitude: number, latitude: number, name: string, z = 14): StreetTile {
  const n = 2 ** z;
  const x = Math.floor(((longitude + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan((latitude * Math.PI) / 180) + 1 / Math.cos((latitude * Math.PI) / 180)) / Math.PI) / 2) * n);
  const lon = (i: number) => (i / n) * 360 - 180;
  const lat = (j: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * j) / n))) * 180) / Math.PI;
  const bytes = fromGeojsonVt({ roads: { features: [{ id: 1, type: 2, geometry: [[[0, 2048], [4096, 2048]]], tags: { kind: 'minor_road', name } }] } as never }, { version: 2, extent: 4096 });
  return { z, x, y, west: lon(x), east: lon(x + 1), north: lat(y), south: lat(y + 1), centre: [(lon(x) + lon(x + 1)) / 2, (lat(y) + lat(y + 1)) / 2], bytes };
}

/** Writes a PMTiles archive holding that one tile; answers the archive's bytes. */
export function writePmtiles(path: string, tile: StreetTile): Uint8Array {
  const metadata = new TextEncoder().encode(JSON.stringify({ name: 'Sillage test streets', vector_layers: [{ id: 'roads', fields: { kind: 'String', name: 'String' } }] }));
  const tileId = zxyToTileId(tile.z, tile.x, tile.y);
  // One entry: tile id, run length 1, the tile's length, offset 0 (written as offset + 1).
  const directory = Uint8Array.from([...varints([1]), ...varints([tileId]), ...varints([1]), ...varints([tile.bytes.length]), ...varints([1])]);
  const header = new Uint8Array(127);
  const view = new DataView(header.buffer);
  header.set(new TextEncoder().encode('PMTiles'), 0);
  header[7] = 3;
  const rootOffset = 127;
  const metadataOffset = rootOffset + directory.length;
  const dataOffset = metadataOffset + metadata.length;
  const uint64 = [rootOffset, directory.length, metadataOffset, metadata.length, dataOffset, 0, dataOffset, tile.bytes.length, 1, 1, 1];
  uint64.forEach((value, i) => view.setBigUint64(8 + i * 8, BigInt(value), true));
  // leaf directories: offset dataOffset, length 0 (none)
  header[96] = 1; // clustered
  header[97] = 1; // internal compression: none
  header[98] = 1; // tile compression: none
  header[99] = 1; // tile type: MVT
  header[100] = tile.z;
  header[101] = tile.z;
  const e7 = (v: number) => Math.round(v * 1e7);
  view.setInt32(102, e7(tile.west), true);
  view.setInt32(106, e7(tile.south), true);
  view.setInt32(110, e7(tile.east), true);
  view.setInt32(114, e7(tile.north), true);
  header[118] = tile.z;
  view.setInt32(119, e7(tile.centre[0]), true);
  view.setInt32(123, e7(tile.centre[1]), true);
  const archive = new Uint8Array(dataOffset + tile.bytes.length);
  archive.set(header, 0);
  archive.set(directory, rootOffset);
  archive.set(metadata, metadataOffset);
  archive.set(tile.bytes, dataOffset);
  writeFileSync(path, archive);
  return archive;
}
