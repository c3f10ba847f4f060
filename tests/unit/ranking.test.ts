/**
 * The ranking domain on hand-computed cases: normalisations, aggregations, contributions, the
 * conjunctive rule, competition ranks, seeded Monte Carlo intervals, missing data listed apart,
 * indicators from point histories, hashes. Inputs are frozen to prove nothing mutates them.
 */
import { describe, expect, it } from 'vitest';
import { minMax, rankNormalise } from '../../server/domain/ranking/normalise.js';
import { arithmeticMean, contributions, geometricMean, normaliseWeights } from '../../server/domain/ranking/aggregate.js';
import { conjunctiveOutcome, median, resolveThresholds } from '../../server/domain/ranking/conjunctive.js';
import { competitionRanks, drawWeights, monteCarloRanks, nearestRank } from '../../server/domain/ranking/monte-carlo.js';
import { compareRankings, rankSectors, type SectorRow } from '../../server/domain/ranking/rank.js';
import { defaultMonteCarlo, type IndicatorDefinition, type RankingParameters } from '../../server/domain/ranking/criteria.js';
import { activeOn, gini, sectorIndicators, type PointHistory } from '../../server/domain/ranking/indicators.js';
import { canonicalJson, rankingHash } from '../../server/domain/ranking/record.js';
import { exportRows } from '../../server/domain/ranking/export-rows.js';
import { semesterDates, semesterOf, targetStatus } from '../../server/domain/ranking/action-plan.js';
import { parseIndicatorValues, parseSchools } from '../../server/domain/ranking/prefecture-files.js';
import { seededRandom } from '../../server/domain/analytics/statistics.js';

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object') { Object.values(value).forEach(deepFreeze); Object.freeze(value); }
  return value;
};

describe('normalisation', () => {
  it('min-max maps the range to [0, 1]; a constant indicator gives 0.5', () => {
    expect([...minMax(Object.freeze([2, 4, 6, 10]))]).toEqual([0, 0.25, 0.5, 1]);
    expect([...minMax([3, 3])]).toEqual([0.5, 0.5]);
  });
  it('rank normalisation shares the mean rank between ties, rescaled by n - 1', () => {
    // ascending ranks 1, 2.5, 2.5, 4 -> (r - 1) / 3
    expect([...rankNormalise(Object.freeze([10, 30, 30, 50]))]).toEqual([0, 0.5, 0.5, 1]);
    expect([...rankNormalise([5, 1, 3])]).toEqual([1, 0, 0.5]);
    expect([...rankNormalise([7])]).toEqual([0.5]);
    expect([...rankNormalise([2, 2, 2])]).toEqual([0.5, 0.5, 0.5]);
  });
});

describe('aggregation', () => {
  it('weighted arithmetic mean, weights scaled to sum 1', () => {
    expect(normaliseWeights([1, 1, 2])).toEqual([0.25, 0.25, 0.5]);
    expect(normaliseWeights([0, 0])).toEqual([0, 0]);
    expect(arithmeticMean([0.2, 0.8], [0.5, 0.5])).toBeCloseTo(0.5, 12);
    expect(arithmeticMean([1, 0, 0.5], [0.25, 0.25, 0.5])).toBeCloseTo(0.5, 12);
  });
  it('geometric mean on the [1, 100] scale: a zero lowers the score without annulling it', () => {
    // sqrt(1 x 100) = 10 -> (10 - 1) / 99
    expect(geometricMean([0, 1], [0.5, 0.5])).toBeCloseTo(9 / 99, 12);
    expect(geometricMean([1, 1], [0.5, 0.5])).toBeCloseTo(1, 12);
    expect(geometricMean([0.5, 0.5], [0.3, 0.7])).toBeCloseTo(0.5, 12);
    // Partial compensation: the unbalanced sector scores below the arithmetic mean.
    expect(geometricMean([0, 1], [0.5, 0.5])).toBeLessThan(arithmeticMean([0, 1], [0.5, 0.5]));
  });
  it('contributions sum to the score', () => {
    expect(contributions([0.2, 0.8], [0.5, 0.5], 'arithmetic')).toEqual([0.1, 0.4]);
    const parts = contributions([0, 1], [0.5, 0.5], 'geometric');
    // ln(1) = 0: the zero criterion contributes nothing; the other carries the whole score.
    expect(parts[0]).toBe(0);
    expect(parts[1]).toBeCloseTo(9 / 99, 12);
  });
});

