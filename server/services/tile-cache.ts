/**
 * In-process cache of encoded tiles, least recently used first out, bounded in bytes. Deal-point
 * tiles are keyed by the data version (migration 0016: raised by every statement changing deal
 * points, their events, observations or identifiers), so an entry is never served once the data
 * has changed; the reader's filter and departments are part of the key.
 */
import { createHash } from 'node:crypto';

export interface CachedTile {
  bytes: Uint8Array; etag: string; count: number;
  /** The bytes gzipped once, for answers served compressed again and again (the cube). */
  gzipped?: Uint8Array;
}

/** Strong ETag of a tile's bytes. */
export function etagOf(bytes: Uint8Array): string {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
}

const costOf = (key: string, entry: CachedTile) => entry.bytes.byteLength + (entry.gzipped?.byteLength ?? 0) + key.length + 64;

export class TileCache {
  private readonly entries = new Map<string, CachedTile>();
  private size = 0;
  hits = 0;
  misses = 0;
  constructor(private readonly maxBytes: number) {}

  get(key: string): CachedTile | undefined {
    const entry = this.entries.get(key);
    if (!entry) { this.misses += 1; return undefined; }
    this.hits += 1;
    // Most recently used last: Map keeps insertion order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, bytes: Uint8Array, count: number, gzipped?: Uint8Array): CachedTile {
    const entry: CachedTile = { bytes, etag: etagOf(bytes), count, gzipped };
    const cost = costOf(key, entry);
    if (cost > this.maxBytes) return entry;
    const previous = this.entries.get(key);
    if (previous) { this.entries.delete(key); this.size -= costOf(key, previous); }
    this.entries.set(key, entry);
    this.size += cost;
    for (const [oldest, value] of this.entries) {
      if (this.size <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.size -= costOf(oldest, value);
    }
    return entry;
  }

  get bytes(): number { return this.size; }
  get length(): number { return this.entries.size; }
}
