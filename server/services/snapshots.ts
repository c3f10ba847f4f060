/**
 * Stamped area snapshots: figures gathered through the same time-series services as the
 * aggregated API (so they inherit its disclosure control), published at the deputies' level,
 * stored once as canonical JSON with their SHA-256, and reopened from that text alone.
 */
import type pg from 'pg';
import { randomBytes } from 'node:crypto';
import { latLngToCell } from 'h3-js';
import type { Principal } from '../domain/access.js';
import { addKey, cellAt, publishedCount, suppressionThreshold } from '../domain/disclosure.js';
import { monthEnd, monthStart } from '../domain/months.js';
import { canonicalJson, periodLabel, publishedSeries, type SnapshotData, type SnapshotDocument, type SnapshotIndicator, type SnapshotParameters } from '../domain/snapshots/document.js';
import { NotFoundError, UnprocessableError } from '../errors.js';
import { additiveSeries, cellMonthCube, monthlySeries, type SeriesFilter } from './time-series.js';
import { baseFilter, resolveArea, snapshotDisclosure, type ResolvedArea } from './snapshot-area.js';
import * as sql from '../queries/snapshots.js';
import * as aggregateSql from '../queries/aggregates.js';
import { buildSnapshotDocument } from '../domain/snapshots/stamp.js';

/** Operations within this distance of the area are listed as "near". */
export const operationsNearMetres = 60_000;
const receiptAlphabet = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

export function newSnapshotId(prefix: 'I' | 'R'): string {
  return `${prefix}-${[...randomBytes(12)].map((b) => receiptAlphabet[b % receiptAlphabet.length]).join('')}`;
}

const disclosureText = `cellules H3 entières (résolution 7 au plus fin) ou communes entières ; effectifs de 1 à 4 affichés « < ${suppressionThreshold} », autres perturbés de −2 à +2 (méthode de la clé de cellule) ; aucune opération en cours.`;

async function totalSeries(db: pg.Pool, filter: SeriesFilter, key: string, label: string) {
  const { series } = await monthlySeries(db, 'total', filter);
  const counts = series.get('total');
  const length = filter.to - filter.from + 1;
  const values = counts ? publishedSeries(counts.active, counts.activeKeys) : Array.from({ length }, () => 0);
  return { key, label, values };
}

async function additiveZone(db: pg.Pool, filter: SeriesFilter, unit: 'cells' | 'communes', label: string) {
  const { total } = await additiveSeries(db, unit, snapshotDisclosure.unitResolution, filter);
  return { key: 'zone', label, values: total.active, suppressed_units: total.suppressedActive };
}

async function sizeClasses(db: pg.Pool, resolved: ResolvedArea) {
  if (resolved.area.kind === 'drawn') return null; // cells cannot be split by commune size: one unit system per answer
  const { series } = await monthlySeries(db, 'size_class', resolved.filter);
  const { rows } = await db.query<{ key: string; label: string }>(aggregateSql.sizeClassLabels);
  const last = resolved.filter.to - resolved.filter.from;
  return rows.map(({ key, label }) => {
    const counts = series.get(key);
    return { code: key, label, count: counts ? publishedCount(counts.active[last], counts.activeKeys[last]) : 0 };
  });
}

async function mapCells(db: pg.Pool, parameters: SnapshotParameters, resolved: ResolvedArea) {
  const base = baseFilter(parameters);
  const { cells } = await cellMonthCube(db, parameters.map_resolution, { ...base, areas: resolved.mapArea ? [resolved.mapArea] : [] });
  const last = base.to - base.from;
  return [...cells.entries()]
    .map(([h3, counts]) => ({ h3, count: publishedCount(counts.active[last], counts.activeKeys[last]) }))
    .filter((cell) => cell.count !== 0)
    .sort((a, b) => (a.h3 < b.h3 ? -1 : 1));
}


