/**
 * The OpenAPI documents (/api/openapi.json and the OGC API's /ogc/api) checked by a real validator
 * (@seriousme/openapi-schema-validator), and what a client needs from them: how to authenticate
 * every operation that is not public, the error answers where they apply (with what they mean),
 * the tiles' media type, and for the GIS routes an operationId, a summary and a response schema.
 * No answer is a record of anything: every route declares its fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { closeTestApp, openTestApp, targets, type TestContext } from '../helpers/databases.js';
import { send } from '../helpers/requests.js';


/**
 * Where a response schema leaves an object open: an object with neither declared properties nor
 * a map of declared values (a record of anything), or with properties but undeclared ones allowed.
 */
function openObjects(schema: Record<string, unknown>, path: string): string[] {
  const found: string[] = [];
  const visit = (node: unknown, at: string) => {
    if (!node || typeof node !== 'object') return;
    const s = node as Record<string, unknown>;
    const says = ['type', 'anyOf', 'oneOf', 'allOf', 'const', 'enum', '$ref', 'properties', 'items', 'then'].some((k) => k in s);
    if (!says) { found.push(`${at || '/'}: value of anything, record of anything`); return; }
    const isObject = s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object'));
    if (isObject) {
      // A map (patternProperties, or additionalProperties as a schema) is closed when its values say what they are.
      const values = [...Object.values((s.patternProperties as Record<string, Record<string, unknown>>) ?? {}),
        ...(s.additionalProperties && typeof s.additionalProperties === 'object' ? [s.additionalProperties as Record<string, unknown>] : [])];
      const says = (v: Record<string, unknown>) => ['type', 'anyOf', 'oneOf', 'allOf', 'const', 'enum', '$ref'].some((k) => k in v);
      if (!s.properties && (!values.length || !values.every(says))) found.push(`${at || '/'}: record of anything`);
      else if (s.properties && s.additionalProperties !== false) found.push(`${at || '/'}: undeclared properties allowed`);
      if (s.additionalProperties && typeof s.additionalProperties === 'object') visit(s.additionalProperties, `${at}/*`);
    }
    for (const [name, child] of Object.entries((s.properties as Record<string, unknown>) ?? {})) visit(child, `${at}/${name}`);
    for (const child of Object.values((s.patternProperties as Record<string, unknown>) ?? {})) visit(child, `${at}/*`);
    if (s.items) visit(s.items, `${at}[]`);
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) if (Array.isArray(s[key])) (s[key] as unknown[]).forEach((child) => visit(child, at));
    for (const key of ['then', 'else'] as const) if (s[key]) visit(s[key], at);
  };
  visit(schema, path);
  return found;
}

type Operation = { operationId?: string; summary?: string; security?: unknown[]; responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };

