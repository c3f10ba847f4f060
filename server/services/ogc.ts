/**
 * OGC API - Features collections over the same data and role rules as the REST API: deal points
 * (precise readers, their departments), operations (deputies: ended ones), communes and
 * departments (public reference), and H3 cells of active points (aggregated, disclosure-controlled).
 */
import type pg from 'pg';
import type { Principal } from '../domain/access.js';
import { preciseScope } from '../domain/access.js';
import { compileCql2, Cql2Error, type Queryables } from '../domain/cql2.js';
import { parseCql2 } from '../domain/cql2-parse.js';
import { disclosureFor, publishedCount, suppressionThreshold, underWayVisibleIn, type Disclosure } from '../domain/disclosure.js';
import { cellPolygon } from '../domain/h3-cells.js';
import { rfc7946Geometry } from '../domain/rfc7946.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { countByCell } from './aggregates.js';
import * as sql from '../queries/ogc.js';
import { today } from '../domain/dates.js';

export type CollectionId = 'deal-points' | 'operations' | 'communes' | 'departments' | 'h3-cells';

export interface ItemsQuery {
  limit: number; bbox?: [number, number, number, number]; datetime?: { from: string | null; until: string | null };
  cursor?: string; filter?: string; resolution?: number;
  /** Queryables given as query parameters: property = value. */
  equalities?: { name: string; value: string }[];
}
export interface ItemsPage { features: GeoJSON.Feature[]; numberMatched: number; next: string | null }

interface SqlCollection {
  base: string; idType: 'int' | 'text'; columns: string[]; queryables: Queryables;
  temporal?: (from: string, until: string) => string;
  /** Extra restriction for the principal (department scope, ended operations). */
  scope?: (principal: Principal | null, bind: (value: unknown) => string) => string | null;
}

const departmentScope = (principal: Principal | null, bind: (value: unknown) => string) => {
  const scope = preciseScope(principal);
  return scope === 'all' ? null : `f.department_code = ANY(${bind(scope)}::text[])`;
};

const collections: Record<Exclude<CollectionId, 'h3-cells'>, SqlCollection> = {
  'deal-points': {
    base: sql.dealPointBase, idType: 'int',
    columns: ['status', 'commune_insee', 'commune_name', 'department_code', 'size_class', 'h3_r7', 'h3_r8', 'h3_r9', 'products', 'source', 'external_id', 'network_id', 'dataset', 'first_recorded_on', 'created_at', 'updated_at'],
    queryables: {
      id: { sql: 'f.id', type: 'integer', description: 'Deal point id' },
      status: { sql: 'f.status', type: 'string', description: 'Status today: active, dismantled, reopened, candidate...' },
      commune_insee: { sql: 'f.commune_insee', type: 'string', description: 'INSEE code of the commune' },
      commune_name: { sql: 'f.commune_name', type: 'string' },
      department_code: { sql: 'f.department_code', type: 'string' },
      size_class: { sql: 'f.size_class', type: 'string', description: 'Size class of the commune' },
      h3_r7: { sql: 'f.h3_r7', type: 'string' }, h3_r8: { sql: 'f.h3_r8', type: 'string' }, h3_r9: { sql: 'f.h3_r9', type: 'string' },
      products: { sql: 'f.products', type: 'string', description: 'Products sold, comma-separated' },
      source: { sql: 'f.source', type: 'string', description: 'Reporting service' },
      external_id: { sql: 'f.external_id', type: 'string' },
      network_id: { sql: 'f.network_id', type: 'integer' },
      dataset: { sql: 'f.dataset', type: 'string', description: 'real or synthetic' },
      first_recorded_on: { sql: 'f.first_recorded_on', type: 'date', description: 'Date of the first recorded status' },
      created_at: { sql: 'f.created_at', type: 'timestamp' },
      geometry: { sql: 'f.geom', type: 'geometry' },
    },
    temporal: sql.dealPointActiveBetween,
    scope: departmentScope,
  },
  operations: {
    base: sql.operationBase, idType: 'int',
    columns: ['name', 'kind', 'started_on', 'ended_on', 'department_code', 'dataset', 'arrests', 'officers_mobilised', 'cannabis_seized_kg', 'cocaine_seized_kg', 'cash_seized_eur', 'weapons_seized'],
    queryables: {
      id: { sql: 'f.id', type: 'integer' }, name: { sql: 'f.name', type: 'string' },
      kind: { sql: 'f.kind', type: 'string', description: 'place_nette, operation_ampleur, operation_ciblee, autre' },
      started_on: { sql: 'f.started_on', type: 'date' }, ended_on: { sql: 'f.ended_on', type: 'date' },
      department_code: { sql: 'f.department_code', type: 'string' }, dataset: { sql: 'f.dataset', type: 'string' },
      arrests: { sql: 'f.arrests', type: 'integer' },
      geometry: { sql: 'f.geom', type: 'geometry' },
    },
    temporal: sql.operationBetween,
    scope: (principal, bind) => principal?.role === 'deputy' ? `f.ended_on < ${bind(today())}::date` : departmentScope(principal, bind),
  },
  communes: {
    base: sql.communeBase, idType: 'text',
    columns: ['insee', 'name', 'kind', 'department_code', 'region_code', 'parent_insee', 'population', 'size_class'],
    queryables: {
      insee: { sql: 'f.insee', type: 'string' }, name: { sql: 'f.name', type: 'string' }, kind: { sql: 'f.kind', type: 'string' },
      department_code: { sql: 'f.department_code', type: 'string' }, region_code: { sql: 'f.region_code', type: 'string' },
      population: { sql: 'f.population', type: 'integer' }, size_class: { sql: 'f.size_class', type: 'string' },
      geometry: { sql: 'f.geom', type: 'geometry' },
    },
  },
  departments: {
    base: sql.departmentBase, idType: 'text',
    columns: ['code', 'name', 'region_code', 'region_name'],
    queryables: {
      code: { sql: 'f.code', type: 'string' }, name: { sql: 'f.name', type: 'string' }, region_code: { sql: 'f.region_code', type: 'string' },
      region_name: { sql: 'f.region_name', type: 'string' }, geometry: { sql: 'f.geom', type: 'geometry' },
    },
  },
};

