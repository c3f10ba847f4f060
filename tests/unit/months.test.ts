import { describe, expect, it } from 'vitest';
import { monthEnd, monthIndex, monthLabel, monthlyCounts, monthRange, monthStart, parseMonthWindow } from '../../server/domain/months.js';
import { labelMinPopulation, outlineMinPopulation } from '../../server/domain/commune-tiles.js';

describe('months', () => {
  it('counts months from January 2000 and back', () => {
    expect(monthIndex('2000-01')).toBe(0);
    expect(monthIndex('2019-01')).toBe(228);
    expect(monthIndex('1999-12')).toBe(-1);
    expect(monthLabel(228)).toBe('2019-01');
    expect(monthLabel(-1)).toBe('1999-12');
    expect(monthStart(311)).toBe('2025-12-01');
    expect([monthEnd('2024-02'), monthEnd('2023-02'), monthEnd('2025-12'), monthEnd('2024-04')]).toEqual(['2024-02-29', '2023-02-28', '2025-12-31', '2024-04-30']);
    expect(monthRange(238, 241)).toEqual(['2019-11', '2019-12', '2020-01', '2020-02']);
  });
});

describe('monthlyCounts (hand-computed)', () => {
  // Window: months 10..15 (6 months).
  const spans = [
    { pointId: 1, key: 'A', first: 8, last: 11 },   // active 10, 11
    { pointId: 1, key: 'A', first: 14, last: 99 },  // reopened: 14, 15
    { pointId: 2, key: 'A', first: 12, last: 12 },  // only 12
    { pointId: 3, key: 'B', first: 13, last: 13 },  // dismantled and reopened within month 13:
    { pointId: 3, key: 'B', first: 13, last: 15 },  // counts once in 13
    { pointId: 4, key: 'B', first: 20, last: 30 },  // after the window: absent
    { pointId: 5, key: 'A', first: 2, last: 9 },    // before the window: absent
  ];
  const counts = monthlyCounts(spans, 10, 15);

  it('counts points active during each month, once per point', () => {
    expect(counts.get('A')!.active).toEqual([1, 1, 1, 0, 1, 1]);
    expect(counts.get('B')!.active).toEqual([0, 0, 0, 1, 1, 1]);
  });
  it('counts distinct points since the window start', () => {
    expect(counts.get('A')!.cumulative).toEqual([1, 1, 2, 2, 2, 2]);
    expect(counts.get('B')!.cumulative).toEqual([0, 0, 0, 1, 1, 1]);
  });
  it('leaves out keys with no activity in the window', () => {
    expect([...counts.keys()].sort()).toEqual(['A', 'B']);
  });
});

describe('commune tile thresholds', () => {
  it('shows fewer communes at lower zooms, all of them from zoom 8 (outlines) and 11 (names)', () => {
    expect(outlineMinPopulation(5)).toBeGreaterThan(outlineMinPopulation(7));
    expect(outlineMinPopulation(8)).toBe(0);
    expect(labelMinPopulation(4)).toBe(Infinity);
    expect(labelMinPopulation(10)).toBeGreaterThan(0);
    expect(labelMinPopulation(11)).toBe(0);
  });
});

describe('parseMonthWindow (the one window check)', () => {
  it('gives indices, or the problem naming the caller\'s field', () => {
    expect(parseMonthWindow('2024-01', '2024-06')).toEqual({ window: { from: 288, to: 293 }, problems: [] });
    expect(parseMonthWindow('2024-06', '2024-01').problems).toEqual([{ field: 'querystring.to', reason: 'must not be before from (2024-06)' }]);
    expect(parseMonthWindow('2024-01', '2024-05', { minMonths: 6, fields: { from: 'body.from', to: 'body.to' } }).problems).toEqual([{ field: 'body.to', reason: 'the window must span at least 6 months' }]);
    expect(parseMonthWindow('2000-01', '2024-12', { maxMonths: 240 }).problems[0].reason).toBe('the window may span at most 240 months');
  });
});

describe('monthlyCounts on many overlapping periods', () => {
  it('agrees with counting every point month by month', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const spans: ActiveSpanForTest[] = [];
    for (let point = 1; point <= 400; point += 1) {
      const key = `k${point % 7}`;
      const recordKey = Math.floor(next() * 2 ** 31);
      for (let period = 0; period < 1 + Math.floor(next() * 4); period += 1) {
        const first = 280 + Math.floor(next() * 60);
        spans.push({ pointId: point, key, first, last: first + Math.floor(next() * 20), recordKey });
      }
    }
    const from = 290, to = 330;
    const counts = monthlyCounts(spans, from, to);
    for (const key of new Set(spans.map((s) => s.key))) {
      const expected = { active: [] as number[], cumulative: [] as number[], activeKeys: [] as number[], cumulativeKeys: [] as number[] };
      const seen = new Set<number>();
      for (let month = from; month <= to; month += 1) {
        const active = new Map(spans.filter((s) => s.key === key && s.first <= month && s.last >= month).map((s) => [s.pointId, s.recordKey]));
        for (const id of active.keys()) seen.add(id);
        const keyOf = (id: number) => spans.find((s) => s.pointId === id)!.recordKey;
        expected.active.push(active.size);
        expected.activeKeys.push([...active.keys()].reduce((sum, id) => (sum + keyOf(id)) % 2 ** 31, 0));
        expected.cumulative.push(seen.size);
        expected.cumulativeKeys.push([...seen].reduce((sum, id) => (sum + keyOf(id)) % 2 ** 31, 0));
      }
      if (expected.cumulative.at(-1) === 0) { expect(counts.has(key)).toBe(false); continue; }
      expect(counts.get(key)).toEqual(expected);
    }
  });
});
type ActiveSpanForTest = { pointId: number; key: string; first: number; last: number; recordKey: number };
