/**
 * The generated scenario (in memory, no database) as the analyses read it: points with their
 * active periods and the operation that dismantled them, communes and size classes.
 */
import { gridDisk, latLngToCell } from 'h3-js';
import { seedFrom } from '../../server/domain/scenario/random.js';
import { haversineKm, seededRandom } from '../../server/domain/analytics/statistics.js';
import { generateScenario, type Scenario, type ScenarioTraps, type ScenarioVariant } from '../../server/domain/scenario/generate.js';
import { readScenarioGeography } from '../../server/services/scenario.js';
import { addMonths, isActiveOn, type PointHistory } from '../../server/domain/analytics/history.js';
import { defaultEffectOptions } from '../../server/domain/analytics/displacement.js';
import { defaultWakeOptions, type Commune, type Reading } from '../../server/domain/analytics/wake.js';
import { analyseOperation } from '../../server/domain/analytics/operation-analysis.js';

let geography: ReturnType<typeof readScenarioGeography> | null = null;

export function sizeClassOf(insee: string, population: number): string {
  if (insee === '84089') return 'ville_moyenne'; // the documented override (db/reference/size-class-overrides.csv)
  return population >= 200000 ? 'metropole' : population >= 100000 ? 'grande_ville' : population >= 20000 ? 'ville_moyenne' : population >= 5000 ? 'petite_ville' : 'rural';
}

export function scenarioHistories(seed: number, variant: ScenarioVariant, traps?: ScenarioTraps): { scenario: Scenario; points: PointHistory[]; operationIds: Map<string, number>; centroids: Map<string, [number, number]> } {
  geography ??= readScenarioGeography();
  const scenario = generateScenario({ seed, variant, traps, communes: geography.communes, trafficking: geography.trafficking });
  const communes = new Map(geography.communes.map((c) => [c.insee, c]));
  const operationIds = new Map(scenario.operations.map((o, i) => [o.plan.externalId, i + 1]));
  const points = scenario.points.map((p, index): PointHistory => {
    const periods: PointHistory['periods'] = [];
    p.history.forEach((entry, i) => {
      if (entry.status === 'active' || entry.status === 'reopened') periods.push({ from: entry.on, until: p.history[i + 1]?.on ?? null });
    });
    const commune = communes.get(p.commune)!;
    return {
      id: index + 1, longitude: p.longitude, latitude: p.latitude, cell: latLngToCell(p.latitude, p.longitude, 8),
      commune: p.commune, communeName: commune.name, sizeClass: sizeClassOf(p.commune, commune.population), department: p.department, periods,
      dismantledBy: p.history.filter((e) => e.status === 'dismantled' && e.operation).map((e) => ({ operationId: operationIds.get(e.operation!)!, on: e.on })),
    };
  });
  const centroids = new Map(geography.communes.map((c) => [c.insee, [c.longitude, c.latitude] as [number, number]]));
  return { scenario, points, operationIds, centroids };
}

/** The reading each planted effect should get ('none': the null variant's operations still dismantle their targets). */
export function plantedReading(effect: string): Reading {
  return effect === 'displacement' ? 'deplacement' : effect === 'diffusion' ? 'diffusion' : effect === 'none' ? 'effet_local' : 'pas_d_effet';
}

/** The scenario's communes as the wake reads them. */
export function scenarioCommunes(): Commune[] {
  geography ??= readScenarioGeography();
  return geography.communes.map((c) => ({ insee: c.insee, name: c.name, sizeClass: sizeClassOf(c.insee, c.population), population: c.population, longitude: c.longitude, latitude: c.latitude }));
}

/**
 * Every operation of a generated scenario analysed as the server does (same areas, controls and
 * reading, as of the scenario's last day): the effect, the wake and the reading, with the planted truth.
 */
