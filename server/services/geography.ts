/** The reference geography: communes, departments, size classes and services, as the API serves them. */
import type pg from 'pg';
import type { Static } from 'typebox';
import { NotFoundError, UnprocessableError } from '../errors.js';
import { normalizeSearchText } from '../domain/text-search.js';
import { rfc7946Geometry } from '../domain/rfc7946.js';
import * as sql from '../queries/geography.js';
import type { CommuneAt, CommuneFeature, CommuneList, CommuneUnion, DepartmentFeature, DepartmentList, DepartmentOutlines, ServiceList, SizeClassList } from '../schemas/geography.js';

type Db = pg.Pool | pg.PoolClient;

/** Communes by name (accents and case ignored) or by the start of their INSEE code. */
export async function searchCommunes(db: Db, query: { q?: string; department?: string; limit?: number }): Promise<Static<typeof CommuneList>> {
  const q = query.q?.trim() ?? '';
  const codePrefix = /^[0-9][0-9AB][0-9]{0,3}$/i.test(q) ? q.toUpperCase() : null;
  const name = normalizeSearchText(q) || null;
  const { rows } = await db.query(sql.searchCommunes, [query.department ?? null, codePrefix, name, query.limit ?? 20]);
  return { items: rows };
}

/**
 * The union of the outlines of communes (an operation's target composed from communes); a 422
 * names each code that is unknown or has no outline in the reference data.
 */
export async function communesUnion(db: Db, insee: readonly string[]): Promise<Static<typeof CommuneUnion>> {
  const codes = [...new Set(insee)];
  const { rows } = await db.query<{ communes: { insee: string; name: string; kind: string; parent_insee: string | null; has_outline: boolean }[] | null; geometry: GeoJSON.MultiPolygon | null }>(sql.communesUnion, [codes]);
  const found = new Map((rows[0].communes ?? []).map((c) => [c.insee, c]));
  const problems = codes.flatMap((code) => {
    const commune = found.get(code);
    if (!commune) return [{ field: 'insee', reason: `no commune ${code}` }];
    // The reference outlines (IGN 2018) are those of communes; arrondissements have none.
    if (!commune.has_outline) return [{ field: 'insee', reason: commune.kind === 'ARM' ? `${commune.name} (${code}) has no outline in the reference data: choose the commune ${commune.parent_insee}` : `${commune.name} (${code}) has no outline in the reference data (created after 2018)` }];
    return [];
  });
  if (problems.length) throw new UnprocessableError(problems);
  return { type: 'Feature', id: codes.join('+'), geometry: rfc7946Geometry(rows[0].geometry!) as Static<typeof CommuneUnion>['geometry'], properties: { communes: codes.map((code) => ({ insee: code, name: found.get(code)!.name })) } };
}

/** A commune with its outline, population and size class. */
export async function commune(db: Db, insee: string): Promise<Static<typeof CommuneFeature>> {
  const { rows } = await db.query(sql.communeByInsee, [insee]);
  if (rows.length === 0) throw new NotFoundError('commune', insee);
  const { geometry, insee: code, ...properties } = rows[0];
  return { type: 'Feature', id: code, geometry: rfc7946Geometry(geometry), properties: { insee: code, ...properties } };
}

/** Every department outline, simplified (about 500 m), for the offline base map. */
export async function departmentOutlines(db: Db): Promise<Static<typeof DepartmentOutlines>> {
  const { rows } = await db.query(sql.departmentOutlines);
  const collection = rows[0].collection as { features: { geometry: GeoJSON.Geometry | null }[] };
  for (const feature of collection.features) if (feature.geometry) feature.geometry = rfc7946Geometry(feature.geometry);
  return collection as unknown as Static<typeof DepartmentOutlines>;
}

/** The commune at a location (the report form's pin). */
export async function communeAt(db: Db, longitude: number, latitude: number): Promise<Static<typeof CommuneAt>> {
  const { rows } = await db.query(sql.communeAt, [longitude, latitude]);
  if (!rows[0]) throw new NotFoundError('commune at', `${longitude},${latitude}`);
  return rows[0];
}

export async function departments(db: Db): Promise<Static<typeof DepartmentList>> {
  return { items: (await db.query(sql.listDepartments)).rows };
}

/** A department with its outline. */
export async function department(db: Db, code: string): Promise<Static<typeof DepartmentFeature>> {
  const { rows } = await db.query(sql.departmentByCode, [code]);
  if (rows.length === 0) throw new NotFoundError('department', code);
  const { geometry, ...properties } = rows[0];
  return { type: 'Feature', id: properties.code, geometry: rfc7946Geometry(geometry), properties };
}

export async function sizeClasses(db: Db): Promise<Static<typeof SizeClassList>> {
  return { items: (await db.query(sql.listSizeClasses)).rows };
}

export async function services(db: Db): Promise<Static<typeof ServiceList>> {
  return { items: (await db.query(sql.listServices)).rows };
}
