/** The records a finished scenario adds: other services' copies of some points (registry variant) and monthly observations. */
import { Random, seedFrom } from './random.js';
import { dateIn, monthCount, monthOf } from './calendar.js';
import type { CommuneLocator, ScenarioCommune } from './geography.js';
import type { LivePoint, PlantedDuplicate, ScenarioObservation, ScenarioPoint, StatusEntry } from './types.js';

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
export function plantDuplicates(points: readonly ScenarioPoint[], share: number, seed: number, locator: CommuneLocator, communes: ReadonlyMap<string, ScenarioCommune>) {
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

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Half-yearly activity observations while a point is active: a level 1-4 and daily transactions. */
export function observe(points: readonly LivePoint[], seed: number): ScenarioObservation[] {
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
