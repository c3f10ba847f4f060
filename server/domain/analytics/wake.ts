/**
 * The wake of an operation (pure): the points it dismantled linked to the points that appear
 * within D km and L months after, a Knox-style Monte Carlo test of whether such pairs are more
 * frequent than chance (appearance dates permuted among the appearances around), and the
 * destination towns whose appearances in the wake exceed their own usual rate (Poisson test,
 * Benjamini-Hochberg across towns). Appearances in the operation's own target and buffer are
 * counted apart as local displacement (the WDQ measures it); destinations are further away.
 */
import { appearances, daysBetween, type Appearance, type PointHistory } from './history.js';
import { benjaminiHochberg, haversineKm, poissonUpperTail, seededRandom } from './statistics.js';

export interface WakeOptions { distanceKm: number; lagMonths: number; permutations: number; seed: number; fdr: number; minLinked: number }
export const defaultWakeOptions: WakeOptions = { distanceKm: 100, lagMonths: 6, permutations: 999, seed: 20190101, fdr: 0.05, minLinked: 3 };

export interface Destination {
  commune: string; name: string; size_class: string; linked: number; expected: number; p_value: number; flagged: boolean;
  longitude: number; latitude: number;
}

export interface Wake {
  dismantled: number;
  candidates: number;
  observed_pairs: number;
  expected_pairs: number;
  ratio: number | null;
  p_value: number;
  /** The wake is established: a destination town passes the FDR test, or the Knox test is significant. */
  significant: boolean;
  linked_appearances: number;
  /** Linked appearances inside the target and buffer (local displacement). */
  local_appearances: number;
  by_size_class: Record<string, number>;
  midsize_share: number | null;
  destinations: Destination[];
  origin: [number, number] | null;
}

const daysPerMonth = 30.4375;

/**
 * `period` is the span of the data (first and last day), used for each town's usual rate.
 * `communeCentroids` places the arcs (default: mean of the linked appearances).
 */