describe.each(targets().slice(0, 1))('OpenAPI documents (%s database)', (target) => {
  let context: TestContext;
  beforeAll(async () => { context = await openTestApp(target); });
  afterAll(async () => closeTestApp(context));

  const operations = (doc: { paths: Record<string, Record<string, Operation>> }) =>
    Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })));

  it('/api/openapi.json is a valid OpenAPI 3.1 document', async () => {
    const doc = (await send(context.app, 'GET', '/api/openapi.json')).body;
    const result = await new Validator().validate(doc);
    expect(result.errors ?? [], JSON.stringify(result.errors)?.slice(0, 2000)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('/ogc/api is valid, relative to /ogc, and has the GIS routes with ids, summaries and response schemas', async () => {
    const doc = (await send(context.app, 'GET', '/ogc/api')).body;
    const result = await new Validator().validate(doc);
    expect(result.errors ?? [], JSON.stringify(result.errors)?.slice(0, 2000)).toEqual([]);
    expect(doc.servers[0].url).toMatch(/\/ogc$/);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/', '/conformance', '/collections', '/collections/deal-points/items', '/collections/deal-points/items/{fid}', '/collections/h3-cells/queryables']));
    const params = doc.paths['/collections/deal-points/items'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['limit', 'bbox', 'datetime', 'filter', 'filter-lang', 'status', 'department_code']));
    for (const { key, op } of operations(doc)) {
      expect(op.operationId, key).toMatch(/^ogc[A-Z]/);
      expect(op.summary, key).toBeTruthy();
      expect(Object.values(op.responses?.['200']?.content ?? {})[0]?.schema, key).toBeDefined();
    }
    expect(new Set(operations(doc).map(({ op }) => op.operationId)).size).toBe(operations(doc).length);
  });

  it('documents every registered route: summary, operationId, parameters, request body and response schema', async () => {
    const doc = (await send(context.app, 'GET', '/api/openapi.json')).body;
    const problems: string[] = [];
    const open: string[] = [];
    const loose: string[] = [];
    let checked = 0;
    for (const [key, schema] of context.app.routeSchemas as Map<string, Record<string, unknown>>) {
      const [method, url] = key.split(' ');
      // HEAD answers are Fastify's own copies of the GETs; /api/docs is the documentation viewer.
      if (method === 'HEAD' || url.startsWith('/api/docs') || !/^\/(api|tiles|ogc)(\/|$)/.test(url)) continue;
      checked += 1;
      const path = url.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[path]?.[method.toLowerCase()];
      if (!op) { problems.push(`${key}: not in the document`); continue; }
      if (!op.summary) problems.push(`${key}: no summary`);
      if (!op.operationId) problems.push(`${key}: no operationId`);
      const documentedParams = new Set((op.parameters ?? []).filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name));
      for (const [, name] of url.matchAll(/:(\w+)/g)) if (!documentedParams.has(name)) problems.push(`${key}: path parameter ${name} undocumented`);
      if ((schema.body || schema.consumes) && !op.requestBody) problems.push(`${key}: request body undocumented`);
      if (Array.isArray(schema.consumes)) {
        for (const type of schema.consumes) if (!op.requestBody?.content?.[type]) problems.push(`${key}: upload media type ${type} undocumented`);
      }
      const success = Object.entries(op.responses ?? {}).filter(([code]) => /^2/.test(code)) as [string, { content?: Record<string, { schema?: Record<string, unknown> }> }][];
      if (!success.length) problems.push(`${key}: no success response`);
      for (const [code, response] of success) {
        if (code === '204') continue;
        const contents = Object.entries(response.content ?? {});
        if (!contents.length || contents.some(([, c]) => !c.schema)) { problems.push(`${key}: ${code} without a schema`); continue; }
        // OpenAPI and JSON Schema documents (/ogc/api, /api/openapi.json, OGC queryables) have the shape of
        // those standards; file answers are not JSON.
        if (key === 'GET /ogc/api' || key === 'GET /api/openapi.json' || key.endsWith('/queryables')) continue;
        for (const [type, c] of contents) {
          if (!/json/.test(type)) continue;
          for (const where of openObjects(c.schema!, '')) (where.endsWith('record of anything') ? open : loose).push(`${key} ${code}${where}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(140);
    expect(problems).toEqual([]);
    // The file answers carry their media types.
    expect(Object.keys(doc.paths['/tiles/deal-points/{z}/{x}/{y}.mvt'].get.responses['200'].content)).toEqual(['application/vnd.mapbox-vector-tile']);
    expect(Object.keys(doc.paths['/api/exports/deal-points.gpkg'].get.responses['200'].content)).toEqual(['application/geopackage+sqlite3']);
    expect(Object.keys(doc.paths['/api/imports'].post.requestBody.content)).toEqual(['text/csv', 'application/geo+json', 'text/plain']);
    // Every JSON answer declares its fields, nested too: no route answers a record of anything, and
    // every object is closed (additionalProperties: false), so that what the document says is all there is.
    expect(open).toEqual([]);
    expect(loose).toEqual([]);
    expect(new Set(operations(doc).map(({ op }) => op.operationId)).size).toBe(operations(doc).length);
  });

  it('says how to authenticate every operation that is not public, and documents the errors a client meets', async () => {
    const doc = (await send(context.app, 'GET', '/api/openapi.json')).body;
    expect(Object.keys(doc.components.securitySchemes)).toEqual(['session', 'accessToken', 'accessTokenBasic']);
    const missing: string[] = [];
    for (const { key, op } of operations(doc)) {
      const [method, path] = key.split(' ');
      const access = context.app.routeAccess.get(`${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
      if (access === undefined) continue;
      if (access !== 'public' && !op.security?.length) missing.push(key);
      if (access === 'public' && op.security?.length) missing.push(`${key} (public, yet secured)`);
    }
    expect(missing).toEqual([]);
    for (const key of ['GET /api/deal-points', 'POST /api/auth/tokens', 'GET /ogc/collections/deal-points/items']) {
      const [method, path] = key.split(' ');
      const responses = doc.paths[path][method.toLowerCase()].responses;
      for (const code of ['400', '401', '403', '404']) expect(responses[code], `${key} ${code}`).toBeDefined();
      // No limit counts these requests.
      expect(responses['429'], `${key} 429`).toBeUndefined();
    }
  });

  it('documents each error answer where it applies, with what it means; tiles with their media type', async () => {
    const doc = (await send(context.app, 'GET', '/api/openapi.json')).body;
    const problems: string[] = [];
    for (const { key, op } of operations(doc)) {
      const [method, path] = key.split(' ');
      const route = `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
      const access = context.app.routeAccess.get(route);
      const schema = (context.app.routeSchemas as Map<string, Record<string, unknown>>).get(route);
      if (access === undefined || !schema || !/^\/(api|tiles)\//.test(path)) continue;
      const responses = op.responses ?? {};
      const codes = Object.keys(responses);
      const hasBody = Boolean((op as { requestBody?: unknown }).requestBody);
      const expected = [
        ...(access !== 'public' ? ['401', '403'] : []),
        ...(method !== 'GET' ? ['403'] : []),
        ...(/\{\w+\}/.test(path) ? ['400', '404'] : []),
        ...(hasBody ? ['400', '413', '415'] : []),
      ];
      for (const code of expected) if (!codes.includes(code)) problems.push(`${key}: ${code} undocumented`);
      // A read without a body meets no conflict and no body error.
      if (method === 'GET') for (const code of ['409', '413', '415']) if (codes.includes(code)) problems.push(`${key}: ${code} cannot happen`);
      for (const code of codes.filter((c) => /^[45]/.test(c))) {
        const response = (responses as Record<string, { description?: string; content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> }>)[code];
        if (!response.description || response.description === 'Default Response') problems.push(`${key}: ${code} says nothing`);
        const body = response.content?.['application/json']?.schema;
        if (!body?.properties?.error || !body.properties.details) problems.push(`${key}: ${code} without the error body`);
      }
    }
    expect(problems).toEqual([]);
    // 429 where a limit counts the requests: sign-in and activation (attempts), the public report form and receipts.
    expect(doc.paths['/api/auth/sign-in'].post.responses['429']).toBeDefined();
    expect(doc.paths['/api/auth/activate'].post.responses['429']).toBeDefined();
    expect(doc.paths['/api/public/reports'].post.responses['429']).toBeDefined();
    expect(doc.paths['/api/public/reports/{receipt}'].get.responses['429']).toBeDefined();
    // Every vector tile answers with the MVT media type.
    const tiles = Object.keys(doc.paths).filter((path) => path.endsWith('.mvt') || path.endsWith('.pbf'));
    expect(tiles.length).toBeGreaterThanOrEqual(2);
    for (const path of tiles) expect(Object.keys(doc.paths[path].get.responses['200'].content), path).toEqual(['application/vnd.mapbox-vector-tile']);
  });
});