export function analyseScenarioOperations(seed: number, variant: ScenarioVariant, traps?: ScenarioTraps) {
  const { scenario, points, operationIds } = scenarioHistories(seed, variant, traps);
  const communes = scenarioCommunes();
  const plans = scenario.operations.map((o) => o.plan);
  return scenario.truth.map((truth) => {
    const id = operationIds.get(truth.operation)!;
    const plan = plans[id - 1];
    const others = scenario.truth.filter((t) => t !== truth).map((t) => {
      const p = plans[operationIds.get(t.operation)! - 1];
      return { startedOn: p.startedOn, department: p.department, centre: p.centre, targetCells: t.targetCells };
    });
    const result = analyseOperation(points, { id, startedOn: truth.startedOn, department: plan.department, targetCells: truth.targetCells }, others, communes,
      { from: '2019-01-01', to: '2025-12-31' }, defaultEffectOptions, defaultWakeOptions);
    return { truth, effect: result.effect, wake: result.wake, reading: { reading: result.reading, text: result.text } };
  });
}

/**
 * Pseudo-operations on a null scenario: at a random month (January 2023 to February 2025, as the scenario's operations) and a random
 * district of a town (the disk of radius 2 around an active point's resolution-8 cell, as the
 * scenario's operations), every point active there is dismantled for good, away from the
 * scenario's own operations (20 km, 12 months). Nothing is displaced, so any displacement or
 * diffusion read is false: the placebo tests' own rejection rate under the null.
 */
export function analysePseudoOperations(seed: number, count: number, traps?: ScenarioTraps) {
  const { scenario, points } = scenarioHistories(seed, 'null', traps);
  const communes = scenarioCommunes();
  const random = seededRandom(seedFrom(seed, 'pseudo-operations'));
  const others = scenario.truth.map((t) => {
    const p = scenario.operations.find((o) => o.plan.externalId === t.operation)!.plan;
    return { startedOn: p.startedOn, department: p.department, centre: p.centre, targetCells: t.targetCells };
  });
  const results: { on: string; department: string; struck: number; effect: ReturnType<typeof analyseOperation>['effect']; wake: ReturnType<typeof analyseOperation>['wake']; reading: Reading; text: string }[] = [];
  const pseudoId = 100_000;
  for (let attempt = 0; results.length < count && attempt < count * 50; attempt += 1) {
    const on = addMonths('2023-01-15', Math.floor(random() * 26));
    const active = points.filter((p) => p.sizeClass !== 'rural' && isActiveOn(p, on));
    if (!active.length) continue;
    const centre = active[Math.floor(random() * active.length)];
    const monthsApart = (a: string, b: string) => Math.abs((Number(a.slice(0, 4)) - Number(b.slice(0, 4))) * 12 + Number(a.slice(5, 7)) - Number(b.slice(5, 7)));
    if (others.some((o) => haversineKm(o.centre[0], o.centre[1], centre.longitude, centre.latitude) < 20 && monthsApart(o.startedOn, on) <= 12)) continue;
    const targetCells = gridDisk(centre.cell, 2).sort();
    const cells = new Set(targetCells);
    const struck = new Set(active.filter((p) => cells.has(p.cell) && p.department === centre.department).map((p) => p.id));
    if (struck.size < 8) continue;
    const marked = points.map((p) => {
      if (!struck.has(p.id)) return p;
      const periods = p.periods.filter((period) => period.from <= on).map((period) => (period.until === null || period.until > on ? { from: period.from, until: on } : period));
      return { ...p, periods, dismantledBy: [...p.dismantledBy, { operationId: pseudoId, on }] };
    });
    const result = analyseOperation(marked, { id: pseudoId, startedOn: on, department: centre.department, targetCells }, others, communes,
      { from: '2019-01-01', to: '2025-12-31' }, defaultEffectOptions, defaultWakeOptions);
    results.push({ on, department: centre.department, struck: struck.size, effect: result.effect, wake: result.wake, reading: result.reading, text: result.text });
  }
  return results;
}
