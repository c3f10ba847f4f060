import { describe, expect, it } from 'vitest';
import { TileCache, etagOf } from '../../server/services/tile-cache.js';

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe('the tile cache', () => {
  it('gives back what it holds with a strong ETag of the bytes', () => {
    const cache = new TileCache(10_000);
    const stored = cache.set('a', bytes(100), 3);
    expect(stored.etag).toBe(etagOf(bytes(100)));
    expect(stored.etag).not.toBe(etagOf(bytes(100, 2)));
    expect(cache.get('a')).toEqual({ bytes: bytes(100), etag: stored.etag, count: 3 });
    expect(cache.get('b')).toBeUndefined();
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
  });

  it('stays within its byte budget, letting the least recently used go first', () => {
    const cache = new TileCache(3 * (1000 + 1 + 64));
    cache.set('a', bytes(1000), 0);
    cache.set('b', bytes(1000), 0);
    cache.set('c', bytes(1000), 0);
    cache.get('a');
    cache.set('d', bytes(1000), 0);
    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((k) => cache.get(k) !== undefined)).toEqual([true, true, true]);
    expect(cache.bytes).toBeLessThanOrEqual(3 * 1065);
    expect(cache.length).toBe(3);
  });

  it('keeps nothing with no budget, and never a tile larger than the budget', () => {
    const none = new TileCache(0);
    expect(none.set('a', bytes(10), 1).count).toBe(1);
    expect(none.get('a')).toBeUndefined();
    const small = new TileCache(500);
    small.set('big', bytes(1000), 0);
    expect(small.length).toBe(0);
  });

  it('replaces an entry under the same key without counting it twice', () => {
    const cache = new TileCache(10_000);
    cache.set('a', bytes(1000), 1);
    cache.set('a', bytes(500), 2);
    expect(cache.length).toBe(1);
    expect(cache.bytes).toBe(500 + 1 + 64);
    expect(cache.get('a')!.count).toBe(2);
  });
});
