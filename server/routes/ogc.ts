/**
 * OGC API - Features Part 1 (Core) and Part 3 (Filtering, basic CQL2 text) under /ogc, for GIS
 * clients (QGIS, GDAL's OAPIF driver). Each collection has its own routes, so that each declares
 * its own access rule and audit like the REST reads: deal points for precise readers (their
 * departments), operations for aggregated readers (deputies: ended ones), H3 cells of active
 * points (resolution <= 7, disclosure-controlled) for aggregated readers, communes and departments
 * for everyone. JSON by default, a plain HTML view with `f=html` (or a browser's Accept header).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { aggregateReaders, isAllowed, preciseReaders, type Access } from '../domain/access.js';
import type { AuditAction } from '../services/audit.js';
import { franceExtents } from '../domain/france-extent.js';
import { errorResponses, MultiPolygonGeometry, PointGeometry, PolygonGeometry, StringEnum } from '../schemas/common.js';
import { publicOrigin } from './origin.js';
import { getItem, hasTemporal, listItems, parseDatetime, queryablesOf, type CollectionId } from '../services/ogc.js';
import { parseBbox } from '../services/filters.js';
import { InvalidInputError } from '../errors.js';

const crs84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

/** Only the conformance classes implemented (and tested) are declared. */
export const conformanceClasses = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
  'http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators',
  'http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus',
];

interface CollectionInfo { id: CollectionId; title: string; description: string; access: Access; audit?: AuditAction; geometry: string }

export const ogcCollections: CollectionInfo[] = [
  { id: 'deal-points', title: 'Points de deal', description: 'Deal points of your departments (all for OFAST), status today; every read is audited', access: preciseReaders, audit: 'read_precise', geometry: 'point' },
  { id: 'operations', title: 'Opérations', description: 'Operations and their target areas (deputies: ended operations only)', access: aggregateReaders, audit: 'read_precise', geometry: 'multipolygon' },
  { id: 'h3-cells', title: 'Points actifs par maille H3', description: 'Active deal points per whole H3 cell (resolution 7 by default, 4-7 with resolution=); deputies: "< 5" and perturbed counts', access: aggregateReaders, audit: 'read_aggregate', geometry: 'polygon' },
  { id: 'communes', title: 'Communes', description: 'Communes (COG) with population and size class', access: 'public', geometry: 'multipolygon' },
  { id: 'departments', title: 'Départements', description: 'Departments with their region', access: 'public', geometry: 'multipolygon' },
];

const Link = Type.Object({ href: Type.String(), rel: Type.String(), type: Type.Optional(Type.String()), title: Type.Optional(Type.String()) }, { additionalProperties: false });
const Links = Type.Array(Link);
const Format = Type.Optional(StringEnum(['json', 'html'] as const, { description: 'json (default) or html' }));
const Extent = Type.Object({
  spatial: Type.Object({ bbox: Type.Array(Type.Array(Type.Number())), crs: Type.String() }, { additionalProperties: false }),
  temporal: Type.Optional(Type.Object({ interval: Type.Array(Type.Array(Type.Union([Type.String(), Type.Null()]))), trs: Type.String() }, { additionalProperties: false })),
}, { additionalProperties: false });
const Collection = Type.Object({
  id: Type.String(), title: Type.String(), description: Type.String(), itemType: Type.Literal('feature'),
  crs: Type.Array(Type.String()), extent: Extent, links: Links,
}, { additionalProperties: false });
const Feature = Type.Object({
  type: Type.Literal('Feature'), id: Type.Union([Type.Integer(), Type.String()]),
  geometry: Type.Union([PointGeometry, PolygonGeometry, MultiPolygonGeometry, Type.Null()], { description: 'RFC 7946: deal points as Points, areas as (Multi)Polygons' }),
  properties: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])),
  links: Type.Optional(Links),
}, { additionalProperties: false });
const FeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'), features: Type.Array(Feature), numberMatched: Type.Integer(), numberReturned: Type.Integer(),
  timeStamp: Type.String({ format: 'date-time' }), links: Links, disclosure: Type.Optional(Type.Union([Type.String(), Type.Null()])),
}, { additionalProperties: false });
// A JSON Schema document: it also carries `$schema` and `$id`, which cannot be declared as property
// names here (the OpenAPI resolver would read them as schema keywords).
const Queryables = Type.Object({
  type: Type.Literal('object'), title: Type.String(),
  properties: Type.Record(Type.String(), Type.Record(Type.String(), Type.String(), { description: 'type, format, description, or a reference to the GeoJSON geometry schema' })),
  additionalProperties: Type.Boolean(),
}, { additionalProperties: true, description: 'JSON Schema (2020-12) of the properties usable in a filter, with $schema and $id' });

const ItemsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 100, description: 'Page size (default 100, at most 10,000)' })),
  bbox: Type.Optional(Type.String({ maxLength: 200, description: 'minLon,minLat,maxLon,maxLat (CRS84)' })),
  'bbox-crs': Type.Optional(Type.Literal(crs84)),
  datetime: Type.Optional(Type.String({ maxLength: 100, description: 'RFC 3339 date or interval (a/b, ../b, a/..): features active then' })),
  cursor: Type.Optional(Type.String({ maxLength: 20, description: 'Position of the next page: follow the `next` link' })),
  filter: Type.Optional(Type.String({ maxLength: 20000, description: 'CQL2 text filter over the queryables' })),
  'filter-lang': Type.Optional(StringEnum(['cql2-text', 'cql-text'] as const, { description: 'cql2-text (cql-text: the same, the name older clients such as GDAL 3.6 send)' })),
  'filter-crs': Type.Optional(Type.Literal(crs84)),
  crs: Type.Optional(Type.Literal(crs84)),
  resolution: Type.Optional(Type.Integer({ minimum: 4, maximum: 7, description: 'H3 resolution (h3-cells only), default 7' })),
  f: Format,
}, { additionalProperties: false });

const baseUrl = publicOrigin;

function wantsHtml(request: FastifyRequest, f: string | undefined): boolean {
  if (f) return f === 'html';
  const accept = request.headers.accept ?? '';
  return /text\/html/.test(accept) && !/application\/(geo\+)?json/.test(accept);
}

