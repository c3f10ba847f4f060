/** Answers kept while their key holds (server/services/kept-answers.ts): shared, replaced, bounded, failures not kept. */
import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { keptNames, keptWhileUnchanged } from '../../server/services/kept-answers.js';

const pool = () => ({}) as pg.Pool;

describe('keptWhileUnchanged', () => {
  it('computes once per key, shared by concurrent calls, again when the key moves', async () => {
    const db = pool();
    let runs = 0;
    const compute = async () => { runs += 1; return runs; };
    expect(await Promise.all([keptWhileUnchanged(db, 'a', 'v1', compute), keptWhileUnchanged(db, 'a', 'v1', compute)])).toEqual([1, 1]);
    expect(await keptWhileUnchanged(db, 'a', 'v1', compute)).toBe(1);
    expect(await keptWhileUnchanged(db, 'a', 'v2', compute)).toBe(2);
    expect(await keptWhileUnchanged(pool(), 'a', 'v2', compute)).toBe(3); // another pool keeps its own
  });

  it('does not keep a failure', async () => {
    const db = pool();
    await expect(keptWhileUnchanged(db, 'a', 'v1', async () => { throw new Error('database unavailable'); })).rejects.toThrow('unavailable');
    expect(await keptWhileUnchanged(db, 'a', 'v1', async () => 'ok')).toBe('ok');
  });

  it('keeps at most keptNames names, dropping the least recently used', async () => {
    const db = pool();
    let runs = 0;
    const compute = async () => { runs += 1; return runs; };
    for (let i = 0; i < keptNames; i += 1) await keptWhileUnchanged(db, `n${i}`, 'v', compute);
    await keptWhileUnchanged(db, 'n0', 'v', compute); // used again: now the most recent
    await keptWhileUnchanged(db, 'extra', 'v', compute); // drops n1
    expect(runs).toBe(keptNames + 1);
    await keptWhileUnchanged(db, 'n0', 'v', compute);
    expect(runs).toBe(keptNames + 1);
    await keptWhileUnchanged(db, 'n1', 'v', compute);
    expect(runs).toBe(keptNames + 2);
  });
});
