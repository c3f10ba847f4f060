/**
 * The annual threat report for France or a department: evolution of active points, dismantlings
 * and reopenings, the year's operations read with the operation analyses, the shift between size
 * classes, the watch of mid-sized towns, public reports, SSMSI figures. Precise for the principals
 * who may read the department precisely; aggregated at the deputies' level for everyone else.
 * Stored immutably like a snapshot.
 */
import type pg from 'pg';
import type { Principal } from '../domain/access.js';
import { addKey, disclosureFor, publishedCount, suppressionThreshold } from '../domain/disclosure.js';
import { monthIndex, monthStart } from '../domain/months.js';
import { canonicalJson, type Published } from '../domain/snapshots/document.js';
import { readingLabels, threatMethodVersion, type Precision, type ThreatParameters, type ThreatReportData, type ThreatReportDocument } from '../domain/snapshots/threat-report.js';
import { defaultEffectOptions } from '../domain/analytics/displacement.js';
import { defaultWakeOptions } from '../domain/analytics/wake.js';
import { createHash } from 'node:crypto';
import { UnprocessableError } from '../errors.js';
import { cellMonthCube, monthlySeries, type SeriesFilter } from './time-series.js';
import { cubeInput, emergingHotSpots, patternLabels, runToEnd, type Pattern } from '../domain/analytics/hot-spots.js';
import { operationSummary, watchlist } from './analyses.js';
import { newSnapshotId } from './snapshots.js';
import * as sql from '../queries/threat-reports.js';
import * as snapshotSql from '../queries/snapshots.js';
import * as aggregateSql from '../queries/aggregates.js';

/** Precise when the principal may read every point of the scope (OFAST; a CROSS or prefect in its department). */
export function threatPrecision(principal: Principal, scope: string): Precision {
  if (principal.role === 'deputy') return 'aggregated';
  return disclosureFor(principal, scope === 'france' ? null : [scope]).unitResolution === null ? 'precise' : 'aggregated';
}

/** May this principal open a stored report of this precision and scope? */
export function mayOpenThreatReport(principal: Principal, parameters: ThreatParameters): boolean {
  return parameters.precision === 'aggregated' || threatPrecision(principal, parameters.scope) === 'precise';
}

interface Context { db: pg.Pool; parameters: ThreatParameters; departments: string[] | null; precise: boolean; underWay: string[] | null; operationScope: string[] | null }

const publish = (context: Context, count: number, key: number): Published => (context.precise ? count : publishedCount(count, key));

async function series(context: Context, filter: SeriesFilter, key: string, label: string) {
  const { series: found } = await monthlySeries(context.db, 'total', filter);
  const counts = found.get('total');
  return { key, label, values: Array.from({ length: filter.to - filter.from + 1 }, (_, i) => (counts ? publish(context, counts.active[i], counts.activeKeys[i]) : 0)) };
}

async function events(context: Context, first: string, last: string) {
  const { rows } = await context.db.query<{ status: string; record_key: string; first_event: boolean }>(sql.statusChangesOfYear, [first, last, context.departments, context.underWay]);
  const count = (keep: (r: (typeof rows)[number]) => boolean) => {
    const kept = rows.filter(keep);
    return publish(context, kept.length, kept.reduce((sum, r) => addKey(sum, Number(r.record_key)), 0));
  };
  return { dismantled: count((r) => r.status === 'dismantled'), reopened: count((r) => r.status === 'reopened'), appeared: count((r) => r.status === 'active' && r.first_event) };
}

async function operations(context: Context, first: string, last: string): Promise<ThreatReportData['operations']> {
  const { rows } = await context.db.query<{ id: string; name: string; department_code: string; started_on: string; ended_on: string | null }>(sql.operationsOfYear, [first, last, context.departments, !context.precise]);
  const out: ThreatReportData['operations'] = [];
  for (const row of rows) {
    const id = Number(row.id);
    const summary = await operationSummary(context.db, id, { effect: defaultEffectOptions, wake: defaultWakeOptions, asOf: null }, context.operationScope);
    const destinations = summary.wake.destinations.filter((d) => d.flagged).map((d) => d.name);
    out.push({
      name: row.name, department_code: row.department_code, started_on: row.started_on, ended_on: row.ended_on,
      reading: summary.reading, reading_label: readingLabels[summary.reading] ?? summary.reading,
      // Counts stay out of the aggregated version: the reading word and the towns only.
      text: context.precise ? summary.text : null,
      wdq: context.precise ? summary.effect.wdq.value : null, total_net_effect: context.precise ? summary.effect.tne.value : null,
      destinations,
    });
  }
  return out;
}