describe('the conjunctive rule', () => {
  const criteriaOf = { active_points: 1, department_share: 2, troubles: 3, c4: 4 } as const;
  it('passes a sector only when every tested criterion passes; missing is neither pass nor fail', () => {
    const minimums = { active_points: 3, department_share: 0.05, troubles: 10 };
    expect(conjunctiveOutcome({ active_points: 5, department_share: 0.1, troubles: 12 }, criteriaOf, minimums)).toEqual({ qualifies: true, criteria: { 1: 'pass', 2: 'pass', 3: 'pass', 4: 'not_tested' } });
    expect(conjunctiveOutcome({ active_points: 2, department_share: 0.1, troubles: 12 }, criteriaOf, minimums).qualifies).toBe(false);
    expect(conjunctiveOutcome({ active_points: 5, department_share: 0.1, troubles: null }, criteriaOf, minimums)).toEqual({ qualifies: false, criteria: { 1: 'pass', 2: 'pass', 3: 'missing', 4: 'not_tested' } });
  });
  it('a failed indicator fails its criterion even when another is missing', () => {
    expect(conjunctiveOutcome({ active_points: 1, hot: null }, { active_points: 1, hot: 1 }, { active_points: 3, hot: 0.5 }).criteria[1]).toBe('fail');
  });
  it('median thresholds come from the sectors with a value', () => {
    expect(median([3, null, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([null])).toBeNull();
    expect(resolveThresholds({ troubles: { median: true }, active_points: { minimum: 3 }, absent: { minimum: 1 } }, { troubles: [1, 9, null, 5], active_points: [] })).toEqual({ troubles: 5, active_points: 3 });
  });
});

describe('ranks and Monte Carlo', () => {
  it('competition ranks, highest first, ties sharing a rank', () => {
    expect([...competitionRanks(Float64Array.from([0.2, 0.9, 0.2, 0.1]))]).toEqual([2, 1, 2, 4]);
  });
  it('nearest-rank quantiles', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(nearestRank(sorted, 0.05)).toBe(1);
    expect(nearestRank(sorted, 0.5)).toBe(5);
    expect(nearestRank(sorted, 0.95)).toBe(10);
  });
  it('draws weights within the spread, scaled to sum 1, zero weights kept at zero', () => {
    const random = seededRandom(1);
    for (let i = 0; i < 100; i += 1) {
      const [a, b, c] = drawWeights([0.5, 0.5, 0], 0.25, random);
      expect(a + b + c).toBeCloseTo(1, 12);
      expect(c).toBe(0);
      expect(a / b).toBeGreaterThanOrEqual(0.75 / 1.25 - 1e-12);
      expect(a / b).toBeLessThanOrEqual(1.25 / 0.75 + 1e-12);
    }
  });
  it('gives a dominant sector rank 1 in every draw, and crossing sectors an interval', () => {
    // A dominates on both criteria; B and C swap order depending on the weights.
    const c1 = Float64Array.from([1, 0.6, 0.4]);
    const c2 = Float64Array.from([1, 0.4, 0.6]);
    const scores = { min_max: [c1, c2], rank: [c1, c2] };
    const options = { draws: 1000, seed: 42, weightSpread: 0.25, varyMethods: false, normalisation: 'min_max' as const, aggregation: 'arithmetic' as const };
    const intervals = monteCarloRanks(scores, [0.5, 0.5], options);
    expect(intervals[0]).toEqual({ median: 1, p5: 1, p95: 1 });
    // B is second when w1 > w2, third otherwise: about half the draws each.
    expect(intervals[1].p5).toBe(2);
    expect(intervals[1].p95).toBe(3);
    expect(intervals[2].p5).toBe(2);
    expect(intervals[2].p95).toBe(3);
    // Seeded: the same seed gives the same intervals, another seed may not.
    expect(monteCarloRanks(scores, [0.5, 0.5], options)).toEqual(intervals);
    // Without spread every draw is the nominal ranking (ties share rank 2).
    expect(monteCarloRanks(scores, [0.5, 0.5], { ...options, weightSpread: 0 }).map((r) => r.median)).toEqual([1, 2, 2]);
  });
});

const indicators: IndicatorDefinition[] = deepFreeze([
  { code: 'active_points', criterion: 1, label: 'a', definition: '', unit: '', source: 'sillage' },
  { code: 'department_share', criterion: 2, label: 'b', definition: '', unit: '', source: 'sillage' },
  { code: 'troubles', criterion: 3, label: 'c', definition: '', unit: '', source: 'prefecture' },
]);
const parameters = (overrides: Partial<RankingParameters> = {}): RankingParameters => deepFreeze({
  at: '2025-12-31', normalisation: 'min_max', aggregation: 'arithmetic', weights: { 1: 1, 2: 1, 3: 0, 4: 0 },
  thresholds: { active_points: { minimum: 3 } }, min_active_points: 1, monte_carlo: { ...defaultMonteCarlo, draws: 50 }, unstable_rank_width: 1, ...overrides,
});
const sectors: SectorRow[] = deepFreeze([
  { code: 'A', name: 'Alpha', values: { active_points: 10, department_share: 0.5, troubles: 4 } },
  { code: 'B', name: 'Bravo', values: { active_points: 6, department_share: 0.3, troubles: null } },
  { code: 'C', name: 'Charlie', values: { active_points: 2, department_share: 0.2, troubles: 9 } },
  { code: 'D', name: 'Delta', values: { active_points: 0, department_share: 0, troubles: 1 } },
]);

describe('rankSectors', () => {
  it('ranks the complete, active sectors with their breakdown (hand-computed)', () => {
    const result = rankSectors({ sectors, indicators }, parameters());
    // Min-max over A, B, C: active (10, 6, 2) -> (1, 0.5, 0); share (0.5, 0.3, 0.2) -> (1, 1/3, 0).
    expect(result.ranked.map((s) => [s.code, s.rank, s.score])).toEqual([['A', 1, 1], ['B', 2, 0.416667], ['C', 3, 0]]);
    const b = result.ranked[1];
    expect(b.criteria.map((c) => [c.criterion, c.weight, c.score, c.contribution])).toEqual([[1, 0.5, 0.5, 0.25], [2, 0.5, 0.333333, 0.166667], [3, 0, null, 0], [4, 0, null, 0]]);
    expect(b.indicators.find((i) => i.code === 'department_share')).toEqual({ code: 'department_share', criterion: 2, raw: 0.3, normalised: 0.333333 });
    expect(result.excluded).toEqual([{ code: 'D', name: 'Delta', reason: 'inactive', missing: [], conjunctive: null }]);
    // Conjunctive rule: only A and B have 3 active points or more.
    expect(result.qualifying).toEqual(['A', 'B']);
    expect(result.ranked[0].monte_carlo).toEqual({ median: 1, p5: 1, p95: 1, unstable: false });
  });
  it('lists sectors lacking a weighted criterion apart, with what they lack, never imputed', () => {
    const result = rankSectors({ sectors, indicators }, parameters({ weights: { 1: 1, 2: 1, 3: 1, 4: 0 } }));
    expect(result.ranked.map((s) => s.code)).toEqual(['A', 'C']);
    expect(result.excluded.map((s) => [s.code, s.reason, s.missing])).toEqual([['B', 'missing', ['troubles']], ['D', 'inactive', []]]);
    // A weighted criterion without any indicator (criterion 4 never entered) leaves every sector unranked, saying so.
    const withoutFour = rankSectors({ sectors, indicators }, parameters({ weights: { 1: 1, 2: 1, 3: 0, 4: 1 } }));
    expect(withoutFour.ranked).toEqual([]);
    expect(withoutFour.excluded.filter((s) => s.reason === 'missing').map((s) => s.missing)).toEqual([['critere_4'], ['critere_4'], ['critere_4']]);
  });
  it('geometric aggregation and rank normalisation change the scores as computed by hand', () => {
    const result = rankSectors({ sectors: sectors.slice(0, 3), indicators }, parameters({ normalisation: 'rank', aggregation: 'geometric' }));
    // Rank normalisation of (10, 6, 2) and (0.5, 0.3, 0.2): (1, 0.5, 0) both. Geometric of (0.5, 0.5) = 0.5.
    expect(result.ranked.map((s) => s.score)).toEqual([1, 0.5, 0]);
  });
  it('compares two rankings sector by sector', () => {
    const a = { ranked: [{ code: 'A', name: 'Alpha', rank: 1 }, { code: 'B', name: 'Bravo', rank: 2 }] };
    const b = { ranked: [{ code: 'B', name: 'Bravo', rank: 1 }, { code: 'C', name: 'Charlie', rank: 2 }] };
    expect(compareRankings(a as never, b as never)).toEqual([
      { code: 'A', name: 'Alpha', rank_a: 1, rank_b: null, change: null },
      { code: 'B', name: 'Bravo', rank_a: 2, rank_b: 1, change: 1 },
      { code: 'C', name: 'Charlie', rank_a: null, rank_b: 2, change: null },
    ]);
  });
  it('exports rows with decimal commas and neutralised formulas', () => {
    const result = rankSectors({ sectors: [...sectors.slice(0, 2), { code: 'E', name: '=HYPERLINK()', values: { active_points: 1, department_share: 0.1, troubles: null } }], indicators }, parameters());
    const { columns, rows } = exportRows(result, indicators, 'code_insee');
    expect(columns.slice(0, 4)).toEqual(['rang', 'code_insee', 'nom', 'score']);
    // Min-max of (10, 6, 1) and (0.5, 0.3, 0.1): B has (5/9 + 1/2) / 2 = 0.527778.
    expect(rows[1].slice(0, 4)).toEqual(['2', 'B', 'Bravo', '0,527778']);
    expect(rows.find((r) => r[1] === 'E')![2]).toBe("'=HYPERLINK()");
  });
});

describe('indicators from point histories', () => {
  const points: PointHistory[] = deepFreeze([
    { id: 1, cell7: 'h1', cell8: 'x1', sectors: ['S'], events: [{ status: 'active', on: '2024-01-01' }] },
    { id: 2, cell7: 'h1', cell8: 'x1', sectors: ['S'], events: [{ status: 'active', on: '2025-01-01' }, { status: 'dismantled', on: '2025-03-01' }, { status: 'reopened', on: '2025-06-01' }] },
    { id: 3, cell7: 'h2', cell8: 'x2', sectors: ['T'], events: [{ status: 'active', on: '2023-01-01' }, { status: 'dismantled', on: '2025-01-01' }] },
    { id: 4, cell7: 'h2', cell8: 'x3', sectors: ['T'], events: [{ status: 'active', on: '2025-12-01' }] },
  ]);
  it('activity on a date and the Gini index', () => {
    expect(activeOn(points[1].events, '2025-04-01')).toBe(false);
    expect(activeOn(points[1].events, '2025-06-01')).toBe(true);
    expect(gini([0, 0, 0, 4])).toBeCloseTo(0.75, 12);
    expect(gini([2, 2])).toBe(0);
    expect(gini([0, 0])).toBe(0);
  });
  it('computes every Sillage indicator of a sector', () => {
    const values = sectorIndicators(points, [{ code: 'S', areaKm2: 4, cells8: ['x1', 'x9'] }, { code: 'T', areaKm2: 2, cells8: [] }], '2025-12-31', new Set(['h1']));
    const s = values.get('S')!;
    expect(s.active_points).toBe(2);
    expect(s.hot_spot_share).toBe(1);
    expect(s.reopenings).toBe(1);
    expect(s.department_share).toBeCloseTo(2 / 3, 12);
    expect(s.density_per_km2).toBe(0.5);
    // Two points in x1, none in x9: Gini of (0, 2) = 0.5.
    expect(s.cell_gini).toBeCloseTo(0.5, 12);
    // Lifetimes from 2024-01-01 (730 days) and 2025-01-01 (364 days), in months of 30.4375 days.
    expect(s.mean_lifetime_months).toBeCloseTo((730 + 364) / 2 / 30.4375, 9);
    const t = values.get('T')!;
    expect([t.active_points, t.hot_spot_share, t.cell_gini]).toEqual([1, 0, 0]);
  });
});

describe('records, files and semesters', () => {
  it('hashes canonical JSON: key order does not matter, content does', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: null, c: 'x' }] })).toBe('{"a":[2,{"c":"x","d":null}],"b":1}');
    const record = { parameters: { x: 1, y: 2 }, data_vintage: { at: '2025-12-31' }, result: { ranked: [] } };
    expect(rankingHash(record)).toBe(rankingHash({ result: { ranked: [] }, data_vintage: { at: '2025-12-31' }, parameters: { y: 2, x: 1 } }));
    expect(rankingHash(record)).not.toBe(rankingHash({ ...record, parameters: { x: 1, y: 3 } }));
    expect(rankingHash(record)).toMatch(/^[0-9a-f]{64}$/);
  });
  it('reads prefecture values and schools, naming line and field of each problem', () => {
    const ok = parseIndicatorValues('\ufeffcode;valeur;source;date\n84089;12,5;Préfecture;2025-06-30\n', false);
    expect(ok).toEqual({ rows: [{ line: 2, code: '84089', value: 12.5, source: 'Préfecture', observedOn: '2025-06-30', justification: null }], problems: [] });
    const bad = parseIndicatorValues('code;valeur;source;date;justification\n84089;-1;;2025-02-30;\n84089;1;P;2025-01-01;ok\n', true);
    expect(bad.rows).toEqual([]);
    expect(bad.problems.map((p) => `${p.line}:${p.field}`)).toEqual(['2:valeur', '2:source', '2:date', '2:justification', '3:code']);
    expect(parseIndicatorValues('code;source\nx;y\n', false).problems.map((p) => p.field)).toEqual(['value', 'date']);
    expect(parseSchools('uai,nom,longitude,latitude\n0840001a,Collège,5.5,43.69\n').rows[0]).toMatchObject({ uai: '0840001A', longitude: 5.5 });
    expect(parseSchools('uai;nom;longitude;latitude\n123;Collège;500;43\n').problems.map((p) => p.field)).toEqual(['uai', 'longitude']);
  });
  it('semesters and targets', () => {
    expect(semesterDates('2025-S1')).toEqual({ from: '2025-01-01', to: '2025-06-30' });
    expect(semesterDates('2025-S2')).toEqual({ from: '2025-07-01', to: '2025-12-31' });
    expect(semesterOf('2025-07-01')).toBe('2025-S2');
    expect(targetStatus('active_points', 3, 2)).toBe('not_met');
    expect(targetStatus('active_points', 2, 2)).toBe('met');
    expect(targetStatus('operations', 2, 1)).toBe('met');
    expect(targetStatus('operations', 0, 1)).toBe('not_met');
    expect(targetStatus('public_reports', null, 1)).toBe('no_value');
    expect(targetStatus('public_reports', 4, undefined)).toBe('no_target');
  });
});
