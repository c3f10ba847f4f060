/**
 * The OpenAPI documents (/api/openapi.json and the OGC API's /ogc/api) checked by a real validator
 * (@seriousme/openapi-schema-validator), and what a client needs from them: how to authenticate
 * every operation that is not public, the error answers, and for the GIS routes an operationId,
 * a summary and a response schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { closeTestApp, openTestApp, targets, type TestContext } from '../helpers/databases.js';
import { send } from '../helpers/requests.js';

const stillOpen: string[] = [
];

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
        // An object with no declared property (a record of anything) says nothing to a client.
        const isOpen = (s: Record<string, unknown> | undefined) => !!s && s.type === 'object' && !s.properties;
        for (const [, c] of contents) {
          const body = c.schema!;
          const items = (body.properties as Record<string, { items?: Record<string, unknown> }> | undefined)?.items?.items;
          // /ogc/api is itself an OpenAPI document (its shape is OpenAPI's).
          if ((isOpen(body) || isOpen(items)) && key !== 'GET /ogc/api') open.push(key);
        }
      }
    }
    expect(checked).toBeGreaterThan(140);
    expect(problems).toEqual([]);
    // The file answers carry their media types.
    expect(Object.keys(doc.paths['/tiles/deal-points/{z}/{x}/{y}.mvt'].get.responses['200'].content)).toEqual(['application/vnd.mapbox-vector-tile']);
    expect(Object.keys(doc.paths['/api/exports/deal-points.gpkg'].get.responses['200'].content)).toEqual(['application/geopackage+sqlite3']);
    expect(Object.keys(doc.paths['/api/imports'].post.requestBody.content)).toEqual(['text/csv', 'application/geo+json', 'text/plain']);
    // Routes whose answer is still documented as a record of anything (their shapes are large:
    // analyses, rankings, snapshots...). The list may only shrink: a new route must declare its fields.
    expect([...new Set(open)].sort()).toEqual(stillOpen);
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
      for (const code of ['400', '401', '403', '404', '429']) expect(responses[code], `${key} ${code}`).toBeDefined();
    }
  });
});
