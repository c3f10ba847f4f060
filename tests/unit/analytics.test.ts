/**
 * Displacement analytics: hand-computed cases, the 17 hot-spot patterns, and the scenario's
 * planted truth (destination towns recovered, diffusion and no-effect operations read as such,
 * no significant displacement on null scenarios).
 */
import { describe, expect, it } from 'vitest';
import { latLngToCell, gridDisk } from 'h3-js';
import { effectMeasures, operationAreas, areaCounts, defaultEffectOptions } from '../../server/domain/analytics/displacement.js';
import { classifyPattern, emergingHotSpots, runToEnd } from '../../server/domain/analytics/hot-spots.js';
import { benjaminiHochberg, mannKendall, poissonUpperTail, haversineKm } from '../../server/domain/analytics/statistics.js';
import { addMonths, type PointHistory } from '../../server/domain/analytics/history.js';
import { analyseScenarioOperations, plantedReading } from '../helpers/scenario-histories.js';

describe('Weighted Displacement Quotient, Total Net Effect, WDD (hand-computed)', () => {
  it('reads partial displacement with the net benefit kept', () => {
    // A: 20 -> 10, B: 10 -> 12, C: 100 -> 100. WDQ = (0.12 - 0.10) / (0.10 - 0.20) = -0.2.
    const m = effectMeasures({ a0: 20, a1: 10, b0: 10, b1: 12, c0: 100, c1: 100 });
    expect(m.wdq.value).toBeCloseTo(-0.2, 6);
    expect(m.tne.value).toBeCloseTo(8, 6); // (20 - 10) + (10 - 12)
    expect(m.wdd.value).toBeCloseTo(-8, 6);
    // Var = A1 + B1 + (A0 + B0) + ((A0 + B0)/C0)^2 C1 + ((A0 + B0) C1 / C0^2)^2 C0 = 10 + 12 + 30 + 9 + 9 = 70.
    expect(m.wdd.standard_error).toBeCloseTo(Math.sqrt(70), 2);
    expect(m.verdict).toBe('deplacement_partiel');
    expect(m.reading).toContain('déplacement partiel, bénéfice net conservé');
  });
  it('reads diffusion of benefits, larger than the direct effect', () => {
    // A: 20 -> 15 (-0.05), B: 30 -> 20 (-0.10): WDQ = 2.
    const m = effectMeasures({ a0: 20, a1: 15, b0: 30, b1: 20, c0: 100, c1: 100 });
    expect(m.wdq.value).toBeCloseTo(2, 6);
    expect(m.verdict).toBe('diffusion_superieure');
  });
  it('reads displacement larger than the benefit, and no direct effect', () => {
    expect(effectMeasures({ a0: 20, a1: 10, b0: 10, b1: 25, c0: 100, c1: 100 }).verdict).toBe('deplacement_superieur');
    const none = effectMeasures({ a0: 10, a1: 15, b0: 10, b1: 10, c0: 100, c1: 100 });
    expect(none.verdict).toBe('pas_d_effet_direct');
    expect(none.reading).toContain('Pas d’effet direct');
  });
  it('says "indéfini", never NaN or Infinity, on zero counts', () => {
    for (const counts of [{ a0: 5, a1: 1, b0: 3, b1: 4, c0: 0, c1: 10 }, { a0: 5, a1: 1, b0: 3, b1: 4, c0: 10, c1: 0 }, { a0: 0, a1: 1, b0: 3, b1: 4, c0: 10, c1: 10 }, { a0: 10, a1: 10, b0: 3, b1: 4, c0: 10, c1: 10 }]) {
      const m = effectMeasures(counts);
      expect(m.verdict).toBe('indefini');
      expect(m.wdq.value).toBeNull();
      expect(m.wdq.undefined_reason ?? m.reading).toMatch(/indéfini|Indéfini/);
      expect(JSON.stringify(m)).not.toMatch(/NaN|Infinity/);
    }
  });
  it('counts areas from point histories as means of monthly samples', () => {
    const centre = latLngToCell(43.3, 5.4, 8);
    const ring = gridDisk(centre, 1).find((c) => c !== centre)!;
    const far = latLngToCell(43.6, 5.9, 8);
    const point = (id: number, cell: string, periods: PointHistory['periods']): PointHistory => ({ id, longitude: 0, latitude: 0, cell, commune: '13055', communeName: 'Marseille', sizeClass: 'metropole', department: '13', periods, dismantledBy: [] });
    const points = [
      point(1, centre, [{ from: '2023-01-01', until: '2024-01-10' }]), // in A before only
      point(2, ring, [{ from: '2024-02-01', until: null }]),           // in B after only
      point(3, far, [{ from: '2020-01-01', until: null }]),            // C both
      point(4, far, [{ from: '2023-10-01', until: null }]),            // C: 3 of 6 samples before, all after
    ];
    const areas = operationAreas([centre], 1);
    const counts = areaCounts(points, areas, '2024-01-15', defaultEffectOptions, (p) => p.department === '13');
    expect(counts).toEqual({ a0: 1, a1: 0, b0: 0, b1: 1, c0: 1.5, c1: 2 });
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
  });
});

