/**
 * The synthetic national scenario, month by month from January 2019 to December 2025.
 * Pure and deterministic: the same seed and inputs give the same records, byte for byte once
 * serialised. The "planted" variant plants displacement and diffusion after operations and records
 * them in a ground truth; the "null" variant runs the same machinery without them.
 */
import { cellToBoundary, cellsToMultiPolygon, gridDisk, latLngToCell } from 'h3-js';
import { Random, seedFrom } from './random.js';
import { dateIn, daysBetween, monthCount, monthOf } from './calendar.js';
import { departmentTargets } from './calibration.js';
import { CommuneLocator, distanceKm, type ScenarioCommune } from './geography.js';
import { effectParameters, operationPlans, type OperationPlan, type PlantedEffect } from './operations.js';

export type ScenarioVariant = 'planted' | 'null';

export interface ScenarioInput {
  seed: number;
  variant: ScenarioVariant;
  /** The traps an honest method must survive (all off in the demo): see `ScenarioTraps`. */
  traps?: ScenarioTraps;
  communes: readonly ScenarioCommune[];
  /** Department code -> persons implicated for trafficking in 2020 (SSMSI). */
  trafficking: ReadonlyMap<string, number>;
  /**
   * The registry variant (off in the demo): this share of the points is reported a second time by
   * another service, 5-60 m away, with the same life a little later and the same or fewer products.
   */
  duplicates?: { share: number };
}

/** A point reported twice: the original and the other service's copy (ground truth of the registry variant). */
export interface PlantedDuplicate { original: { source: string; externalId: string }; copy: { source: string; externalId: string }; distanceMeters: number }

/**
 * Traps for the methods: a seasonal swing of every department's count (amplitude, e.g. 0.2 for
 * +/-20 %, peaking in summer), and a surge of the targeted district and its surroundings in the
 * three months before the listed operations (+40 %, gone after: regression to the mean).
 */
export interface ScenarioTraps {
  seasonality?: number; surgeBefore?: readonly string[];
  /**
   * Districts (targets and buffers) follow their department's trend and season relative to the
   * operation's month instead of keeping their level (and an operation without effect leaves its
   * district following), a surge adds points to the department rather than displacing others in
   * it, and the points removed by operations weigh on the department's count as a share of its
   * level (following its trend and season).
   */
  followDepartment?: boolean;
}

export interface StatusEntry { status: 'active' | 'dismantled' | 'reopened'; on: string; operation?: string }

export interface ScenarioPoint {
  externalId: string; source: string; longitude: number; latitude: number; commune: string; department: string;
  products: string[]; network: string | null; history: StatusEntry[];
}

export interface ScenarioObservation { pointExternalId: string; pointSource: string; observedOn: string; activityLevel: number; estimatedDailyTransactions: number; source: string }
export interface ScenarioNetwork { externalId: string; name: string; department: string }
export interface ScenarioOperation { plan: OperationPlan; target: GeoJSON.MultiPolygon; endedOn: string; arrests: number; cannabisKg: number; cocaineKg: number; cashEur: number; weapons: number }

export interface PlantedMove {
  origin: string; destination: string; kind: 'local' | 'midsize'; commune: string; communeName: string;
  distanceKm: number; lagDays: number;
}

export interface OperationTruth {
  operation: string; name: string; startedOn: string; plantedEffect: PlantedEffect | 'none';
  /** The district surged in the three months before (a trap: the fall after is not the operation's). */
  preSurge: boolean;
  targetCells: string[]; bufferCells: string[];
  pointsInTargetBefore: number; dismantled: string[];
  bufferDismantled: string[]; reopened: string[];
  /** Planted towns and their moves; `trap`: towns given only 1-2 points, below what any test can tell from chance. */
  destinationTowns: { insee: string; name: string; planted: number; trap: boolean }[];
  moves: PlantedMove[];
}

export interface Scenario {
  seed: number; variant: ScenarioVariant;
  networks: ScenarioNetwork[]; points: ScenarioPoint[]; observations: ScenarioObservation[]; operations: ScenarioOperation[];
  truth: OperationTruth[];
  /** Only in the registry variant. */
  duplicates?: PlantedDuplicate[];
}

interface LivePoint extends ScenarioPoint {
  active: boolean; protectedUntil: number; planted: boolean; cell: string; lastChange: number;
}