/** Queryables of a collection (the H3 cells take no filter). */
export function queryablesOf(id: CollectionId): Queryables {
  return id === 'h3-cells' ? {} : collections[id].queryables;
}
export function hasTemporal(id: CollectionId): boolean {
  return id === 'h3-cells' || Boolean(id !== 'communes' && id !== 'departments' && collections[id].temporal);
}

/** RFC 7946 geometry: 6 decimals, counter-clockwise exterior rings, closed rings without repeated vertex. */
function standardGeometry(geometry: GeoJSON.Geometry | null): GeoJSON.Geometry | null {
  if (!geometry) return null;
  return rfc7946Geometry(geometry);
}

function rowFeature(row: Record<string, unknown>, columns: string[], idType: 'int' | 'text'): GeoJSON.Feature {
  const properties: Record<string, unknown> = {};
  for (const c of columns) {
    const v = row[c];
    properties[c] = v instanceof Date ? v.toISOString() : v;
  }
  return { type: 'Feature', id: idType === 'int' ? Number(row.id) : String(row.id), geometry: standardGeometry(row.geometry as GeoJSON.Geometry) as GeoJSON.Geometry, properties };
}

function parseFilter(text: string, queryables: Queryables, params: unknown[]) {
  try {
    return compileCql2(parseCql2(text), queryables, params);
  } catch (error) {
    if (error instanceof Cql2Error) {
      throw new InvalidInputError([{ field: 'querystring.filter', reason: error.position === null ? error.message : `${error.message} (at character ${error.position + 1})` }]);
    }
    throw error;
  }
}