const escapeHtml = (text: unknown) => String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A plain HTML page (no script): title, links and a table. */
function htmlPage(title: string, links: { href: string; rel: string; title?: string; type?: string }[], table: { head: string[]; rows: unknown[][] } | null, note = ''): string {
  const linkList = links.filter((l) => l.rel !== 'self' && !(l.rel === 'alternate' && l.type === 'text/html')).map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.title ?? l.rel)}</a> <small>(${escapeHtml(l.rel)})</small></li>`).join('');
  const tableHtml = table ? `<div class="wrap"><table><thead><tr>${table.head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${table.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table></div>` : '';
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)} – Sillage OGC API</title>
<style>body{font-family:Marianne,Arial,sans-serif;margin:1.5rem;max-width:80rem}table{border-collapse:collapse;font-size:.875rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}th{background:#eee}a{color:#000091}.wrap{overflow-x:auto}</style></head>
<body><p><a href="/ogc?f=html">Sillage – OGC API Features</a></p><h1>${escapeHtml(title)}</h1>${note ? `<p>${escapeHtml(note)}</p>` : ''}<ul>${linkList}</ul>${tableHtml}</body></html>`;
}

/** HTML answers bypass the JSON response schema (a string is sent as is). */
function sendHtml(reply: FastifyReply, html: string): never {
  return reply.type('text/html; charset=utf-8').send(html) as never;
}

export async function ogcRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['ogc'];
  const pool = () => app.db.pool;

  const collectionJson = (request: FastifyRequest, c: CollectionInfo) => {
    const base = `${baseUrl(request)}/ogc/collections/${c.id}`;
    return {
      id: c.id, title: c.title, description: c.description, itemType: 'feature' as const, crs: [crs84],
      extent: {
        spatial: { bbox: franceExtents.map((b) => [b.west, b.south, b.east, b.north]), crs: crs84 },
        ...(hasTemporal(c.id) ? { temporal: { interval: [['2000-01-01T00:00:00Z', null]], trs: 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian' } } : {}),
      },
      links: [
        { href: base, rel: 'self', type: 'application/json', title: c.title },
        { href: `${base}?f=html`, rel: 'alternate', type: 'text/html', title: 'HTML' },
        { href: `${base}/items`, rel: 'items', type: 'application/geo+json', title: 'Features' },
        { href: `${base}/queryables`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/queryables', type: 'application/schema+json', title: 'Queryables' },
      ],
    };
  };

  app.get('/ogc', {
    config: { access: 'public' },
    schema: { tags, summary: 'OGC API - Features landing page', operationId: 'ogcLandingPage', querystring: Type.Object({ f: Format }, { additionalProperties: false }),
      response: { 200: Type.Object({ title: Type.String(), description: Type.String(), links: Links }, { additionalProperties: false }), ...errorResponses } },
  }, async (request, reply) => {
    const base = baseUrl(request);
    const links = [
      { href: `${base}/ogc`, rel: 'self', type: 'application/json', title: 'This document' },
      { href: `${base}/ogc?f=html`, rel: 'alternate', type: 'text/html', title: 'HTML' },
      { href: `${base}/ogc/api`, rel: 'service-desc', type: 'application/json', title: 'OpenAPI document of this API' },
      { href: `${base}/api/docs`, rel: 'service-doc', type: 'text/html', title: 'API documentation' },
      { href: `${base}/ogc/conformance`, rel: 'conformance', type: 'application/json', title: 'Conformance classes' },
      { href: `${base}/ogc/collections`, rel: 'data', type: 'application/json', title: 'Collections' },
    ];
    const body = { title: 'Sillage', description: 'Carte unifiée des points de deal : OGC API - Features (lecture, avec un jeton personnel pour QGIS et GDAL)', links };
    if (wantsHtml(request, request.query.f)) return sendHtml(reply, htmlPage(body.title, links, null, body.description));
    return body;
  });

  // The OpenAPI document of the OGC API alone, its paths relative to /ogc (what OGC clients such as
  // GDAL look up: /collections/{id}/items and its parameters). The same operations are in /api/openapi.json.
  app.get('/ogc/api', {
    config: { access: 'public' },
    schema: { tags, summary: 'OpenAPI document of the OGC API - Features (paths relative to /ogc)', operationId: 'ogcApiDefinition', response: { 200: Type.Record(Type.String(), Type.Unknown(), { description: 'OpenAPI 3.1 document' }) } },
  }, async (request, reply) => {
    const whole = (instance as unknown as { swagger: () => { paths?: Record<string, unknown>; components?: unknown; info: unknown; openapi: string } }).swagger();
    const paths = Object.fromEntries(Object.entries(whole.paths ?? {}).filter(([p]) => p === '/ogc' || p.startsWith('/ogc/')).map(([p, v]) => [p === '/ogc' ? '/' : p.slice(4), v]));
    const doc = { openapi: whole.openapi, info: { title: 'Sillage OGC API - Features', version: '1.0.0', description: 'Read-only access for GIS clients with a personal access token' }, servers: [{ url: `${baseUrl(request)}/ogc` }], paths, components: whole.components };
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(doc) as never);
  });

  app.get('/ogc/conformance', {
    config: { access: 'public' },
    schema: { tags, summary: 'Conformance classes implemented', operationId: 'ogcConformance', querystring: Type.Object({ f: Format }, { additionalProperties: false }),
      response: { 200: Type.Object({ conformsTo: Type.Array(Type.String()) }, { additionalProperties: false }), ...errorResponses } },
  }, async (request, reply) => {
    if (wantsHtml(request, request.query.f)) return sendHtml(reply, htmlPage('Conformité', [], { head: ['classe'], rows: conformanceClasses.map((c) => [c]) }));
    return { conformsTo: conformanceClasses };
  });

  app.get('/ogc/collections', {
    config: { access: 'public' },
    schema: { tags, summary: 'The collections your role may read', operationId: 'ogcCollections', querystring: Type.Object({ f: Format }, { additionalProperties: false }),
      response: { 200: Type.Object({ links: Links, collections: Type.Array(Collection) }, { additionalProperties: false }), ...errorResponses } },
  }, async (request, reply) => {
    const base = baseUrl(request);
    const visible = ogcCollections.filter((c) => isAllowed(c.access, request.principal)).map((c) => collectionJson(request, c));
    const links = [{ href: `${base}/ogc/collections`, rel: 'self', type: 'application/json' }, { href: `${base}/ogc/collections?f=html`, rel: 'alternate', type: 'text/html' }];
    if (wantsHtml(request, request.query.f)) {
      return sendHtml(reply, htmlPage('Collections', visible.map((c) => ({ href: `${base}/ogc/collections/${c.id}?f=html`, rel: 'collection', title: c.title })), { head: ['id', 'description'], rows: visible.map((c) => [c.id, c.description]) }));
    }
    return { links, collections: visible };
  });

  for (const c of ogcCollections) {
    const config = { access: c.access, ...(c.audit ? { audit: c.audit } : {}) };
    const path = `/ogc/collections/${c.id}`;
    const camel = c.id.replace(/-(\w)/g, (_m, l: string) => l.toUpperCase());
    const cname = camel[0].toUpperCase() + camel.slice(1);

    app.get(path, {
      config: { access: c.access },
      schema: { tags, summary: `Collection ${c.id}: ${c.description}`, operationId: `ogcCollection${cname}`, querystring: Type.Object({ f: Format }, { additionalProperties: false }), response: { 200: Collection, ...errorResponses } },
    }, async (request, reply) => {
      const body = collectionJson(request, c);
      if (wantsHtml(request, request.query.f)) return sendHtml(reply, htmlPage(c.title, body.links.map((l) => ({ ...l, href: l.href.includes('?') ? l.href : `${l.href}?f=html` })), null, c.description));
      return body;
    });

    app.get(`${path}/queryables`, {
      config: { access: c.access },
      schema: { tags, summary: `Properties of ${c.id} usable in a CQL2 filter`, operationId: `ogcQueryables${cname}`, querystring: Type.Object({ f: Format }, { additionalProperties: false }), response: { 200: Queryables, ...errorResponses } },
    }, async (request, reply) => {
      const properties: Record<string, Record<string, string>> = {};
      for (const [name, q] of Object.entries(queryablesOf(c.id))) {
        properties[name] = q.type === 'geometry' ? { $ref: 'https://geojson.org/schema/Geometry.json' }
          : { type: q.type === 'date' || q.type === 'timestamp' ? 'string' : q.type, ...(q.type === 'date' ? { format: 'date' } : q.type === 'timestamp' ? { format: 'date-time' } : {}), ...(q.description ? { description: q.description } : {}) };
      }
      if (wantsHtml(request, request.query.f)) return sendHtml(reply, htmlPage(`Propriétés filtrables : ${c.title}`, [], { head: ['propriété', 'type', 'description'], rows: Object.entries(properties).map(([n, p]) => [n, p.type ?? 'geometry', p.description ?? '']) }));
      // Sent as text: the serializer would drop $schema and $id.
      const body = { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: `${baseUrl(request)}${path}/queryables`, type: 'object' as const, title: c.title, properties, additionalProperties: false };
      return reply.type('application/schema+json').send(JSON.stringify(body) as never);
    });

    // Queryables as query parameters (equality), as OGC API - Features Part 1 allows and GDAL uses.
    const equalityParams = Object.fromEntries(Object.entries(queryablesOf(c.id)).filter(([name, def]) => def.type !== 'geometry' && !(name in ItemsQuery.properties))
      .map(([name, def]) => [name, Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: `${def.description ?? name}: features whose ${name} equals this value` }))]));
    const itemsQuery = Type.Object({ ...ItemsQuery.properties, ...equalityParams }, { additionalProperties: false });
    app.get(`${path}/items`, {
      config,
      schema: { tags, summary: `Features of ${c.id} (GeoJSON), with bbox, datetime, CQL2 filter and paging by next links`, operationId: `ogcItems${cname}`, querystring: itemsQuery, response: { 200: FeatureCollection, ...errorResponses } },
    }, async (request, reply) => {
      const q = request.query as Static<typeof ItemsQuery> & Record<string, string | undefined>;
      const equalities = Object.keys(equalityParams).filter((k) => q[k] !== undefined).map((k) => ({ name: k, value: q[k]! }));
      if (q.resolution !== undefined && c.id !== 'h3-cells') throw new InvalidInputError([{ field: 'querystring.resolution', reason: 'only for the h3-cells collection' }]);
      const limit = q.limit ?? 100;
      const page = await listItems(pool(), c.id, request.principal, {
        limit, bbox: q.bbox ? parseBbox(q.bbox, 'bbox') : undefined, datetime: q.datetime ? parseDatetime(q.datetime) : undefined,
        cursor: q.cursor, filter: q.filter, resolution: q.resolution, equalities,
      });
      const base = `${baseUrl(request)}${path}/items`;
      const keep = new URLSearchParams();
      for (const [k, v] of Object.entries(q)) if (v !== undefined && k !== 'cursor' && k !== 'f') keep.set(k, String(v));
      const withParams = (extra: Record<string, string>) => { const p = new URLSearchParams(keep); for (const [k, v] of Object.entries(extra)) p.set(k, v); const s = p.toString(); return s ? `${base}?${s}` : base; };
      const links = [
        { href: withParams(q.cursor ? { cursor: q.cursor } : {}), rel: 'self', type: 'application/geo+json', title: 'This page' },
        { href: withParams({ ...(q.cursor ? { cursor: q.cursor } : {}), f: 'html' }), rel: 'alternate', type: 'text/html', title: 'HTML' },
        { href: `${baseUrl(request)}${path}`, rel: 'collection', type: 'application/json', title: c.title },
        ...(page.next ? [{ href: withParams({ cursor: page.next }), rel: 'next', type: 'application/geo+json', title: 'Next page' }] : []),
      ];
      request.auditCount = page.features.length;
      const described = [q.filter ? `filter=${q.filter}` : '', q.datetime ? `datetime=${q.datetime}` : '', q.resolution ? `resolution=${q.resolution}` : ''].filter(Boolean);
      if (described.length) request.auditDetail = described.join('&');
      if (wantsHtml(request, q.f)) {
        const keys = page.features[0] ? Object.keys(page.features[0].properties ?? {}) : [];
        return sendHtml(reply, htmlPage(`${c.title} : ${page.features.length} sur ${page.numberMatched}`, links.map((l) => ({ ...l, href: l.rel === 'next' ? `${l.href}&f=html` : l.href })),
          { head: ['id', ...keys], rows: page.features.map((f) => [f.id, ...keys.map((k) => f.properties?.[k])]) }));
      }
      reply.type('application/geo+json');
      return {
        type: 'FeatureCollection' as const, features: page.features as never, numberMatched: page.numberMatched, numberReturned: page.features.length,
        timeStamp: new Date().toISOString(), links,
      };
    });

    app.get(`${path}/items/:fid`, {
      config,
      schema: {
        tags, summary: `One feature of ${c.id}`, operationId: `ogcItem${cname}`,
        params: Type.Object({ fid: Type.String({ minLength: 1, maxLength: 20 }) }),
        querystring: Type.Object({ f: Format, resolution: Type.Optional(Type.Integer({ minimum: 4, maximum: 7 })) }, { additionalProperties: false }),
        response: { 200: Feature, ...errorResponses },
      },
    }, async (request, reply) => {
      const feature = await getItem(pool(), c.id, request.principal, request.params.fid, request.query.resolution ?? 7);
      const base = `${baseUrl(request)}${path}`;
      const links = [
        { href: `${base}/items/${encodeURIComponent(String(feature.id))}`, rel: 'self', type: 'application/geo+json' },
        { href: `${base}/items/${encodeURIComponent(String(feature.id))}?f=html`, rel: 'alternate', type: 'text/html' },
        { href: base, rel: 'collection', type: 'application/json', title: c.title },
      ];
      request.auditCount = 1;
      if (wantsHtml(request, request.query.f)) return sendHtml(reply, htmlPage(`${c.title} ${feature.id}`, links, { head: ['propriété', 'valeur'], rows: Object.entries(feature.properties ?? {}) }));
      reply.type('application/geo+json');
      return { ...feature, links } as never;
    });
  }
}