export function operationWake(points: readonly PointHistory[], operationId: number, startedOn: string, period: { from: string; to: string }, options: WakeOptions = defaultWakeOptions,
  communeCentroids: ReadonlyMap<string, [number, number]> = new Map(), localCells: ReadonlySet<string> = new Set()): Wake {
  const origins = points.flatMap((p) => p.dismantledBy.filter((d) => d.operationId === operationId).map((d) => ({ id: p.id, on: d.on, longitude: p.longitude, latitude: p.latitude })));
  const dismantledIds = new Set(origins.map((o) => o.id));
  const lagDays = options.lagMonths * daysPerMonth;
  // Appearances near any dismantled point (other than the dismantled points themselves), each with
  // the dismantled points it is close to: pairs close in space are fixed, only dates are permuted.
  const near: Appearance[] = [];
  const closeTo: number[][] = [];
  for (const a of appearances(points)) {
    if (dismantledIds.has(a.pointId)) continue;
    const close = origins.flatMap((o, i) => (haversineKm(o.longitude, o.latitude, a.longitude, a.latitude) <= options.distanceKm ? [i] : []));
    if (close.length) { near.push(a); closeTo.push(close); }
  }
  const empty: Wake = { dismantled: origins.length, candidates: near.length, observed_pairs: 0, expected_pairs: 0, ratio: null, p_value: 1, significant: false, linked_appearances: 0, local_appearances: 0, by_size_class: {}, midsize_share: null, destinations: [], origin: null };
  if (origins.length === 0 || near.length === 0) return empty;

  const originDays = origins.map((o) => daysBetween(period.from, o.on));
  const appearanceDays = near.map((a) => daysBetween(period.from, a.on));
  const countPairs = (days: readonly number[]) => {
    let pairs = 0;
    for (let j = 0; j < days.length; j += 1) {
      for (const i of closeTo[j]) {
        const lag = days[j] - originDays[i];
        if (lag > 0 && lag <= lagDays) pairs += 1;
      }
    }
    return pairs;
  };
  const observed = countPairs(appearanceDays);
  const random = seededRandom(options.seed);
  const shuffled = [...appearanceDays];
  let atLeast = 0;
  let total = 0;
  for (let k = 0; k < options.permutations; k += 1) {
    for (let i = shuffled.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const pairs = countPairs(shuffled);
    total += pairs;
    if (pairs >= observed) atLeast += 1;
  }
  const expected = total / options.permutations;
  const pValue = (1 + atLeast) / (1 + options.permutations);

  // Appearances linked to the operation, and each town's usual rate outside the wake window.
  const allLinked = near.filter((a, j) => closeTo[j].some((i) => { const lag = appearanceDays[j] - originDays[i]; return lag > 0 && lag <= lagDays; }));
  const linked = allLinked.filter((a) => !localCells.has(a.cell));
  const months = Math.max(1, daysBetween(period.from, period.to) / daysPerMonth - options.lagMonths);
  const byCommune = new Map<string, Appearance[]>();
  for (const a of linked) byCommune.set(a.commune, [...(byCommune.get(a.commune) ?? []), a]);
  const outsideWindow = new Map<string, number>();
  for (const a of near) {
    if (localCells.has(a.cell)) continue;
    const lag = daysBetween(startedOn, a.on);
    if (!(lag > 0 && lag <= lagDays)) outsideWindow.set(a.commune, (outsideWindow.get(a.commune) ?? 0) + 1);
  }
  const candidates = [...byCommune.entries()].map(([commune, list]) => {
    const expectedInWindow = ((outsideWindow.get(commune) ?? 0) / months) * options.lagMonths;
    const centroid = communeCentroids.get(commune) ?? [list.reduce((s, a) => s + a.longitude, 0) / list.length, list.reduce((s, a) => s + a.latitude, 0) / list.length];
    return {
      commune, name: list[0].communeName, size_class: list[0].sizeClass, linked: list.length,
      expected: Math.round(expectedInWindow * 100) / 100, p_value: poissonUpperTail(list.length, expectedInWindow), flagged: false,
      longitude: centroid[0], latitude: centroid[1],
    };
  });
  const significant = benjaminiHochberg(candidates.map((c) => c.p_value), options.fdr);
  // Strong destinations pass Benjamini-Hochberg; when the Knox test shows the wake as a whole,
  // towns at least twice their usual rate (p < 0.1) join them.
  candidates.forEach((c, i) => { c.flagged = significant[i] && c.linked >= options.minLinked; });
  const established = candidates.some((c) => c.flagged) || pValue < 0.05;
  if (pValue < 0.05) candidates.forEach((c) => { if (c.linked >= options.minLinked && c.linked >= 2 * c.expected && c.p_value < 0.1) c.flagged = true; });
  candidates.sort((a, b) => Number(b.flagged) - Number(a.flagged) || b.linked - a.linked || a.commune.localeCompare(b.commune));
  const bySizeClass: Record<string, number> = {};
  for (const a of linked) bySizeClass[a.sizeClass] = (bySizeClass[a.sizeClass] ?? 0) + 1;
  return {
    dismantled: origins.length, candidates: near.length, observed_pairs: observed, expected_pairs: Math.round(expected * 100) / 100,
    ratio: expected > 0 ? Math.round((observed / expected) * 100) / 100 : null, p_value: Math.round(pValue * 10000) / 10000, significant: established,
    linked_appearances: linked.length, local_appearances: allLinked.length - linked.length, by_size_class: bySizeClass,
    midsize_share: linked.length ? Math.round(((bySizeClass.ville_moyenne ?? 0) / linked.length) * 1000) / 1000 : null,
    destinations: candidates,
    origin: [origins.reduce((s, o) => s + o.longitude, 0) / origins.length, origins.reduce((s, o) => s + o.latitude, 0) / origins.length],
  };
}

export type Reading = 'deplacement' | 'diffusion' | 'effet_local' | 'pas_d_effet' | 'indefini';

/**
 * What the operation did, in one word and in plain French, from its effect measures and its wake:
 * no measurable direct effect first; then diffusion when the buffer improved against the control;
 * then displacement when the buffer rose significantly or destination towns stand out.
 */
export function readOperation(effect: { verdict: string; direct: { significant: boolean }; buffer: { net_change: number | null; significant: boolean } }, wake: Pick<Wake, 'destinations'>): { reading: Reading; text: string } {
  const towns = wake.destinations.filter((d) => d.flagged);
  const townList = towns.map((d) => `${d.name} (${d.linked})`).join(', ');
  if (effect.verdict === 'indefini') return { reading: 'indefini', text: 'Effet indéfini : les effectifs ne permettent pas le calcul (voir le détail).' };
  if (!effect.direct.significant) return { reading: 'pas_d_effet', text: 'Pas d’effet mesurable : la zone ciblée n’a pas baissé significativement par rapport à la zone de contrôle.' };
  if ((effect.buffer.net_change ?? 0) < 0) {
    return { reading: 'diffusion', text: `Diffusion des bénéfices : la zone tampon a aussi baissé par rapport au contrôle.${towns.length ? ` Hausses anormales à portée, à examiner (elles peuvent venir d’une autre opération) : ${townList}.` : ''}` };
  }
  if ((effect.buffer.significant && (effect.buffer.net_change ?? 0) > 0) || towns.length) {
    return { reading: 'deplacement', text: `Déplacement : ${effect.buffer.significant ? 'hausse significative dans la zone tampon' : 'la zone tampon ne baisse pas'}${towns.length ? ` ; villes de destination : ${townList}` : ''}.` };
  }
  return { reading: 'effet_local', text: 'Effet local : baisse dans la zone ciblée, sans déplacement ni diffusion détectés.' };
}
