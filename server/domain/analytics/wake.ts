/**
 * The wake of an operation (pure): where points appeared beyond its target and buffer, within D km
 * and L months after, against what each town would have seen anyway.
 * - Every commune whose centre lies within reach is a candidate town. Its expected count in the
 *   window comes from its own appearances over the P months before, shrunk towards the rate per
 *   inhabitant of its size class in the comparison towns (gamma prior worth `priorMonths` months,
 *   so a town without history gets its class's rate, never zero), scaled by the change that the
 *   comparison towns saw between the two periods (the towns of the same size class beyond reach:
 *   national trend and season), shrunk towards no change by one appearance on each side.
 * - Each town: the exact upper tail of the predictive (negative binomial) count; Benjamini-Hochberg
 *   over all candidates within reach, at `fdr`, or at `alpha` when the placebo test below rejects.
 * - The placebo test: the same statistic (the truncated product of the towns' p-values below 0.05)
 *   computed at the same place on every month whose window holds no other operation within reach,
 *   before the operation or after its wake has left the history window (so that the reference
 *   covers the later data too: with earlier months only, 2.5 % of 400 null pseudo-operations
 *   rejected at 5 %; with both, 3.3 %), and the observed value ranked among them.
 */
import { addMonths, appearances, type PointHistory } from './history.js';
import { benjaminiHochberg, haversineKm, meanPosition, negativeBinomialUpperTail, rankPValue } from './statistics.js';

/**
 * `minPopulation`: the candidate destination towns (every one within reach is tested, with FDR over
 * all of them). `fdr` is half the displacement reading's 5 % level: the buffer's rise (at alpha / 4,
 * 1.25 %) takes less than the rest, so that a displacement is read by chance in at most 5 % of
 * operations where nothing moved (3.8 % of 400 null pseudo-operations).
 */
export interface WakeOptions { distanceKm: number; lagMonths: number; historyMonths: number; priorMonths: number; fdr: number; minLinked: number; alpha: number; minPopulation: number }
export const defaultWakeOptions: WakeOptions = { distanceKm: 100, lagMonths: 6, historyMonths: 12, priorMonths: 36, fdr: 0.025, minLinked: 2, alpha: 0.05, minPopulation: 5000 };

export interface Commune { insee: string; name: string; sizeClass: string; population: number; longitude: number; latitude: number }

export interface Destination {
  commune: string; name: string; size_class: string; linked: number; expected: number; history: number; p_value: number; flagged: boolean;
  longitude: number; latitude: number;
}

export interface Wake {
  dismantled: number;
  origin: [number, number] | null;
  /** Candidate towns within reach (all of them are tested). */
  candidates: number;
  /** Appearances in the candidate towns within the window, and what was expected there. */
  linked_appearances: number; expected_appearances: number;
  /** Appearances inside the target and buffer (local displacement, read by the effect). */
  local_appearances: number;
  by_size_class: Record<string, { linked: number; expected: number }>;
  /** Share of the excess (appearances above expectation, flagged towns) in mid-sized towns. */
  midsize_share: number | null;
  placebo: { placebos: number; statistic: number; p_value: number | null; significant: boolean };
  destinations: Destination[];
  /** The window ends after the data: figures are partial. */
  partial_window: boolean;
  /** Other operations whose wakes overlap this one's and reach its flagged towns (operation-analysis.ts). */
  overlapping_wakes?: OverlappingWake[];
}

/** Another operation whose wake overlaps this one's in time and reaches some of its flagged towns. */
export interface OverlappingWake { label: string; started_on: string; distance_km: number; towns: string[] }

/** Month offsets from the start: offset n covers (start + (n-1) months, start + n months]. */
function offsetOf(boundaries: readonly string[], first: number, date: string): number | null {
  let lo = 0;
  let hi = boundaries.length - 1;
  if (date <= boundaries[0] || date > boundaries[hi]) return null;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (date > boundaries[mid]) lo = mid; else hi = mid;
  }
  return first + hi;
}

/**
 * Appearances added to both sides of a comparison class's change (see townTests). One: on the truth
 * bench (16 + 16 seeds), false destination towns on null scenarios 2 -> 1 of 144 and false
 * displacement 1 -> 0, all else unchanged; three made the towns placebo test too conservative
 * (2.3 % at 5 % over 400 null pseudo-operations, against 3.3 %).
 */
const trendPseudoCount = 1;

interface TownTest { index: number; x: number; expected: number; y: number; p: number }

/**
 * The towns' tests at offset `at` (0: the operation). `bins[i]` and `classBins` are monthly
 * appearance counts from offset `first`.
 */
