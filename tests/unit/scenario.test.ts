import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { gridDisk, latLngToCell } from 'h3-js';
import { buildScenarioFiles, readScenarioGeography, type ScenarioGeography } from '../../server/services/scenario.js';
import { CommuneLocator, distanceKm } from '../../server/domain/scenario/geography.js';
import { statusHistoryProblems } from '../../server/domain/status-history.js';
import type { ScenarioFiles } from '../../server/domain/scenario/serialize.js';
import { activeCounts, readPoints, type FilePoint } from '../helpers/scenario-counts.js';

const seed = 20190101;
let geography: ScenarioGeography;
let files: ScenarioFiles;
let points: FilePoint[];
let truth: { operations: any[] };

const digest = (f: ScenarioFiles) => Object.fromEntries(Object.entries(f).map(([name, text]) => [name, createHash('sha256').update(text).digest('hex')]));

beforeAll(() => {
  geography = readScenarioGeography();
  files = buildScenarioFiles(seed, 'planted', geography);
  points = readPoints(files['deal-points.csv']);
  truth = JSON.parse(files['ground-truth.json']);
}, 120_000); // generating the scenario takes 3-10 s, more on a busy machine

describe('scenario determinism', () => {
  it('gives the same bytes for the same seed and other bytes for another seed', () => {
    expect(digest(buildScenarioFiles(seed, 'planted', geography))).toEqual(digest(files));
    expect(digest(buildScenarioFiles(seed + 1, 'planted', geography))['deal-points.csv']).not.toBe(digest(files)['deal-points.csv']);
  });
});