async function publicReports(db: pg.Pool, parameters: SnapshotParameters, resolved: ResolvedArea) {
  const { area } = parameters;
  const cells = resolved.filter.areas?.[0] ?? null;
  const envelope = cells?.envelope ?? null;
  const { rows } = await db.query<{ status: string; longitude: number; latitude: number; record_key: string }>(sql.reportsInArea, [
    `${parameters.from}-01`, monthEnd(parameters.to), area.kind === 'communes' ? area.communes : null, area.kind === 'department' ? [area.department] : null,
    envelope?.[0] ?? null, envelope?.[1] ?? null, envelope?.[2] ?? null, envelope?.[3] ?? null,
  ]);
  // A drawn area counts whole r7 cells, as the deal points.
  const kept = cells ? rows.filter((r) => cells.accepts(cellAt(latLngToCell(r.latitude, r.longitude, 7), cells.resolution, 7))) : rows;
  const publish = (list: typeof kept) => publishedCount(list.length, list.reduce((sum, r) => addKey(sum, Number(r.record_key)), 0));
  return { received: publish(kept), accepted: publish(kept.filter((r) => r.status === 'accepted' || r.status === 'merged')) };
}

const indicatorNames: Record<string, string> = { trafic_de_stupefiants: 'trafic de stupéfiants', usage_de_stupefiants: 'usage de stupéfiants' };

async function indicators(db: pg.Pool, parameters: SnapshotParameters, resolved: ResolvedArea): Promise<SnapshotIndicator[]> {
  const [from, to] = [Number(parameters.from.slice(0, 4)), Number(parameters.to.slice(0, 4))];
  const out: SnapshotIndicator[] = [];
  if (parameters.area.kind === 'communes') {
    const { rows } = await db.query<{ year: number; indicator: string; count: number | null; rate_per_1000: number | null }>(sql.communeDrugStatistics, [parameters.area.communes, from, to]);
    for (const r of rows) out.push({ scope: 'zone', code: 'zone', name: resolved.area.label, year: r.year, indicator: indicatorNames[r.indicator], count: r.count, rate_per_1000: r.rate_per_1000 });
  }
  const codes = resolved.area.departments.map((d) => d.code);
  const { rows: departments } = await db.query<{ code: string; name: string; year: number; indicator: string; count: number | null; rate_per_1000: number | null }>(sql.departmentDrugStatistics, [codes, from, to]);
  for (const r of departments) out.push({ scope: 'department', code: r.code, name: r.name, year: r.year, indicator: indicatorNames[r.indicator], count: r.count, rate_per_1000: r.rate_per_1000 });
  const { rows: national } = await db.query<{ year: number; indicator: string; count: number | null; rate_per_1000: number | null }>(sql.nationalDrugStatistics, [from, to]);
  for (const r of national) out.push({ scope: 'france', code: 'FR', name: 'France', year: r.year, indicator: indicatorNames[r.indicator], count: r.count, rate_per_1000: r.rate_per_1000 });
  return out;
}

async function vintage(db: pg.Pool): Promise<SnapshotData['vintage']> {
  const { rows: [v] } = await db.query<{ deal_points_changed: string | null; synthetic: boolean | null; reports_last: string | null; ssmsi_first: number | null; ssmsi_last: number | null }>(sql.sourceVintage);
  return {
    deal_points: `${v.synthetic ? 'données synthétiques de démonstration, ' : ''}dernière modification le ${v.deal_points_changed ?? '—'}`,
    public_reports: v.reports_last ? `dernier signalement du ${v.reports_last}` : 'aucun signalement',
    ssmsi: v.ssmsi_first ? `base départementale ${v.ssmsi_first}-${v.ssmsi_last}, personnes mises en cause` : 'non chargé',
    geography: 'contours IGN Admin Express, communes du COG 2025',
  };
}