function townTests(at: number, first: number, bins: readonly Int32Array[], towns: readonly Commune[], comparison: ReadonlyMap<string, { bins: Int32Array; population: number }>, options: WakeOptions): TownTest[] {
  const sum = (series: Int32Array, from: number, to: number) => { let s = 0; for (let n = Math.max(from, first); n <= to; n += 1) s += series[n - first] ?? 0; return s; };
  const L = options.lagMonths;
  const P = options.historyMonths;
  const pre = (s: Int32Array) => sum(s, at - P + 1, at);
  const post = (s: Int32Array) => sum(s, at + 1, at + L);
  const classes = new Map<string, { trend: number; perInhabitant: number }>();
  for (const [c, group] of comparison) {
    const before = pre(group.bins) / P;
    // The change, shrunk towards none by one appearance on each side: a sparse class's ratio (a few
    // appearances, a season) is mostly noise, and a trend near zero makes any appearance significant
    // (2 appearances for 0.01 expected, a false destination town on a null scenario).
    const expectedAfter = before * L;
    const trend = (post(group.bins) + trendPseudoCount) / (expectedAfter + trendPseudoCount);
    classes.set(c, { trend, perInhabitant: group.population > 0 ? before / group.population : 0 });
  }
  return bins.map((b, i) => {
    const c = classes.get(towns[i].sizeClass) ?? { trend: 1, perInhabitant: 0 };
    // Prior: the class's monthly rate per inhabitant, at least half an appearance over the prior's months.
    const priorRate = Math.max(c.perInhabitant * towns[i].population, 0.5 / options.priorMonths);
    const y = pre(b);
    const shape = priorRate * options.priorMonths + y;
    const rate = options.priorMonths + P;
    const exposure = L * c.trend;
    const x = post(b);
    return { index: i, x, y, expected: (shape / rate) * exposure, p: negativeBinomialUpperTail(x, shape, rate / (rate + exposure)) };
  });
}

/** Truncated product statistic (Zaykin et al. 2002): the sum of -log10 p over the p-values below 0.05. */
function truncatedProduct(tests: readonly TownTest[]): number {
  return tests.reduce((s, t) => (t.p < 0.05 ? s - Math.log10(Math.max(t.p, 1e-300)) : s), 0);
}

/**
 * `period`: first day of the data and the day it runs to (the data vintage or an explicit as-of
 * date, never today). `otherStarts`: start dates of the other operations within reach.
 */