describe('statistics helpers (hand-computed)', () => {
  it('computes Benjamini-Hochberg, Poisson tails, Mann-Kendall and distances', () => {
    expect(benjaminiHochberg([0.01, 0.04, 0.03, 0.2], 0.05)).toEqual([true, false, false, false]);
    expect(benjaminiHochberg([0.01, 0.02, 0.03, 0.04], 0.05)).toEqual([true, true, true, true]);
    expect(poissonUpperTail(3, 1)).toBeCloseTo(1 - Math.exp(-1) * (1 + 1 + 0.5), 10);
    expect(mannKendall([1, 2, 3, 4, 5, 6, 7, 8]).trend).toBe('up');
    expect(mannKendall([1, 2, 3, 4, 5, 6, 7, 8]).s).toBe(28);
    expect(mannKendall([5, 5, 5, 5, 5]).trend).toBe('none');
    expect(haversineKm(5.3698, 43.2965, 5.5345, 43.6931)).toBeCloseTo(46.3, 0);
  });
});

describe('emerging hot spot patterns', () => {
  const T = 20;
  const series = (f: (t: number) => 'h' | 'c' | '-') => {
    const s = Array.from({ length: T }, (_, t) => f(t));
    return [s.map((x) => x === 'h'), s.map((x) => x === 'c')] as const;
  };
  const cases: [string, (t: number) => 'h' | 'c' | '-', 'up' | 'down' | 'none'][] = [
    ['new_hot', (t) => (t === T - 1 ? 'h' : '-'), 'none'],
    ['consecutive_hot', (t) => (t >= T - 4 ? 'h' : '-'), 'up'],
    ['intensifying_hot', () => 'h', 'up'],
    ['persistent_hot', (t) => (t === 3 ? '-' : 'h'), 'none'],
    ['diminishing_hot', () => 'h', 'down'],
    ['sporadic_hot', (t) => (t % 3 === 0 || t === T - 1 ? 'h' : '-'), 'none'],
    ['oscillating_hot', (t) => (t === T - 1 || t === 10 ? 'h' : t === 5 ? 'c' : '-'), 'none'],
    ['historical_hot', (t) => (t === T - 1 ? '-' : 'h'), 'down'],
    ['new_cold', (t) => (t === T - 1 ? 'c' : '-'), 'none'],
    ['consecutive_cold', (t) => (t >= T - 3 ? 'c' : '-'), 'down'],
    ['intensifying_cold', () => 'c', 'down'],
    ['persistent_cold', (t) => (t === 0 ? '-' : 'c'), 'none'],
    ['diminishing_cold', () => 'c', 'up'],
    ['sporadic_cold', (t) => (t % 4 === 0 || t === T - 1 ? 'c' : '-'), 'none'],
    ['oscillating_cold', (t) => (t === T - 1 || t === 2 ? 'c' : t === 8 ? 'h' : '-'), 'none'],
    ['historical_cold', (t) => (t === T - 1 ? '-' : 'c'), 'none'],
    ['no_pattern', (t) => (t === 4 ? 'h' : '-'), 'none'],
  ];
  for (const [pattern, shape, trend] of cases) {
    it(`classifies ${pattern}`, () => {
      const [hot, cold] = series(shape);
      expect(classifyPattern(hot, cold, trend)).toBe(pattern);
    });
  }

  it('finds a growing cluster as an intensifying hot spot and leaves flat cells without a pattern', () => {
    // 400 cells around Lyon; a cluster of 7 cells grows month after month.
    const centre = latLngToCell(45.76, 4.83, 7);
    const cells = gridDisk(centre, 11);
    const hotCells = new Set(gridDisk(centre, 1));
    const T = 24;
    const values = new Float64Array(cells.length * T);
    cells.forEach((cell, i) => { for (let t = 0; t < T; t += 1) values[i * T + t] = hotCells.has(cell) ? 5 + t : (i * 7 + t * 3) % 3; });
    const results = runToEnd(emergingHotSpots({ cells, steps: T, values }, { permutations: 99, seed: 1, fdr: 0.05 }));
    const centreResult = results.find((r) => r.cell === centre)!;
    expect(centreResult.pattern).toBe('intensifying_hot');
    const far = results.filter((r) => !gridDisk(centre, 4).includes(r.cell));
    expect(far.filter((r) => r.pattern !== 'no_pattern' && r.pattern.endsWith('hot')).length).toBe(0);
  });
});