describe('scenario calibration on the published figures', () => {
  it('has about 3,950 active points in December 2020, 3,230 in October 2022 and 3,000 in 2024', () => {
    expect(Math.abs(activeCounts(points, '2020-12-20').total - 3952) / 3952).toBeLessThan(0.03);
    expect(Math.abs(activeCounts(points, '2022-10-15').total - 3233) / 3233).toBeLessThan(0.04);
    for (const date of ['2024-03-01', '2024-06-30', '2024-12-31']) {
      expect(Math.abs(activeCounts(points, date).total - 3000) / 3000).toBeLessThan(0.05);
    }
  });

  it('puts Seine-Saint-Denis, Rhône and Nord on top in December 2020, and nothing in Lozère or Hautes-Alpes', () => {
    const { byDepartment } = activeCounts(points, '2020-12-20');
    const top = [...byDepartment.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
    expect(top.map(([code]) => code)).toEqual(['93', '69', '59']);
    expect(Math.abs(byDepartment.get('93')! - 276)).toBeLessThanOrEqual(3);
    expect(Math.abs(byDepartment.get('69')! - 255)).toBeLessThanOrEqual(3);
    expect(Math.abs(byDepartment.get('59')! - 251)).toBeLessThanOrEqual(3);
    expect(points.filter((p) => p.department === '48' || p.department === '05')).toEqual([]);
  });

  it('follows Bouches-du-Rhône 220 -> 127 and Vaucluse about 50 then 69', () => {
    expect(Math.abs(activeCounts(points, '2020-12-31').byDepartment.get('13')! - 220)).toBeLessThanOrEqual(5);
    expect(Math.abs(activeCounts(points, '2023-12-31').byDepartment.get('13')! - 127)).toBeLessThanOrEqual(6);
    expect(Math.abs(activeCounts(points, '2021-05-31').byDepartment.get('84')! - 50)).toBeLessThanOrEqual(5);
    expect(Math.abs(activeCounts(points, '2022-03-31').byDepartment.get('84')! - 69)).toBeLessThanOrEqual(5);
  });

  it('spreads the others in proportion to SSMSI trafficking (Paris > Val-de-Marne > Essonne > Creuse)', () => {
    const { byDepartment } = activeCounts(points, '2020-12-20');
    const count = (code: string) => byDepartment.get(code) ?? 0;
    expect(count('75')).toBeGreaterThan(count('94'));
    expect(count('94')).toBeGreaterThan(count('91'));
    expect(count('91')).toBeGreaterThan(count('23'));
    expect(count('971')).toBeGreaterThan(0); // overseas departments are in the census
  });
});

describe('scenario points', () => {
  it('sit inside real communes of their department, never at sea', () => {
    const locator = new CommuneLocator(geography.communes);
    const outside = points.filter((p) => locator.communeAt(p.longitude, p.latitude)?.department !== p.department);
    expect(outside).toEqual([]);
  });

  it('cluster by district: most points have another point within 500 m', () => {
    const byCell = new Map<string, FilePoint[]>();
    for (const p of points) { const cell = latLngToCell(p.latitude, p.longitude, 7); byCell.set(cell, [...(byCell.get(cell) ?? []), p]); }
    const clustered = points.filter((p) => gridDisk(latLngToCell(p.latitude, p.longitude, 7), 1)
      .flatMap((cell) => byCell.get(cell) ?? [])
      .some((q) => q !== p && distanceKm([p.longitude, p.latitude], [q.longitude, q.latitude]) <= 0.5)).length;
    expect(clustered / points.length).toBeGreaterThan(0.7);
  });

  it('have valid lifetimes, some reopened, mostly CROSS sources with some public reports, and networks', () => {
    for (const p of points) expect(statusHistoryProblems(p.history.map((h) => ({ status: h.status as never, effective_on: h.on })))).toEqual([]);
    expect(points.filter((p) => p.history.some((h) => h.status === 'reopened')).length).toBeGreaterThan(50);
    const publicShare = points.filter((p) => p.source === 'signalement_public').length / points.length;
    expect(publicShare).toBeGreaterThan(0.01);
    expect(publicShare).toBeLessThan(0.15);
    const crossShare = points.filter((p) => ['police_nationale', 'gendarmerie', 'police_municipale', 'douane'].includes(p.source)).length / points.length;
    expect(crossShare).toBeGreaterThan(0.8);
    const inNetworks = points.filter((p) => p.network).length / points.length;
    expect(inNetworks).toBeGreaterThan(0.2);
    expect(inNetworks).toBeLessThan(0.7);
    expect(files['observations.csv'].split('\n').length).toBeGreaterThan(points.length * 3);
  });
});

describe('operations and planted effects', () => {
  it('runs place nette operations from autumn 2023, Marseille XXL in March 2024 among them', () => {
    const operations = JSON.parse(files['operations.geojson']).features;
    expect(operations.every((o: any) => o.properties.started_on >= '2023-09-01' && o.properties.dataset === 'synthetic')).toBe(true);
    const marseille = operations.find((o: any) => o.properties.name.includes('Marseille'));
    expect(marseille.properties.started_on.slice(0, 7)).toBe('2024-03');
    expect(new Set(operations.map((o: any) => o.properties.external_id.split('-')[3])).size).toBeGreaterThanOrEqual(6); // departments
  });

  it('plants displacement to mid-sized towns 20-85 km away within 1-6 months, and local displacement within 1-3 months', () => {
    const marseille = truth.operations.find((o) => o.operation === 'SYN-OP-2024-013-01');
    expect(marseille.plantedEffect).toBe('displacement');
    expect(marseille.destinationTowns.map((t: any) => t.name).sort()).toEqual(['Apt', 'Carpentras', 'Cavaillon', 'Manosque', 'Pertuis', 'Salon-de-Provence']);
    // The last two towns of the plan are traps given one and two points, below what a test can tell from chance.
    expect(marseille.destinationTowns.filter((t: any) => t.trap).map((t: any) => [t.name, t.planted])).toEqual([['Manosque', 1], ['Salon-de-Provence', 2]]);
    for (const op of truth.operations.filter((o) => o.plantedEffect === 'displacement')) {
      const midsize = op.moves.filter((m: any) => m.kind === 'midsize');
      const local = op.moves.filter((m: any) => m.kind === 'local');
      expect(midsize.length).toBeGreaterThanOrEqual(15);
      expect(local.length).toBeGreaterThanOrEqual(8);
      for (const town of op.destinationTowns) expect(town.planted).toBeGreaterThanOrEqual(town.trap ? 1 : 4);
      // Carpentras lies 82-85 km from the Marseille target's centre; the others 20-80 km.
      for (const move of midsize) { expect(move.distanceKm).toBeGreaterThan(20); expect(move.distanceKm).toBeLessThan(86); }
      for (const move of midsize) { expect(move.lagDays).toBeGreaterThan(0); expect(move.lagDays).toBeLessThanOrEqual(6 * 31); }
      for (const move of local) { expect(move.lagDays).toBeLessThanOrEqual(3 * 31); expect(move.distanceKm).toBeLessThan(7); } // buffer cells: 5 rings of ~0.9 km from the district centre
      const destinations = new Set(op.moves.map((m: any) => m.destination));
      expect(points.filter((p) => destinations.has(p.externalId)).length).toBe(destinations.size);
    }
  });

  it('plants diffusion of benefits and no-effect operations', () => {
    for (const op of truth.operations.filter((o) => o.plantedEffect === 'diffusion')) {
      expect(op.bufferDismantled.length).toBeGreaterThanOrEqual(5);
      expect(op.moves).toEqual([]);
    }
    for (const op of truth.operations.filter((o) => o.plantedEffect === 'no_effect')) {
      expect(op.reopened.sort()).toEqual([...op.dismantled].sort());
      expect(op.dismantled.length).toBeLessThanOrEqual(0.2 * op.pointsInTargetBefore);
    }
    expect(truth.operations.map((o) => o.plantedEffect).sort()).toEqual(['diffusion', 'diffusion', 'diffusion', 'displacement', 'displacement', 'displacement', 'no_effect', 'no_effect', 'no_effect']);
  });

  it('links dismantled points to their operation', () => {
    const linked = points.flatMap((p) => p.history.filter((h) => h.operation));
    expect(linked.length).toBe(truth.operations.reduce((sum, o) => sum + o.dismantled.length, 0));
  });

  it('has a null variant with the same machinery and nothing planted', () => {
    const nullTruth = JSON.parse(buildScenarioFiles(seed, 'null', geography)['ground-truth.json']);
    expect(nullTruth.variant).toBe('null');
    expect(nullTruth.operations).toHaveLength(truth.operations.length);
    for (const op of nullTruth.operations) {
      expect(op.moves).toEqual([]);
      expect(op.bufferDismantled).toEqual([]);
      expect(['none', 'no_effect']).toContain(op.plantedEffect);
    }
  });
});

describe('the realistic variant of the truth benchmark (followDepartment)', () => {
  const activeOn = (history: { status: string; on: string }[], date: string) => {
    let active = false;
    for (const entry of history) { if (entry.on > date) break; active = entry.status !== 'dismantled'; }
    return active;
  };
  it('keeps districts following their department\'s trend, and a surge adds points on top of the department', async () => {
    const { generateScenario } = await import('../../server/domain/scenario/generate.js');
    const geo = readScenarioGeography();
    const run = (traps: Parameters<typeof generateScenario>[0]['traps']) => generateScenario({ seed: 5, variant: 'null', traps, communes: geo.communes, trafficking: geo.trafficking });
    const fixed = run(undefined);
    const following = run({ followDepartment: true });
    const surged = run({ followDepartment: true, surgeBefore: ['SYN-OP-2024-038-01'] });
    // Saint-Ouen's district in mid-2019: Seine-Saint-Denis had about 265 points then and about 224 at
    // the operation (September 2023), so a district following it holds about 8 more than its 48.
    const isere = (s: typeof fixed, date: string) => s.points.filter((p) => p.department === '38' && activeOn(p.history, date)).length;
    const inTarget = (s: typeof fixed, name: string, date: string) => {
      const cells = new Set(s.truth.find((t) => t.name.includes(name))!.targetCells);
      return s.points.filter((p) => cells.has(latLngToCell(p.latitude, p.longitude, 8)) && activeOn(p.history, date)).length;
    };
    // (Other points of the department sit in the district's cells too: the difference is the district's.)
    expect(inTarget(following, 'Saint-Ouen', '2019-06-30') - inTarget(fixed, 'Saint-Ouen', '2019-06-30')).toBeGreaterThanOrEqual(5);
    // Grenoble's surge (+40 % in target and buffer in the three months before 16 April 2024) adds
    // points to the Isère rather than displacing others there; gone after.
    expect(isere(surged, '2024-03-31') - isere(following, '2024-03-31')).toBeGreaterThanOrEqual(12);
    expect(Math.abs(isere(surged, '2024-12-31') - isere(following, '2024-12-31'))).toBeLessThanOrEqual(4);
  }, 120_000);
});
