/**
 * The response check the API tests run with (server/plugins/response-check.ts): an answer with a
 * field its closed schema does not declare, a missing field or a wrong type fails the request
 * instead of being silently cut or coerced by the serializer; file answers pass through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { Ajv } from 'ajv';
import { Type } from 'typebox';
import { registerResponseCheck } from '../../server/plugins/response-check.js';
import { Closed, fileResponse } from '../../server/schemas/common.js';

describe('response check', () => {
  let app: FastifyInstance;
  const answers: Record<string, unknown> = {
    exact: { id: 1, name: 'Pertuis', tags: [{ code: 'a' }] },
    extra: { id: 1, name: 'Pertuis', tags: [{ code: 'a' }], secret: 'x' },
    nestedExtra: { id: 1, name: 'Pertuis', tags: [{ code: 'a', hidden: true }] },
    missing: { id: 1, tags: [] },
    wrongType: { id: '1', name: 'Pertuis', tags: [] },
  };
  beforeAll(async () => {
    app = Fastify();
    registerResponseCheck(app, new Ajv({ allErrors: true, strict: false }));
    const Answer = Closed({ id: Type.Integer(), name: Type.String(), tags: Type.Array(Closed({ code: Type.String() })) });
    app.get('/answer/:kind', { schema: { response: { 200: Answer } } }, async (request) => answers[(request.params as { kind: string }).kind]);
    // Answers sent already serialised (JSON bytes, as the cube is for its cache) are checked too.
    app.get('/bytes/:kind', { schema: { response: { 200: Answer } } }, async (request, reply) =>
      reply.type('application/json; charset=utf-8').send(Buffer.from(JSON.stringify(answers[(request.params as { kind: string }).kind]))));
    app.get('/file', { schema: { response: { 200: fileResponse('CSV', 'text/csv') } } }, async (_request, reply) => reply.type('text/csv').send('a;b\n'));
    await app.ready();
  });
  afterAll(async () => app.close());

  it('lets an answer matching its schema through, unchanged', async () => {
    const response = await app.inject({ method: 'GET', url: '/answer/exact' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(answers.exact);
    expect((await app.inject({ method: 'GET', url: '/file' })).body).toBe('a;b\n');
    expect(app.responseMismatches).toEqual([]);
  });

  it('fails on an undeclared field (top level or nested), a missing field and a wrong type, naming the path', async () => {
    for (const kind of ['extra', 'nestedExtra', 'missing', 'wrongType']) {
      const response = await app.inject({ method: 'GET', url: `/answer/${kind}` });
      expect(response.statusCode, kind).toBe(500);
    }
    const problems = app.responseMismatches.map((m) => `${m.route} ${m.problems.join(', ')}`);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/GET \/answer\/:kind .*\(secret\)/);
    expect(problems[1]).toMatch(/\/tags\/0 .*\(hidden\)/);
    expect(problems[2]).toMatch(/name/);
    expect(problems[3]).toMatch(/\/id must be integer/);
  });

  it('checks JSON answers sent as bytes the same way', async () => {
    const before = app.responseMismatches.length;
    const exact = await app.inject({ method: 'GET', url: '/bytes/exact' });
    expect(exact.statusCode).toBe(200);
    expect(exact.json()).toEqual(answers.exact);
    for (const kind of ['extra', 'missing']) expect((await app.inject({ method: 'GET', url: `/bytes/${kind}` })).statusCode, kind).toBe(500);
    const problems = app.responseMismatches.slice(before).map((m) => `${m.route} ${m.problems.join(', ')}`);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/GET \/bytes\/:kind .*\(secret\)/);
    expect(problems[1]).toMatch(/name/);
  });
});