const productMix: [string, number][] = [
  ['cannabis_resine', 0.85], ['cannabis_herbe', 0.55], ['cocaine', 0.45], ['crack', 0.04], ['heroine', 0.05], ['drogues_synthetiques', 0.05],
];
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

  const points: LivePoint[] = [];
  const baseByDepartment = new Map<string, LivePoint[]>(departments.map((code) => [code, []]));
  const plantedPoints: LivePoint[] = [];
  const clusters = new Map<string, { centre: [number, number]; network: string | null }[]>();
  const networks: ScenarioNetwork[] = [];
  const counters = new Map<string, number>();
  const nextId = (department: string) => {
    const n = (counters.get(department) ?? 0) + 1;
    counters.set(department, n);
    return `SYN-${department}-${String(n).padStart(5, '0')}`;
  };

  function randomPointIn(commune: ScenarioCommune, rng: Random, around: [number, number], sigmaKm: number): [number, number] | null {
    for (let attempt = 0; attempt < 30; attempt++) {
      const longitude = around[0] + (rng.normal() * sigmaKm) / (111.32 * Math.cos((around[1] * Math.PI) / 180));
      const latitude = around[1] + (rng.normal() * sigmaKm) / 110.57;
      if (locator.contains(commune, longitude, latitude)) return [longitude, latitude];
    }
    return null;
  }

  function randomPointInCell(cell: string, rng: Random): { position: [number, number]; commune: ScenarioCommune } | null {
    const ring = cellToBoundary(cell, true);
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    for (let attempt = 0; attempt < 30; attempt++) {
      const longitude = Math.min(...xs) + rng.next() * (Math.max(...xs) - Math.min(...xs));
      const latitude = Math.min(...ys) + rng.next() * (Math.max(...ys) - Math.min(...ys));
      if (latLngToCell(latitude, longitude, res) !== cell) continue;
      const commune = locator.communeAt(longitude, latitude);
      if (commune) return { position: [longitude, latitude], commune };
    }
    return null;
  }

  /** A location in a commune, in one of its street-market districts (clusters). */
  function placeInCommune(commune: ScenarioCommune, rng: Random, avoid: (cell: string) => boolean): [number, number] | null {
    const list = clusters.get(commune.insee) ?? [];
    clusters.set(commune.insee, list);
    for (let attempt = 0; attempt < 10; attempt++) {
      let cluster = list.length && rng.chance(Math.min(0.9, 0.55 + list.length * 0.08)) ? rng.pick(list) : null;
      if (!cluster) {
        const spreadKm = Math.min(4, 0.6 + Math.sqrt(commune.population) / 120);
        const centre = randomPointIn(commune, rng, [commune.longitude, commune.latitude], spreadKm);
        if (!centre) continue;
        const networkChance = commune.population >= 20000 ? 0.5 : 0.2;
        let network: string | null = null;
        if (rng.chance(networkChance)) {
          network = `SYN-NET-${commune.department}-${String(networks.length + 1).padStart(4, '0')}`;
          networks.push({ externalId: network, name: `Réseau ${commune.name} ${String.fromCharCode(65 + (list.length % 26))}`, department: commune.department });
        }
        cluster = { centre, network };
        list.push(cluster);
      }
      const position = randomPointIn(commune, rng, cluster.centre, 0.15) ?? cluster.centre;
      if (avoid(latLngToCell(position[1], position[0], res))) continue;
      return position;
    }
    return null;
  }

  function sourceFor(commune: ScenarioCommune, rng: Random): string {
    const x = rng.next();
    if (commune.population >= 20000) {
      return x < 0.72 ? 'police_nationale' : x < 0.82 ? 'police_municipale' : x < 0.87 ? 'bailleur_social' : x < 0.9 ? 'transport' : x < 0.92 ? 'douane' : 'signalement_public';
    }
    return x < 0.78 ? 'gendarmerie' : x < 0.88 ? 'police_municipale' : x < 0.9 ? 'douane' : 'signalement_public';
  }

  function createPoint(commune: ScenarioCommune, position: [number, number], date: string, rng: Random, planted: boolean, protectedUntil: number): LivePoint {
    const products = productMix.filter(([, p]) => rng.chance(p)).map(([code]) => code);
    if (products.length === 0) products.push('cannabis_resine');
    const cell = latLngToCell(position[1], position[0], res);
    const cluster = (clusters.get(commune.insee) ?? []).find((c) => Math.abs(c.centre[0] - position[0]) < 0.01 && Math.abs(c.centre[1] - position[1]) < 0.01);
    const point: LivePoint = {
      externalId: nextId(commune.department), source: sourceFor(commune, rng),
      longitude: Math.round(position[0] * 1e6) / 1e6, latitude: Math.round(position[1] * 1e6) / 1e6,
      commune: commune.insee, department: commune.department, products, network: cluster?.network ?? null,
      history: [{ status: 'active', on: date }], active: true, protectedUntil, planted, cell, lastChange: monthOf(date),
    };
    points.push(point);
    if (planted) plantedPoints.push(point);
    else baseByDepartment.get(point.department)?.push(point);
    return point;
  }

  function setStatus(point: LivePoint, status: StatusEntry['status'], date: string, operation?: string) {
    const last = point.history[point.history.length - 1];
    if (last.on >= date) date = dateIn(monthOf(last.on), Math.min(28, Number(last.on.slice(8)) + 1));
    if (last.on >= date) return false;
    point.history.push(operation ? { status, on: date, operation } : { status, on: date });
    point.active = status !== 'dismantled';
    point.lastChange = monthOf(date);
    return true;
  }

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