async function sizeClasses(context: Context, filter: SeriesFilter) {
  const { series: found } = await monthlySeries(context.db, 'size_class', filter);
  const { rows } = await context.db.query<{ key: string; label: string }>(aggregateSql.sizeClassLabels);
  const last = filter.to - filter.from;
  return rows.map(({ key, label }) => {
    const c = found.get(key);
    return { code: key, label, january: c ? publish(context, c.active[0], c.activeKeys[0]) : 0, december: c ? publish(context, c.active[last], c.activeKeys[last]) : 0 };
  });
}

async function watch(context: Context, filter: SeriesFilter): Promise<ThreatReportData['watch']> {
  const year = context.parameters.year;
  const result = await watchlist(context.db, {
    asOf: `${year}-12-31`, radiusM: 300, months: 6, reachKm: 100, departments: context.departments, historyScope: context.operationScope,
    operationNameable: (o) => context.precise || (o.ended_on !== null && o.ended_on < `${year + 1}-01-01`),
  });
  const towns: ThreatReportData['watch']['towns'] = [];
  for (const town of result.towns) {
    if (context.precise) { towns.push({ name: town.name, insee: town.commune, department: town.department, active: town.active_now }); continue; }
    // A deputy sees a town only where its published December count is at least 5.
    const { series: found } = await monthlySeries(context.db, 'total', { ...filter, communes: [town.commune] });
    const c = found.get('total');
    const last = filter.to - filter.from;
    const active = c ? publishedCount(c.active[last], c.activeKeys[last]) : 0;
    if (active !== null && active >= suppressionThreshold) towns.push({ name: town.name, insee: town.commune, department: town.department, active });
  }
  return { towns, resurgences: context.precise ? result.resurgences.length : null };
}

/**
 * Emerging hot spots in brief: the year's cube (H3 resolution 7 in the precise version, 6 in the
 * aggregated one), Gi* with the exact conditional test and FDR, then the number of cells per hot
 * pattern (fewer than 5 shown "< 5" in the aggregated version).
 */
async function hotSpots(context: Context, filter: SeriesFilter): Promise<string> {
  const resolution = context.precise ? 7 : 6;
  const { months, cells } = await cellMonthCube(context.db, resolution, { ...filter, areas: [] });
  if (cells.size === 0) return 'Aucun point actif dans l’année : pas d’analyse des points chauds.';
  const input = cubeInput(cells, months.length);
  const results = runToEnd(emergingHotSpots(input, { method: 'exact', permutations: 0, seed: 20190101, fdr: 0.05 }));
  const counts = new Map<Pattern, number>();
  for (const r of results) if (r.pattern.endsWith('_hot')) counts.set(r.pattern, (counts.get(r.pattern) ?? 0) + 1);
  const shown = (n: number) => (context.precise || n >= suppressionThreshold ? String(n) : `< ${suppressionThreshold}`);
  const parts = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([pattern, n]) => `${patternLabels[pattern].toLowerCase()} : ${shown(n)}`);
  return `${parts.length ? `Cellules H3 (résolution ${resolution}) classées en point chaud sur l’année — ${parts.join(' ; ')}.` : `Aucune cellule H3 (résolution ${resolution}) en point chaud significatif.`} Méthode : Gi* par mois avec les cellules voisines, test exact conditionnel du voisinage, Benjamini-Hochberg à 5 % par mois, tendance de Mann-Kendall sur l’année (${input.cells.length} cellules, ${input.steps} mois). Le détail se lit sur la carte des analystes.`;
}

async function reports(context: Context, first: string, last: string) {
  const { rows } = await context.db.query<{ status: string; record_key: string }>(snapshotSql.reportsInArea, [first, last, null, context.departments, null, null, null, null]);
  const count = (list: typeof rows) => publish(context, list.length, list.reduce((s, r) => addKey(s, Number(r.record_key)), 0));
  return { received: count(rows), accepted: count(rows.filter((r) => r.status === 'accepted' || r.status === 'merged')) };
}