/** WHERE clause and parameters for a SQL collection. */
function whereOf(collection: SqlCollection, principal: Principal | null, query: Omit<ItemsQuery, 'limit'>, withCursor: boolean) {
  let params: unknown[] = [today()];
  const bind = (value: unknown) => { params.push(value); return `$${params.length}`; };
  const where: string[] = ['TRUE'];
  const scope = collection.scope?.(principal, bind);
  if (scope) where.push(scope);
  if (query.bbox) {
    const [w, s, e, n] = query.bbox;
    const envelope = `ST_MakeEnvelope(${bind(w)}::float8, ${bind(s)}::float8, ${bind(e)}::float8, ${bind(n)}::float8, 4326)`;
    where.push(`(f.geom && ${envelope} AND ST_Intersects(f.geom, ${envelope}))`);
  }
  if (query.datetime && collection.temporal) {
    where.push(collection.temporal(bind(query.datetime.from ?? '0001-01-01'), bind(query.datetime.until ?? '9999-12-31')));
  }
  if (query.filter) {
    const compiled = parseFilter(query.filter, collection.queryables, params);
    params = compiled.params;
    where.push(compiled.sql);
  }
  for (const { name, value } of query.equalities ?? []) {
    const def = collection.queryables[name];
    const numeric = def.type === 'integer' || def.type === 'number';
    if (numeric && !/^-?\d+(\.\d+)?$/.test(value)) throw new InvalidInputError([{ field: `querystring.${name}`, reason: 'must be a number' }]);
    if (def.type === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new InvalidInputError([{ field: `querystring.${name}`, reason: 'must be a date YYYY-MM-DD' }]);
    const literal = numeric ? { kind: 'number' as const, value: Number(value) } : def.type === 'date' ? { kind: 'date' as const, value } : def.type === 'timestamp' ? { kind: 'timestamp' as const, value } : def.type === 'boolean' ? { kind: 'boolean' as const, value: value === 'true' } : { kind: 'string' as const, value };
    try {
      const compiled = compileCql2({ kind: 'compare', op: '=', left: { kind: 'property', name, at: 0 }, right: { kind: 'literal', literal } }, collection.queryables, params);
      params = compiled.params;
      where.push(compiled.sql);
    } catch (error) {
      if (error instanceof Cql2Error) throw new InvalidInputError([{ field: `querystring.${name}`, reason: error.message }]);
      throw error;
    }
  }
  const countWhere = where.join(' AND ');
  const countParams = [...params];
  const idCompare = collection.idType === 'int' ? 'f.id' : 'f.id COLLATE "C"';
  if (withCursor && query.cursor !== undefined) where.push(`${idCompare} > ${bind(collection.idType === 'int' ? Number(query.cursor) : query.cursor)}${collection.idType === 'int' ? '::bigint' : '::text'}`);
  return { where: where.join(' AND '), params, bind, countWhere, countParams, order: idCompare };
}

function checkCursor(id: CollectionId, cursor: string | undefined) {
  if (cursor === undefined) return;
  const ok = id === 'deal-points' || id === 'operations' ? /^[1-9][0-9]{0,15}$/.test(cursor) || cursor === '0'
    : id === 'h3-cells' ? /^(0|[1-9][0-9]{0,6})$/.test(cursor) : /^[0-9A-Z]{1,10}$/.test(cursor);
  if (!ok) throw new InvalidInputError([{ field: 'querystring.cursor', reason: 'is not a cursor of this collection (follow the next link)' }]);
}

export async function listItems(db: pg.Pool, id: CollectionId, principal: Principal | null, query: ItemsQuery): Promise<ItemsPage> {
  checkCursor(id, query.cursor);
  if (id === 'h3-cells') return listCells(db, principal, query);
  const collection = collections[id];
  const { where, params, bind, countWhere, countParams, order } = whereOf(collection, principal, query, true);
  const limitPlaceholder = bind(query.limit + 1);
  const [page, count] = await Promise.all([
    db.query(sql.featurePage(collection.base, collection.columns, where, order, limitPlaceholder), params),
    db.query<{ n: number }>(sql.featureCount(collection.base, countWhere), countParams),
  ]);
  const rows = page.rows.slice(0, query.limit);
  return {
    features: rows.map((r) => rowFeature(r, collection.columns, collection.idType)),
    numberMatched: count.rows[0].n,
    next: page.rows.length > query.limit ? String(rows[rows.length - 1].id) : null,
  };
}

export async function getItem(db: pg.Pool, id: CollectionId, principal: Principal | null, fid: string, resolution = 7): Promise<GeoJSON.Feature> {
  if (id === 'h3-cells') {
    const page = await listCells(db, principal, { limit: 100_000, resolution });
    const feature = page.features.find((f) => f.id === fid);
    if (!feature) throw new NotFoundError('feature', fid);
    return feature;
  }
  const collection = collections[id];
  const valid = collection.idType === 'int' ? /^[1-9][0-9]{0,15}$/.test(fid) : /^[0-9A-Z]{1,10}$/.test(fid);
  if (!valid) throw new NotFoundError('feature', fid);
  const { where, params, bind, order } = whereOf(collection, principal, {}, false);
  const text = sql.featurePage(collection.base, collection.columns, `${where} AND f.id = ${bind(collection.idType === 'int' ? Number(fid) : fid)}${collection.idType === 'int' ? '::bigint' : '::text'}`, order, '1');
  const { rows } = await db.query(text, params);
  // Another department's record is as unknown as a missing one.
  if (!rows[0]) throw new NotFoundError('feature', fid);
  return rowFeature(rows[0], collection.columns, collection.idType);
}

/** The answer's disclosure note for cells (as in the aggregated REST answers). */
export function cellDisclosureNote(disclosure: Disclosure): string | null {
  if (disclosure.unitResolution === null) return null;
  return disclosure.perturb ? `whole H3 cells; counts 1-4 shown as "< ${suppressionThreshold}", others perturbed by -2..+2 (cell-key method)` : 'whole H3 cells outside your departments';
}

/** Active points per H3 cell (resolution 4-7) on a date, disclosure-controlled; paged by position. */
async function listCells(db: pg.Pool, principal: Principal | null, query: Omit<ItemsQuery, 'filter'> & { filter?: string }): Promise<ItemsPage> {
  if (query.filter) throw new InvalidInputError([{ field: 'querystring.filter', reason: 'the h3-cells collection takes no filter (it has no queryables)' }]);
  const resolution = query.resolution ?? 7;
  const disclosure = disclosureFor(principal, null);
  const at = query.datetime?.until ? lastDayBefore(query.datetime.until) : today();
  const counts = await countByCell(db, resolution, { at, bbox: query.bbox ?? null, departments: null, dataset: null, underWayVisibleIn: underWayVisibleIn(principal, disclosure) }, disclosure);
  const cells = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const start = query.cursor ? Number(query.cursor) : 0;
  const slice = cells.slice(start, start + query.limit);
  const features = slice.map(([cell, c]): GeoJSON.Feature => {
    const count = disclosure.perturb ? publishedCount(c.count, c.keySum) : c.count;
    return {
      type: 'Feature', id: cell, geometry: standardGeometry(cellPolygon(cell)) as GeoJSON.Geometry,
      properties: { h3: cell, resolution, date: at, active_points: count, active_points_label: count === null ? `< ${suppressionThreshold}` : String(count) },
    };
  });
  return { features, numberMatched: cells.length, next: start + query.limit < cells.length ? String(start + query.limit) : null };
}

/** The day before an exclusive end date (an instant `d` is the interval [d, d+1)). */
function lastDayBefore(until: string): string {
  const d = new Date(`${until}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/**
 * Parses the `datetime` parameter (RFC 3339 date or date-time, or an interval `a/b`, `../b`, `a/..`)
 * into dates [from, until) (until exclusive).
 */
export function parseDatetime(text: string): { from: string | null; until: string | null } {
  const problem = (reason: string) => new InvalidInputError([{ field: 'querystring.datetime', reason }]);
  const dateOf = (part: string): string => {
    const m = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$/.exec(part);
    if (!m) throw problem(`${JSON.stringify(part)} is not an RFC 3339 date or date-time`);
    const d = new Date(`${m[1]}T00:00:00Z`);
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== m[1] || m[1] < '1990-01-01' || m[1] > '2100-12-31') throw problem(`${m[1]} is not a date within 1990-2100`);
    return m[1];
  };
  const nextDay = (date: string) => { const d = new Date(`${date}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1); return d.toISOString().slice(0, 10); };
  const parts = text.split('/');
  if (parts.length === 1) { const d = dateOf(parts[0]); return { from: d, until: nextDay(d) }; }
  if (parts.length !== 2) throw problem('must be an instant or an interval start/end');
  const open = (p: string) => p === '..' || p === '';
  if (open(parts[0]) && open(parts[1])) return { from: null, until: null };
  const from = open(parts[0]) ? null : dateOf(parts[0]);
  const until = open(parts[1]) ? null : nextDay(dateOf(parts[1]));
  if (from && until && from >= until) throw problem('the start must not be after the end');
  return { from, until };
}