const copySources = { town: ['police_nationale', 'police_municipale', 'bailleur_social', 'transport', 'douane'], rural: ['gendarmerie', 'police_municipale', 'douane'] };
const lastScenarioDay = '2025-12-31';

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400000).toISOString().slice(0, 10);
}

/**
 * Copies of a share of the points as another service reports them: 5-60 m away (uniform
 * direction), first reported 0-45 days later, each later event 0-20 days later, products the
 * same or one fewer. Separate random streams, so the points themselves are unchanged.
 */
function plantDuplicates(points: readonly ScenarioPoint[], share: number, seed: number, locator: CommuneLocator, communes: ReadonlyMap<string, ScenarioCommune>) {
  const copies: ScenarioPoint[] = [];
  const truth: PlantedDuplicate[] = [];
  const counters = new Map<string, number>();
  for (const point of points) {
    const rng = new Random(seedFrom(seed, 'duplicates', point.externalId));
    if (!rng.chance(share)) continue;
    const commune = communes.get(point.commune);
    const pool = (commune && commune.population >= 20000 ? copySources.town : copySources.rural).filter((s) => s !== point.source);
    const source = rng.pick(pool);
    let position: [number, number] | null = null;
    let distanceMeters = 0;
    for (let attempt = 0; attempt < 10 && !position; attempt++) {
      distanceMeters = 5 + rng.next() * 55;
      const bearing = rng.next() * 2 * Math.PI;
      const longitude = Math.round((point.longitude + (distanceMeters * Math.sin(bearing)) / (111320 * Math.cos((point.latitude * Math.PI) / 180))) * 1e6) / 1e6;
      const latitude = Math.round((point.latitude + (distanceMeters * Math.cos(bearing)) / 110574) * 1e6) / 1e6;
      const at = locator.communeAt(longitude, latitude);
      if (at && at.department === point.department) position = [longitude, latitude];
    }
    if (!position) continue;
    const history: StatusEntry[] = [];
    for (const [i, entry] of point.history.entries()) {
      let on = shiftDate(entry.on, i === 0 ? rng.integer(0, 45) : rng.integer(0, 20));
      if (on > lastScenarioDay) on = lastScenarioDay;
      if (history.length && on <= history[history.length - 1].on) on = shiftDate(history[history.length - 1].on, 1);
      if (on > lastScenarioDay) break;
      history.push(entry.operation ? { status: entry.status, on, operation: entry.operation } : { status: entry.status, on });
    }
    const dropped = point.products.length > 1 && rng.chance(0.3) ? rng.integer(0, point.products.length - 1) : -1;
    const products = point.products.filter((_p, i) => i !== dropped);
    const n = (counters.get(point.department) ?? 0) + 1;
    counters.set(point.department, n);
    const at = locator.communeAt(position[0], position[1])!;
    const copy: ScenarioPoint = {
      externalId: `SYN-DUP-${point.department}-${String(n).padStart(5, '0')}`, source, longitude: position[0], latitude: position[1],
      commune: at.insee, department: point.department, products, network: point.network, history,
    };
    copies.push(copy);
    truth.push({ original: { source: point.source, externalId: point.externalId }, copy: { source, externalId: copy.externalId }, distanceMeters: Math.round(distanceMeters * 10) / 10 });
  }
  return { copies, truth };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Half-yearly activity observations while a point is active: a level 1-4 and daily transactions. */
function observe(points: readonly LivePoint[], seed: number): ScenarioObservation[] {
  const observations: ScenarioObservation[] = [];
  for (const point of points) {
    const rng = new Random(seedFrom(seed, 'observations', point.externalId));
    let level = rng.integer(1, 3);
    const periods: [number, number][] = [];
    for (let i = 0; i < point.history.length; i++) {
      const entry = point.history[i];
      if (entry.status === 'dismantled') continue;
      const end = i + 1 < point.history.length ? monthOf(point.history[i + 1].on) : monthCount;
      periods.push([monthOf(entry.on), end]);
    }
    for (const [start, end] of periods) {
      for (let m = start; m < end; m += 6) {
        level = Math.max(1, Math.min(4, level + rng.integer(-1, 1)));
        observations.push({
          pointExternalId: point.externalId, pointSource: point.source, observedOn: dateIn(m, 28), activityLevel: level,
          estimatedDailyTransactions: level * 25 + rng.integer(0, 30),
          source: point.source === 'signalement_public' ? (point.department.startsWith('97') ? 'gendarmerie' : 'police_nationale') : point.source,
        });
      }
    }
  }
  return observations;
}
