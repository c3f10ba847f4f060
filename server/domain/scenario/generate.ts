/**
 * The synthetic national scenario, month by month from January 2019 to December 2025.
 * Pure and deterministic: the same seed and inputs give the same records, byte for byte once
 * serialised. The "planted" variant plants displacement and diffusion after operations and records
 * them in a ground truth; the "null" variant runs the same machinery without them.
 */
import { cellsToMultiPolygon, gridDisk, latLngToCell } from 'h3-js';
import { Random, seedFrom } from './random.js';
import { dateIn, daysBetween, monthCount, monthOf } from './calendar.js';
import { departmentTargets } from './calibration.js';
import { CommuneLocator, distanceKm, type ScenarioCommune } from './geography.js';
import { effectParameters, operationPlans, type PlantedEffect } from './operations.js';
import { ScenarioWorld } from './world.js';
import { observe, plantDuplicates, round } from './records.js';
import type { LivePoint, OperationTruth, Scenario, ScenarioInput, ScenarioOperation, } from './types.js';

export type * from './types.js';

const baseMonthlyDismantling = 0.015;

export function generateScenario(input: ScenarioInput): Scenario {
  const { seed, variant } = input;
  const locator = new CommuneLocator(input.communes);
  const communesByInsee = new Map(input.communes.map((c) => [c.insee, c]));
  const seasonality = input.traps?.seasonality ?? 0;
  const surgeBefore = new Set(input.traps?.surgeBefore ?? []);
  const followDepartment = input.traps?.followDepartment ?? false;
  /** Seasonal factor of month m (peak in July). */
  const season = (m: number) => 1 + seasonality * Math.sin((2 * Math.PI * (m - 3)) / 12);
  const targets = new Map([...departmentTargets(input.trafficking)].map(([code, list]) => [code, list.map((v, m) => Math.round(v * season(m)))]));
  const departments = [...targets.keys()].sort();
  const res = effectParameters.h3Resolution;

  // Placement weights: towns far more than villages, as street markets are.
  const communesByDepartment = new Map<string, { communes: ScenarioCommune[]; cumulative: number[] }>();
  for (const code of departments) {
    const list = input.communes.filter((c) => c.department === code && c.population > 0).sort((a, b) => a.insee.localeCompare(b.insee));
    let total = 0;
    const cumulative = list.map((c) => (total += c.population >= 3000 ? c.population ** 1.25 : c.population * 0.05));
    communesByDepartment.set(code, { communes: list, cumulative });
  }

  const operations = operationPlans.map((plan) => {
    const centreCell = latLngToCell(plan.centre[1], plan.centre[0], res);
    const targetCells = gridDisk(centreCell, effectParameters.targetRings).sort();
    const targetSet = new Set(targetCells);
    const bufferCells = gridDisk(centreCell, effectParameters.targetRings + effectParameters.bufferRings).filter((c) => !targetSet.has(c)).sort();
    return { plan, month: monthOf(plan.startedOn), targetCells, targetSet, bufferCells, bufferSet: new Set(bufferCells) };
  });
  const world = new ScenarioWorld(locator, departments, res);
  const { points, baseByDepartment, plantedPoints, networks, createPoint, setStatus, placeInCommune, randomPointInCell } = world;

  // Areas closed to new base points for 12 months after an operation (measure 22: re-occupation).
  const closedUntil = new Map<string, number>();
  const isClosed = (cell: string, m: number) => (closedUntil.get(cell) ?? -1) >= m;

  // Districts targeted later are seeded with points at the start (they count in their department).
  // They live as any point does (turnover), and the district keeps its level until the operation
  // (the buffer after it too, unless closed): an entrenched market replaces its lost points.
  const districts = operations.map((op) => ({ op, target: [] as LivePoint[], buffer: [] as LivePoint[] }));
  const districtPoints = new Set<LivePoint>();
  const surging = (op: typeof operations[number], m: number) => surgeBefore.has(op.plan.externalId) && m >= op.month - 3 && m < op.month;
  /** The district's wanted level in month m, with its surge; `withoutSurge`: the level it would have had. */
  function districtLevel(op: typeof operations[number], area: 'target' | 'buffer', m: number, withoutSurge = false): number {
    const base = area === 'target' ? op.plan.pointsInTarget : op.plan.pointsInBuffer ?? effectParameters.pointsInBuffer;
    const list = targets.get(op.plan.department);
    const level = followDepartment && list && list[op.month] > 0 ? (base * list[Math.min(m, list.length - 1)]) / list[op.month] : base * season(m);
    return Math.round(level * (!withoutSurge && surging(op, m) ? 1.4 : 1));
  }
  /** Points a surge adds to a department in month m (they come on top of its count, not instead of others). */
  const surgeExtra = (department: string, m: number) => (!followDepartment ? 0 : operations
    .filter((op) => op.plan.department === department && surging(op, m))
    .reduce((sum, op) => sum + districtLevel(op, 'target', m) - districtLevel(op, 'target', m, true) + districtLevel(op, 'buffer', m) - districtLevel(op, 'buffer', m, true), 0));
  function maintainDistrict(district: typeof districts[number], area: 'target' | 'buffer', m: number, date: (rng: Random) => string) {
    const { op } = district;
    const cells = area === 'target' ? op.targetCells : op.bufferCells;
    const wanted = districtLevel(op, area, m);
    const rng = new Random(seedFrom(seed, 'district', op.plan.externalId, area, m));
    const list = district[area];
    const live = list.filter((p) => p.active);
    for (let excess = live.length - wanted; excess > 1 && live.length; excess--) {
      const [point] = live.splice(Math.floor(rng.next() * live.length), 1);
      setStatus(point, 'dismantled', date(rng));
    }
    for (let placed = live.length, attempt = 0; placed < wanted && attempt < (wanted - live.length) * 20 + 20; attempt++) {
      const spot = randomPointInCell(rng.pick(cells), rng);
      if (!spot || spot.commune.department !== op.plan.department) continue;
      const point = createPoint(spot.commune, spot.position, date(rng), rng, false, m);
      list.push(point);
      districtPoints.add(point);
      placed++;
    }
  }
  for (const district of districts) {
    maintainDistrict(district, 'target', 0, (rng) => dateIn(0, rng.integer(1, 28)));
    maintainDistrict(district, 'buffer', 0, (rng) => dateIn(0, rng.integer(1, 28)));
  }

  const truth: OperationTruth[] = [];
  const pendingArrivals: { month: number; create: () => void }[] = [];
  // Points removed by operations are not replaced at once: the department's target falls, then
  // recovers linearly over `recoveryMonths` as networks rebuild elsewhere.
  const removals: { department: string; month: number; count: number }[] = [];
  // In the null variant nothing comes back: the replacement of removed points elsewhere in the
  // department is itself a displacement, which the null must not hold.
  // Realistic variant: the removed points weigh as a share of the department's level (its trend and season).
  const departmentLevel = (department: string, m: number, at: number) => { const list = targets.get(department)!; return list[at] > 0 ? list[Math.min(m, list.length - 1)] / list[at] : 1; };
  const removedAt = (department: string, m: number) => removals
    .filter((r) => r.department === department && r.month <= m)
    .reduce((sum, r) => sum + r.count * (followDepartment ? departmentLevel(department, m, r.month) : 1) * (variant === 'null' ? 1 : Math.max(0, 1 - (m - r.month) / effectParameters.recoveryMonths)), 0);

  for (let m = 0; m < monthCount; m++) {
    // Districts first, so that the department's balance below accounts for them.
    for (const district of districts) {
      const date = (rng: Random) => dateIn(m, rng.integer(1, 28));
      // A district the operation did not affect keeps following its department (realistic variant).
      if (m > 0 && (m < district.op.month || (followDepartment && district.op.plan.effect === 'no_effect'))) maintainDistrict(district, 'target', m, date);
      if (m > 0 && !district.op.bufferCells.some((cell) => isClosed(cell, m))) maintainDistrict(district, 'buffer', m, date);
    }

    for (const department of departments) {
      const rng = new Random(seedFrom(seed, 'month', department, m));
      const own = baseByDepartment.get(department)!;
      for (const point of own) {
        if (point.active && m > point.protectedUntil && m > point.lastChange && rng.chance(baseMonthlyDismantling)) {
          setStatus(point, 'dismantled', dateIn(m, rng.integer(1, 28)));
        }
      }
      const target = Math.max(0, Math.round(targets.get(department)![m] - removedAt(department, m) + surgeExtra(department, m)));
      let active = own.filter((p) => p.active).length;
      const pool = communesByDepartment.get(department)!;
      const reopenable = active < target ? own.filter((p) => !p.active && m - p.lastChange >= 3 && !isClosed(p.cell, m)) : [];
      for (let guard = 0; active < target && guard < 500; guard++) {
        if (reopenable.length && rng.chance(0.2)) {
          const [point] = reopenable.splice(Math.floor(rng.next() * reopenable.length), 1);
          if (setStatus(point, 'reopened', dateIn(m, rng.integer(1, 28)))) active++;
          continue;
        }
        if (!pool.communes.length) break;
        const commune = pool.communes[rng.weightedIndex(pool.cumulative)];
        const position = placeInCommune(commune, rng, (cell) => isClosed(cell, m));
        if (!position) continue;
        createPoint(commune, position, dateIn(m, rng.integer(1, 28)), rng, false, m);
        active++;
      }
      const removable = own.filter((p) => p.active && m > p.protectedUntil && m > p.lastChange && !districtPoints.has(p));
      while (active > target + 2 && removable.length) {
        const index = Math.floor(rng.next() * removable.length);
        const [point] = removable.splice(index, 1);
        if (setStatus(point, 'dismantled', dateIn(m, rng.integer(1, 28)))) active--;
      }
    }

    // Planted points and effects for every point, base or planted, after 12 months of protection.
    const plantedRng = new Random(seedFrom(seed, 'planted-month', m));
    for (const point of plantedPoints) {
      if (point.active && m > point.protectedUntil && m > point.lastChange && plantedRng.chance(baseMonthlyDismantling)) {
        setStatus(point, 'dismantled', dateIn(m, plantedRng.integer(1, 28)));
      }
    }
    for (const arrival of pendingArrivals.filter((a) => a.month === m)) arrival.create();

    for (const op of operations.filter((o) => o.month === m)) {
      const rng = new Random(seedFrom(seed, 'operation', op.plan.externalId));
      const effect: PlantedEffect | 'none' = variant === 'null' && op.plan.effect !== 'no_effect' ? 'none' : op.plan.effect;
      const day = Number(op.plan.startedOn.slice(8));
      const inTarget = points.filter((p) => p.active && op.targetSet.has(p.cell)).sort((a, b) => a.externalId.localeCompare(b.externalId));
      const record: OperationTruth = {
        operation: op.plan.externalId, name: op.plan.name, startedOn: op.plan.startedOn, plantedEffect: effect, preSurge: surgeBefore.has(op.plan.externalId),
        targetCells: op.targetCells, bufferCells: op.bufferCells, pointsInTargetBefore: inTarget.length,
        dismantled: [], bufferDismantled: [], reopened: [], destinationTowns: [], moves: [],
      };
      const share = op.plan.effect === 'no_effect' ? effectParameters.no_effect.dismantledShare
        : op.plan.effect === 'diffusion' ? effectParameters.diffusion.dismantledShare : effectParameters.displacement.dismantledShare;
      const dismantled = inTarget.filter(() => rng.chance(share));
      for (const point of dismantled) {
        if (setStatus(point, 'dismantled', op.plan.startedOn, op.plan.externalId)) record.dismantled.push(point.externalId);
      }
      // The district stays closed a year, pushing its would-be points to the streets around it: a
      // local displacement, which the null variant must not hold.
      if (variant === 'planted') for (const cell of op.targetCells) closedUntil.set(cell, m + 12);

      if (op.plan.effect === 'no_effect') {
        // The district comes back: dismantled points reopen within 1-2 months.
        for (const point of dismantled) {
          const lag = rng.integer(...effectParameters.no_effect.reopenLagMonths);
          pendingArrivals.push({ month: m + lag, create: () => { if (setStatus(point, 'reopened', dateIn(m + lag, rng.integer(1, 28)))) record.reopened.push(point.externalId); } });
        }
      } else {
        removals.push({ department: op.plan.department, month: m, count: record.dismantled.length });
      }

      if (effect === 'diffusion') {
        const inBuffer = points.filter((p) => p.active && op.bufferSet.has(p.cell) && p.department === op.plan.department);
        for (const point of inBuffer) {
          if (!rng.chance(effectParameters.diffusion.bufferDismantledShare)) continue;
          const lag = rng.integer(...effectParameters.diffusion.bufferLagMonths);
          const date = lag === 0 ? dateIn(m, Math.min(28, day + rng.integer(1, 10))) : dateIn(m + lag, rng.integer(1, 28));
          point.protectedUntil = Math.max(point.protectedUntil, m + lag);
          if (lag === 0) {
            if (setStatus(point, 'dismantled', date)) { record.bufferDismantled.push(point.externalId); }
          } else {
            pendingArrivals.push({ month: m + lag, create: () => { if (point.active && setStatus(point, 'dismantled', date)) record.bufferDismantled.push(point.externalId); } });
          }
        }
        removals.push({ department: op.plan.department, month: m, count: Math.round(inBuffer.length * effectParameters.diffusion.bufferDismantledShare) });
        for (const cell of op.bufferCells) closedUntil.set(cell, m + 12);
      }

      if (effect === 'displacement') {
        const parameters = effectParameters.displacement;
        // The plan's last two towns are traps that get one and two points; the others share the rest.
        const towns = op.plan.destinations.map((insee) => communesByInsee.get(insee)!).filter(Boolean);
        const traps = towns.slice(-2);
        const main = towns.slice(0, -2);
        const townFor = (k: number) => (k === 0 ? traps[0] : k <= 2 ? traps[1] : main[(k - 3) % main.length]);
        const planted = new Map<string, number>();
        let nextTown = 0;
        const originCentre = op.plan.centre;
        for (const point of dismantled) {
          const x = rng.next();
          if (x < parameters.localShare) {
            const lag = rng.integer(...parameters.localLagMonths);
            const arrivalMonth = m + lag;
            pendingArrivals.push({
              month: arrivalMonth,
              create: () => {
                for (let attempt = 0; attempt < 20; attempt++) {
                  const spot = randomPointInCell(rng.pick(op.bufferCells), rng);
                  if (!spot) continue;
                  const date = dateIn(arrivalMonth, rng.integer(1, 28));
                  const created = createPoint(spot.commune, spot.position, date, rng, true, arrivalMonth + 12);
                  record.moves.push({ origin: point.externalId, destination: created.externalId, kind: 'local', commune: spot.commune.insee, communeName: spot.commune.name, distanceKm: round(distanceKm([point.longitude, point.latitude], spot.position)), lagDays: daysBetween(op.plan.startedOn, date) });
                  return;
                }
              },
            });
          } else if (x < parameters.localShare + parameters.midsizeShare && main.length) {
            const town = townFor(nextTown++);
            const lag = rng.integer(...parameters.midsizeLagMonths);
            const arrivalMonth = m + lag;
            planted.set(town.insee, (planted.get(town.insee) ?? 0) + 1);
            pendingArrivals.push({
              month: arrivalMonth,
              create: () => {
                const position = placeInCommune(town, rng, () => false) ?? [town.longitude, town.latitude];
                const date = dateIn(arrivalMonth, rng.integer(1, 28));
                const created = createPoint(town, position, date, rng, true, arrivalMonth + 12);
                record.moves.push({ origin: point.externalId, destination: created.externalId, kind: 'midsize', commune: town.insee, communeName: town.name, distanceKm: round(distanceKm(originCentre, position)), lagDays: daysBetween(op.plan.startedOn, date) });
              },
            });
          }
        }
        record.destinationTowns = towns.map((t) => ({ insee: t.insee, name: t.name, planted: planted.get(t.insee) ?? 0, trap: traps.includes(t) })).sort((a, b) => a.insee.localeCompare(b.insee));
      }
      truth.push(record);
    }
  }

  const scenarioOperations: ScenarioOperation[] = operations.map((op) => {
    const rng = new Random(seedFrom(seed, 'outcomes', op.plan.externalId));
    const start = op.plan.startedOn;
    const ended = new Date(Date.parse(`${start}T00:00:00Z`) + (op.plan.durationDays - 1) * 86400000).toISOString().slice(0, 10);
    return {
      plan: op.plan,
      target: { type: 'MultiPolygon', coordinates: cellsToMultiPolygon(op.targetCells, true) as GeoJSON.Position[][][] },
      endedOn: ended,
      arrests: Math.round(op.plan.officers / 40 + rng.integer(0, 20)),
      cannabisKg: Math.round(rng.next() * 80 * 10) / 10,
      cocaineKg: Math.round(rng.next() * 15 * 10) / 10,
      cashEur: rng.integer(10, 400) * 500,
      weapons: rng.integer(0, 12),
    };
  });

  const observations = observe(points, seed);
  const usedNetworks = new Set(points.map((p) => p.network).filter(Boolean));
  truth.sort((a, b) => a.startedOn.localeCompare(b.startedOn));
  for (const record of truth) record.moves.sort((a, b) => a.destination.localeCompare(b.destination));
  const finalPoints = points.map(({ active: _a, protectedUntil: _p, planted: _pl, cell: _c, lastChange: _l, ...point }) => point).sort((a, b) => a.externalId.localeCompare(b.externalId));
  const scenario: Scenario = {
    seed, variant,
    networks: networks.filter((n) => usedNetworks.has(n.externalId)),
    points: finalPoints,
    observations, operations: scenarioOperations, truth,
  };
  if (input.duplicates) {
    const planted = plantDuplicates(finalPoints, input.duplicates.share, seed, locator, communesByInsee);
    scenario.points = [...finalPoints, ...planted.copies].sort((a, b) => a.externalId.localeCompare(b.externalId));
    scenario.observations = [...observations, ...observe(planted.copies as LivePoint[], seed)];
    scenario.duplicates = planted.truth;
  }
  return scenario;
}