export function operationWake(points: readonly PointHistory[], operationId: number, startedOn: string, period: { from: string; to: string }, communes: readonly Commune[],
  options: WakeOptions = defaultWakeOptions, localCells: ReadonlySet<string> = new Set(), otherStarts: readonly string[] = []): Wake {
  const origins = points.flatMap((p) => p.dismantledBy.filter((d) => d.operationId === operationId).map(() => [p.longitude, p.latitude] as [number, number]));
  const none: Wake = { dismantled: origins.length, origin: null, candidates: 0, linked_appearances: 0, expected_appearances: 0, local_appearances: 0, by_size_class: {}, midsize_share: null, placebo: { placebos: 0, statistic: 0, p_value: null, significant: false }, destinations: [], partial_window: false };
  if (origins.length === 0) return none;
  const origin = meanPosition(origins);
  const monthsFrom = (date: string) => (Number(date.slice(0, 4)) - Number(startedOn.slice(0, 4))) * 12 + Number(date.slice(5, 7)) - Number(startedOn.slice(5, 7));
  const first = monthsFrom(period.from);
  const last = monthsFrom(period.to);
  const boundaries = Array.from({ length: last - first + 2 }, (_, i) => addMonths(startedOn, first - 1 + i));
  const binOf = (date: string) => (date > period.to ? null : offsetOf(boundaries, first - 1, date));

  const inReach = communes.filter((c) => haversineKm(origin[0], origin[1], c.longitude, c.latitude) <= options.distanceKm).sort((a, b) => a.insee.localeCompare(b.insee));
  const reachIndex = new Map(inReach.map((c, i) => [c.insee, i]));
  const communeIndex = new Map(communes.map((c) => [c.insee, c]));
  const length = last - first + 1;
  const bins = inReach.map(() => new Int32Array(length));
  const comparison = new Map<string, { bins: Int32Array; population: number }>();
  for (const c of communes) {
    if (reachIndex.has(c.insee)) continue;
    const group = comparison.get(c.sizeClass) ?? { bins: new Int32Array(length), population: 0 };
    group.population += c.population;
    comparison.set(c.sizeClass, group);
  }
  let local = 0;
  for (const a of appearances(points)) {
    const n = binOf(a.on);
    if (n === null) continue;
    if (localCells.has(a.cell)) { if (n >= 1 && n <= options.lagMonths) local += 1; continue; }
    const i = reachIndex.get(a.commune);
    if (i !== undefined) { bins[i][n - first] += 1; continue; }
    const group = comparison.get(communeIndex.get(a.commune)?.sizeClass ?? a.sizeClass);
    if (group) group.bins[n - first] += 1;
  }
  const classOf = inReach.map((c) => c.sizeClass);
  const tests = townTests(0, first, bins, inReach, comparison, options);
  // Candidate towns: the communes within reach of at least `minPopulation` inhabitants; FDR over all of them.
  const eligible = inReach.map((c) => c.population >= options.minPopulation);
  const eligibleIndex = tests.filter((t) => eligible[t.index]).map((t) => t.index);

  // Placebo months: windows with their history inside the data, away from other operations, before this one or after its wake.
  const others = otherStarts.map(monthsFrom);
  const placebos: number[] = [];
  for (let at = first + options.historyMonths - 1; at + options.lagMonths <= last; at += 1) {
    // Before the operation (its window ending by the start), or after its wake has left the history.
    if (at + options.lagMonths > 0 && at - options.historyMonths + 1 <= options.lagMonths) continue;
    if (others.some((o) => o >= at - 1 && o <= at + options.lagMonths + 1)) continue;
    placebos.push(truncatedProduct(townTests(at, first, bins, inReach, comparison, options).filter((t) => eligible[t.index])));
  }
  const statistic = truncatedProduct(tests.filter((t) => eligible[t.index]));
  const placeboP = placebos.length >= 19 ? rankPValue(statistic, placebos, 'greater') : null;

  // Gatekeeping: when the whole wake's placebo test rejects (at alpha), the towns are admitted by
  // Benjamini-Hochberg at alpha instead of alpha / 2. Under the null the gate opens only as often as
  // that test rejects (3.3 % of 400 null pseudo-operations); on the truth bench it found the towns of
  // 2 of the 3 planted displacements read as a local effect (planted 137 -> 139/144, recall 0.900 ->
  // 0.931, precision 0.986 -> 0.962, false displacement on pseudo-operations 3.8 % unchanged).
  const placeboSignificant = placeboP !== null && placeboP <= options.alpha;
  const eligibleFlags = benjaminiHochberg(eligibleIndex.map((i) => tests[i].p), placeboSignificant ? options.alpha : options.fdr);
  const flaggedByFdr = new Array<boolean>(tests.length).fill(false);
  eligibleIndex.forEach((i, k) => { flaggedByFdr[i] = eligibleFlags[k]; });

  const destinations: Destination[] = tests.map((t) => ({
    commune: inReach[t.index].insee, name: inReach[t.index].name, size_class: classOf[t.index], linked: t.x, history: t.y,
    expected: Math.round(t.expected * 100) / 100, p_value: Number(t.p.toPrecision(4)), flagged: flaggedByFdr[t.index] && t.x >= options.minLinked,
    longitude: inReach[t.index].longitude, latitude: inReach[t.index].latitude,
  }));
  const bySizeClass: Wake['by_size_class'] = {};
  for (const d of destinations) {
    const entry = bySizeClass[d.size_class] ?? { linked: 0, expected: 0 };
    entry.linked += d.linked;
    entry.expected = Math.round((entry.expected + d.expected) * 100) / 100;
    bySizeClass[d.size_class] = entry;
  }
  const excess = destinations.filter((d) => d.flagged).map((d) => ({ c: d.size_class, e: Math.max(0, d.linked - d.expected) }));
  const totalExcess = excess.reduce((s, e) => s + e.e, 0);
  const listed = destinations.filter((d) => d.flagged || d.linked > 0)
    .sort((a, b) => Number(b.flagged) - Number(a.flagged) || a.p_value - b.p_value || b.linked - a.linked || a.commune.localeCompare(b.commune));
  return {
    dismantled: origins.length, origin, candidates: eligibleIndex.length,
    linked_appearances: tests.reduce((s, t) => s + t.x, 0), expected_appearances: Math.round(tests.reduce((s, t) => s + t.expected, 0) * 100) / 100,
    local_appearances: local, by_size_class: bySizeClass,
    midsize_share: totalExcess > 0 ? Math.round((excess.filter((e) => e.c === 'ville_moyenne').reduce((s, e) => s + e.e, 0) / totalExcess) * 1000) / 1000 : null,
    placebo: { placebos: placebos.length, statistic: Math.round(statistic * 100) / 100, p_value: placeboP === null ? null : Math.round(placeboP * 10000) / 10000, significant: placeboSignificant },
    destinations: listed.slice(0, 200), partial_window: last < options.lagMonths,
  };
}

export type Reading = 'deplacement' | 'diffusion' | 'effet_local' | 'pas_d_effet' | 'indefini';

/** "Such a rise would happen by chance less than once in N" for a p-value. */
export function chanceInFrench(p: number): string {
  const n = p <= 0.001 ? 1000 : p <= 0.01 ? 100 : p <= 0.02 ? 50 : p <= 0.05 ? 20 : p <= 0.1 ? 10 : 0;
  return n ? `moins d’une fois sur ${n}` : `environ une fois sur ${Math.max(1, Math.round(1 / Math.max(p, 1e-9)))}`;
}