/** Gathers the figures of a snapshot (every count published at the deputies' level). */
export async function gatherSnapshotData(db: pg.Pool, parameters: SnapshotParameters): Promise<SnapshotData> {
  const resolved = await resolveArea(db, parameters);
  const base = baseFilter(parameters);
  // A chosen area (drawn, or several communes) is the sum of its published units (disclosure rule 3).
  const chosenUnits = parameters.area.kind === 'drawn' ? 'cells' : parameters.area.kind === 'communes' && parameters.area.communes.length > 1 ? 'communes' : null;
  const series = [chosenUnits ? await additiveZone(db, resolved.filter, chosenUnits, resolved.area.label) : await totalSeries(db, resolved.filter, 'zone', resolved.area.label)];
  if (parameters.area.kind !== 'department' && parameters.area.kind !== 'france') {
    for (const d of resolved.area.departments.slice(0, 3)) series.push(await totalSeries(db, { ...base, departments: [d.code] }, d.code, `${d.name} (${d.code})`));
  }
  if (parameters.area.kind !== 'france') series.push(await totalSeries(db, base, 'FR', 'France entière'));
  const { rows: operations } = await db.query(sql.endedOperationsNear, [resolved.geometryText, `${parameters.from}-01`, monthEnd(parameters.to), operationsNearMetres]);
  return {
    area: resolved.area,
    vintage: await vintage(db),
    months: Array.from({ length: base.to - base.from + 1 }, (_, i) => monthStart(base.from + i).slice(0, 7)),
    series,
    size_classes: await sizeClasses(db, resolved),
    operations: operations as SnapshotData['operations'],
    reports: await publicReports(db, parameters, resolved),
    indicators: await indicators(db, parameters, resolved),
    map: { resolution: parameters.map_resolution, month: parameters.to, cells: await mapCells(db, parameters, resolved) },
    disclosure: disclosureText,
  };
}

/** Creates and stores a snapshot; `now` is its creation time (the date written inside every file). */
export async function createSnapshot(db: pg.Pool, principal: Principal, parameters: SnapshotParameters, now: Date): Promise<SnapshotDocument> {
  const data = await gatherSnapshotData(db, parameters);
  const createdAt = new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const document = buildSnapshotDocument(newSnapshotId('I'), createdAt, parameters, data);
  await db.query(sql.insertSnapshot, [document.id, 'snapshot', principal.userId, createdAt, data.area.label, periodLabel(parameters.from, parameters.to), document.method_version, canonicalJson(document), document.sha256]);
  return document;
}

/** A stored snapshot's text, exactly as stored. */
export async function storedSnapshot(db: pg.Pool, id: string, kind: 'snapshot' | 'threat_report' = 'snapshot'): Promise<{ text: string; createdBy: number | null }> {
  const { rows } = await db.query<{ content: string; kind: string; created_by: string | null }>(sql.snapshotById, [id]);
  if (!rows[0] || rows[0].kind !== kind) throw new NotFoundError(kind === 'snapshot' ? 'snapshot' : 'report', id);
  return { text: rows[0].content, createdBy: rows[0].created_by === null ? null : Number(rows[0].created_by) };
}

export async function listSnapshots(db: pg.Pool, principal: Principal, kind: 'snapshot' | 'threat_report' = 'snapshot') {
  const { rows } = await db.query(sql.snapshotsOf, [principal.userId, kind, 200]);
  return rows.map((r) => ({ ...r, created_at: (r.created_at as Date).toISOString() }));
}

export async function constituency(db: pg.Pool, userId: number) {
  const { rows } = await db.query<{ insee: string; name: string; department_code: string }>(sql.constituencyOf, [userId]);
  return rows;
}

export async function setConstituency(db: pg.Pool, userId: number, communes: string[]): Promise<void> {
  const { rows } = await db.query(sql.communesOfList, [communes]);
  const unknown = communes.filter((code) => !rows.some((r) => r.insee === code));
  if (unknown.length) throw new UnprocessableError([{ field: 'body.communes', reason: `unknown commune ${unknown.slice(0, 5).join(', ')}` }]);
  const { rowCount } = await db.query(sql.setConstituency, [userId, [...communes].sort()]);
  if (!rowCount) throw new NotFoundError('deputy account', userId);
}