async function indicators(context: Context) {
  const year = context.parameters.year;
  const names: Record<string, string> = { trafic_de_stupefiants: 'trafic de stupéfiants', usage_de_stupefiants: 'usage de stupéfiants' };
  const out: ThreatReportData['indicators'] = [];
  if (context.departments) {
    const { rows } = await context.db.query(snapshotSql.departmentDrugStatistics, [context.departments, year, year]);
    for (const r of rows) out.push({ scope: r.code, name: r.name, indicator: names[r.indicator], count: r.count, rate_per_1000: r.rate_per_1000 });
  }
  const { rows } = await context.db.query(snapshotSql.nationalDrugStatistics, [year, year]);
  for (const r of rows) out.push({ scope: 'FR', name: 'France', indicator: names[r.indicator], count: r.count, rate_per_1000: r.rate_per_1000 });
  return out;
}

export async function gatherThreatData(db: pg.Pool, principal: Principal, parameters: ThreatParameters): Promise<ThreatReportData> {
  const departments = parameters.scope === 'france' ? null : [parameters.scope];
  let scopeLabel = 'France entière';
  if (departments) {
    const { rows } = await db.query<{ code: string; name: string }>(snapshotSql.departmentNames, [departments]);
    if (!rows[0]) throw new UnprocessableError([{ field: 'body.scope', reason: `unknown department ${parameters.scope}` }]);
    scopeLabel = `${rows[0].name} (${rows[0].code})`;
  }
  const precise = parameters.precision === 'precise';
  const national = principal.role === 'national_analyst';
  const context: Context = {
    db, parameters, departments, precise,
    underWay: precise ? (national ? null : principal.departments) : [],
    operationScope: precise ? (national ? null : principal.departments) : [],
  };
  const { year } = parameters;
  const [first, last] = [`${year}-01-01`, `${year}-12-31`];
  const filter: SeriesFilter = { from: monthIndex(`${year}-01`), to: monthIndex(`${year}-12`), bbox: null, departments, dataset: null, region: null, commune: null, underWayVisibleIn: context.underWay };
  const twoYears = { ...filter, from: monthIndex(`${year - 1}-01`) };
  const trend = [await series(context, twoYears, departments ? parameters.scope : 'FR', scopeLabel)];
  if (departments) trend.push(await series(context, { ...twoYears, departments: null }, 'FR', 'France entière'));
  return {
    scope_label: scopeLabel,
    months: Array.from({ length: twoYears.to - twoYears.from + 1 }, (_, i) => monthStart(twoYears.from + i).slice(0, 7)),
    series: trend,
    events: await events(context, first, last),
    operations: await operations(context, first, last),
    size_classes: await sizeClasses(context, filter),
    watch: await watch(context, filter),
    reports: await reports(context, first, last),
    indicators: await indicators(context),
    hot_spots: await hotSpots(context, filter),
    disclosure: precise ? 'version précise : effectifs exacts' : `version agrégée : effectifs de 1 à 4 affichés « < ${suppressionThreshold} », autres perturbés de −2 à +2 ; opérations terminées seulement`,
  };
}

export async function createThreatReport(db: pg.Pool, principal: Principal, scope: string, year: number, now: Date): Promise<ThreatReportDocument> {
  const parameters: ThreatParameters = { scope, year, precision: threatPrecision(principal, scope) };
  const data = await gatherThreatData(db, principal, parameters);
  const createdAt = new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const sha256 = createHash('sha256').update(canonicalJson({ method_version: threatMethodVersion, parameters, data })).digest('hex');
  const document: ThreatReportDocument = { format: 'sillage-etat-de-la-menace', id: newSnapshotId('R'), created_at: createdAt, method_version: threatMethodVersion, parameters, data, sha256 };
  await db.query(snapshotSql.insertSnapshot, [document.id, 'threat_report', principal.userId, createdAt, data.scope_label, `année ${year} (${parameters.precision === 'precise' ? 'précise' : 'agrégée'})`, threatMethodVersion, canonicalJson(document), sha256]);
  return document;
}