/**
 * What the operation did, in one word and in plain French, each part given only when its test
 * rejects: no direct effect when the target's decrease is not significant; diffusion when the
 * buffer fell below its placebos (by default both its own months without an operation and the
 * placebo districts at the same dates); displacement when it rose above them (each side at
 * alpha / 2), or when destination towns pass the false-discovery-rate test (at alpha / 2).
 */
type BufferTest = { significant: 'baisse' | 'hausse' | null; p_lower: number; p_upper: number; placebos: number; method?: 'dates' | 'places' | 'both'; dates?: { placebos: number } | null; places?: { placebos: number } | null };

/** What the buffer was compared with, in French. */
export function bufferReferenceInFrench(buffer: BufferTest): string {
  const dates = `ses ${buffer.dates?.placebos ?? buffer.placebos} mois sans opération`;
  const places = `${buffer.places?.placebos ?? buffer.placebos} quartiers témoins de taille comparable aux mêmes dates`;
  return buffer.method === 'both' ? `par rapport à ${dates} comme à ${places}` : buffer.method === 'places' ? `par rapport à ${places}` : `par rapport à ${dates}`;
}

export function readOperation(effect: { undefined_reason: string | null; direct: { significant: boolean; p_value: number | null; material?: boolean; placebos?: number }; buffer: BufferTest | null },
  wake: Pick<Wake, 'destinations' | 'placebo'>, overlaps: readonly OverlappingWake[] = []): { reading: Reading; text: string } {
  const read = readWithoutOverlaps(effect, wake);
  if (!overlaps.length || (read.reading !== 'deplacement' && read.reading !== 'diffusion')) return read;
  const day = (date: string) => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
  const list = overlaps.map((o) => `${o.label} (début le ${day(o.started_on)}, à ${o.distance_km} km), dont la portée couvre ${o.towns.join(', ')}`).join(' ; ');
  return { ...read, text: `${read.text} Prudence : un autre sillage recouvre celui-ci, ${list} ; une partie de ces apparitions peut lui revenir.` };
}

function readWithoutOverlaps(effect: Parameters<typeof readOperation>[0], wake: Pick<Wake, 'destinations' | 'placebo'>): { reading: Reading; text: string } {
  const towns = wake.destinations.filter((d) => d.flagged);
  const townList = towns.map((d) => `${d.name} (${d.linked} apparitions pour ${String(d.expected).replace('.', ',')} attendues ; ${chanceInFrench(d.p_value)})`).join(', ');
  if (effect.undefined_reason) return { reading: 'indefini', text: `Effet indéfini : ${effect.undefined_reason.replace(/^indéfini : /, '')}.` };
  if (!effect.direct.significant) {
    const p = effect.direct.p_value ?? 1;
    const against = effect.direct.placebos ? `rangée parmi ${effect.direct.placebos} mois de comparaison sans opération` : 'test du WDD';
    const why = effect.direct.material === false && p <= 0.05
      ? `la baisse dans la zone ciblée, rapportée à la zone de contrôle, retire moins d’un cinquième de ses points (elle se produirait par hasard ${chanceInFrench(p)}, ${against})`
      : `la baisse dans la zone ciblée, rapportée à la zone de contrôle, n’est pas significative : elle se produirait par hasard ${chanceInFrench(p)} (${against}, p = ${String(p).replace('.', ',')})`;
    return { reading: 'pas_d_effet', text: `Pas d’effet mesurable : ${why}.` };
  }
  const buffer = effect.buffer;
  if (buffer?.significant === 'baisse') {
    return { reading: 'diffusion', text: `Diffusion des bénéfices : la zone tampon a baissé ${bufferReferenceInFrench(buffer)} (une telle baisse se produirait par hasard ${chanceInFrench(buffer.p_lower)}).${towns.length ? ` Hausses anormales à portée, à examiner (elles peuvent venir d’une autre cause) : ${townList}.` : ''}` };
  }
  if (buffer?.significant === 'hausse' || towns.length) {
    const parts = [
      buffer?.significant === 'hausse' ? `hausse dans la zone tampon ${bufferReferenceInFrench(buffer)} (par hasard ${chanceInFrench(buffer.p_upper)})` : null,
      towns.length ? `villes de destination : ${townList}` : null,
    ].filter(Boolean);
    return { reading: 'deplacement', text: `Déplacement : ${parts.join(' ; ')}.` };
  }
  const sure = effect.direct.p_value === null ? '' : ` (une telle baisse se produirait par hasard ${chanceInFrench(effect.direct.p_value)})`;
  return { reading: 'effet_local', text: `Effet local : baisse significative dans la zone ciblée${sure}, sans déplacement ni diffusion détectés.` };
}