describe('the scenario\'s planted truth', () => {
  it('recovers the planted destination towns (recall and precision >= 0.9) and reads every operation as planted', () => {
    for (const { truth, wake, reading } of analyseScenarioOperations(20190101, 'planted')) {
      const flagged = new Set(wake.destinations.filter((d) => d.flagged).map((d) => d.commune));
      if (truth.plantedEffect === 'displacement') {
        const planted = truth.destinationTowns.map((t) => t.insee);
        const found = planted.filter((insee) => flagged.has(insee)).length;
        expect(found / planted.length, `${truth.name} recall`).toBeGreaterThanOrEqual(0.9);
        expect(found / flagged.size, `${truth.name} precision: ${[...flagged]}`).toBeGreaterThanOrEqual(0.9);
        expect(wake.midsize_share!, truth.name).toBeGreaterThan(0.5);
      }
      expect(reading.reading, `${truth.name}: ${reading.text}`).toBe(plantedReading(truth.plantedEffect));
    }
  }, 120_000);

  it('shows significant displacement in no more than 5% of operations on null scenarios', () => {
    const readings = [20190101, 7, 11].flatMap((seed) => analyseScenarioOperations(seed, 'null'));
    const displaced = readings.filter((r) => r.reading.reading === 'deplacement');
    expect(displaced.length / readings.length, displaced.map((r) => r.truth.name).join(', ')).toBeLessThanOrEqual(0.05);
  }, 180_000);
});

describe('resurgence watch and size-class shift (hand-computed)', async () => {
  const { resurgences, townWatchlist, sizeClassShift } = await import('../../server/domain/analytics/watch.js');
  const at = (id: number, lon: number, lat: number, periods: PointHistory['periods'], sizeClass = 'metropole', commune = '13055'): PointHistory => ({
    id, longitude: lon, latitude: lat, cell: latLngToCell(lat, lon, 8), commune, communeName: commune, sizeClass, department: commune.slice(0, 2), periods, dismantledBy: [],
  });
  it('finds new activity within the radius and months after a dismantling', () => {
    const points = [
      at(1, 5.4000, 43.3000, [{ from: '2022-01-01', until: '2024-03-01' }, { from: '2024-05-01', until: null }]), // reopens after 2 months
      at(2, 5.4020, 43.3000, [{ from: '2024-04-01', until: null }]),  // 162 m away, 1 month after
      at(3, 5.4100, 43.3000, [{ from: '2024-04-01', until: null }]),  // 810 m away: too far
      at(4, 5.4010, 43.3000, [{ from: '2025-01-01', until: null }]),  // 10 months after: too late
    ];
    const found = resurgences(points, { radiusM: 300, months: 6, from: '2024-01-01', to: '2024-12-31' });
    expect(found).toHaveLength(1);
    expect(found[0].point).toBe(1);
    expect(found[0].activity.map((a) => [a.point, a.distance_m, a.reopening])).toEqual([[2, 162, false], [1, 0, true]]);
  });
  it('lists mid-sized towns near a recent operation whose activity rose', () => {
    const town = (id: number, from: string) => at(id, 5.5, 43.69, [{ from, until: null }], 'ville_moyenne', '84089');
    const points = [town(1, '2020-01-01'), town(2, '2024-05-01'), town(3, '2024-06-01'), town(4, '2024-07-01'), town(5, '2024-08-01')];
    const operations = [{ id: 9, name: 'Marseille XXL', startedOn: '2024-03-18', longitude: 5.37, latitude: 43.35 }];
    const list = townWatchlist(points, operations, { asOf: '2024-09-01', recentMonths: 12, reachKm: 100, months: 6, sizeClasses: ['ville_moyenne'] });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ commune: '84089', active_before: 1, active_now: 5, change: 4, operation: 9 });
    expect(list[0].p_value).toBeCloseTo(poissonUpperTail(5, 1), 4);
    expect(townWatchlist(points, operations, { asOf: '2026-06-01', recentMonths: 12, reachKm: 100, months: 6, sizeClasses: ['ville_moyenne'] })).toEqual([]);
  });
  it('measures a size class\'s change against the national trend', () => {
    const area = new Map([['ville_moyenne', [10, 10, 10, 99, 15, 15, 15]]]);
    const national = new Map([['ville_moyenne', [100, 100, 100, 0, 110, 110, 110]]]);
    expect(sizeClassShift(area, national, 3, 3)).toEqual([{ size_class: 'ville_moyenne', before: 10, after: 15, change_pct: 50, national_change_pct: 10, excess_points: 4 }]);
  });
});
