/**
 * The scenario's places and points while it runs: where a new point goes (a commune's street-market
 * districts, an H3 cell), which service reports it, and its status changes. Pure and deterministic:
 * every draw comes from the caller's random stream.
 */
import { cellToBoundary, latLngToCell } from 'h3-js';
import type { Random } from './random.js';
import { dateIn, monthOf } from './calendar.js';
import type { CommuneLocator, ScenarioCommune } from './geography.js';
import type { LivePoint, ScenarioNetwork, StatusEntry } from './types.js';

const productMix: [string, number][] = [
  ['cannabis_resine', 0.85], ['cannabis_herbe', 0.55], ['cocaine', 0.45], ['crack', 0.04], ['heroine', 0.05], ['drogues_synthetiques', 0.05],
];

export class ScenarioWorld {
  constructor(private readonly locator: CommuneLocator, departments: readonly string[], readonly res: number) {
    this.baseByDepartment = new Map(departments.map((code) => [code, []]));
  }

  readonly points: LivePoint[] = [];
  readonly baseByDepartment: Map<string, LivePoint[]>;
  readonly plantedPoints: LivePoint[] = [];
  /** Street-market districts of each commune: a centre and the network working it. */
  readonly clusters = new Map<string, { centre: [number, number]; network: string | null }[]>();
  readonly networks: ScenarioNetwork[] = [];
  private readonly counters = new Map<string, number>();
  readonly nextId = (department: string) => {
    const n = (this.counters.get(department) ?? 0) + 1;
    this.counters.set(department, n);
    return `SYN-${department}-${String(n).padStart(5, '0')}`;
  };

  readonly randomPointIn = (commune: ScenarioCommune, rng: Random, around: [number, number], sigmaKm: number): [number, number] | null => {
    for (let attempt = 0; attempt < 30; attempt++) {
      const longitude = around[0] + (rng.normal() * sigmaKm) / (111.32 * Math.cos((around[1] * Math.PI) / 180));
      const latitude = around[1] + (rng.normal() * sigmaKm) / 110.57;
      if (this.locator.contains(commune, longitude, latitude)) return [longitude, latitude];
    }
    return null;
  };

  readonly randomPointInCell = (cell: string, rng: Random): { position: [number, number]; commune: ScenarioCommune } | null => {
    const ring = cellToBoundary(cell, true);
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    for (let attempt = 0; attempt < 30; attempt++) {
      const longitude = Math.min(...xs) + rng.next() * (Math.max(...xs) - Math.min(...xs));
      const latitude = Math.min(...ys) + rng.next() * (Math.max(...ys) - Math.min(...ys));
      if (latLngToCell(latitude, longitude, this.res) !== cell) continue;
      const commune = this.locator.communeAt(longitude, latitude);
      if (commune) return { position: [longitude, latitude], commune };
    }
    return null;
  };

  /** A location in a commune, in one of its street-market districts (clusters). */
  readonly placeInCommune = (commune: ScenarioCommune, rng: Random, avoid: (cell: string) => boolean): [number, number] | null => {
    const list = this.clusters.get(commune.insee) ?? [];
    this.clusters.set(commune.insee, list);
    for (let attempt = 0; attempt < 10; attempt++) {
      let cluster = list.length && rng.chance(Math.min(0.9, 0.55 + list.length * 0.08)) ? rng.pick(list) : null;
      if (!cluster) {
        const spreadKm = Math.min(4, 0.6 + Math.sqrt(commune.population) / 120);
        const centre = this.randomPointIn(commune, rng, [commune.longitude, commune.latitude], spreadKm);
        if (!centre) continue;
        const networkChance = commune.population >= 20000 ? 0.5 : 0.2;
        let network: string | null = null;
        if (rng.chance(networkChance)) {
          network = `SYN-NET-${commune.department}-${String(this.networks.length + 1).padStart(4, '0')}`;
          this.networks.push({ externalId: network, name: `Réseau ${commune.name} ${String.fromCharCode(65 + (list.length % 26))}`, department: commune.department });
        }
        cluster = { centre, network };
        list.push(cluster);
      }
      const position = this.randomPointIn(commune, rng, cluster.centre, 0.15) ?? cluster.centre;
      if (avoid(latLngToCell(position[1], position[0], this.res))) continue;
      return position;
    }
    return null;
  };

  readonly sourceFor = (commune: ScenarioCommune, rng: Random): string => {
    const x = rng.next();
    if (commune.population >= 20000) {
      return x < 0.72 ? 'police_nationale' : x < 0.82 ? 'police_municipale' : x < 0.87 ? 'bailleur_social' : x < 0.9 ? 'transport' : x < 0.92 ? 'douane' : 'signalement_public';
    }
    return x < 0.78 ? 'gendarmerie' : x < 0.88 ? 'police_municipale' : x < 0.9 ? 'douane' : 'signalement_public';
  };

  readonly createPoint = (commune: ScenarioCommune, position: [number, number], date: string, rng: Random, planted: boolean, protectedUntil: number): LivePoint => {
    const products = productMix.filter(([, p]) => rng.chance(p)).map(([code]) => code);
    if (products.length === 0) products.push('cannabis_resine');
    const cell = latLngToCell(position[1], position[0], this.res);
    const cluster = (this.clusters.get(commune.insee) ?? []).find((c) => Math.abs(c.centre[0] - position[0]) < 0.01 && Math.abs(c.centre[1] - position[1]) < 0.01);
    const point: LivePoint = {
      externalId: this.nextId(commune.department), source: this.sourceFor(commune, rng),
      longitude: Math.round(position[0] * 1e6) / 1e6, latitude: Math.round(position[1] * 1e6) / 1e6,
      commune: commune.insee, department: commune.department, products, network: cluster?.network ?? null,
      history: [{ status: 'active', on: date }], active: true, protectedUntil, planted, cell, lastChange: monthOf(date),
    };
    this.points.push(point);
    if (planted) this.plantedPoints.push(point);
    else this.baseByDepartment.get(point.department)?.push(point);
    return point;
  };

  readonly setStatus = (point: LivePoint, status: StatusEntry['status'], date: string, operation?: string) => {
    const last = point.history[point.history.length - 1];
    if (last.on >= date) date = dateIn(monthOf(last.on), Math.min(28, Number(last.on.slice(8)) + 1));
    if (last.on >= date) return false;
    point.history.push(operation ? { status, on: date, operation } : { status, on: date });
    point.active = status !== 'dismantled';
    point.lastChange = monthOf(date);
    return true;
  };
}
