/**
 * Checks every JSON answer against its route's declared response schema before Fastify's
 * serializer sees it (tests only: `checkResponses` in buildApp). The serializer silently drops
 * fields a closed schema does not declare, and writes a wrong type as it can; here an undeclared
 * field, a missing required field or a wrong type fails the request (500) with the route, the
 * status and the schema path in the log, so that the route's own tests catch a schema that does
 * not match what the route really returns.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ajv, ValidateFunction } from 'ajv';
import { gunzipSync } from 'node:zlib';

export interface ResponseMismatch { route: string; status: number; problems: string[] }

declare module 'fastify' {
  interface FastifyInstance {
    /** Answers that did not match their declared schema (checkResponses on). */
    responseMismatches: ResponseMismatch[];
  }
}

/** The schema of one status code: exact, then `2xx`, then `default`. */
function schemaFor(response: Record<string, unknown> | undefined, status: number): Record<string, unknown> | undefined {
  if (!response) return undefined;
  return (response[String(status)] ?? response[`${String(status)[0]}xx`] ?? response.default) as Record<string, unknown> | undefined;
}

export function registerResponseCheck(app: FastifyInstance, ajv: Ajv): void {
  const mismatches: ResponseMismatch[] = [];
  app.decorate('responseMismatches', mismatches);
  const compiled = new Map<unknown, ValidateFunction>();
  const validatorFor = (schema: Record<string, unknown>) => {
    let validate = compiled.get(schema);
    if (!validate) { validate = ajv.compile(schema); compiled.set(schema, validate); }
    return validate;
  };

  /** Checks what the client reads against the route's schema; throws (500) on a mismatch. */
  const check = (request: FastifyRequest, reply: FastifyReply, json: unknown) => {
    const status = reply.statusCode;
    let schema = schemaFor((request.routeOptions.schema as { response?: Record<string, unknown> } | undefined)?.response, status);
    // A schema per media type: the JSON one for a JSON answer; file answers (binary) are not checked.
    if (schema && 'content' in schema) {
      const type = String(reply.getHeader('content-type') ?? 'application/json').split(';')[0];
      const content = schema.content as Record<string, { schema?: Record<string, unknown> }>;
      schema = content[type]?.schema;
      if (schema?.format === 'binary') schema = undefined;
    }
    if (!schema) return;
    const validate = validatorFor(schema);
    if (validate(json)) return;
    const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
    const problems = (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : ''}`);
    mismatches.push({ route, status, problems });
    request.log.error({ route, status, problems }, 'answer does not match its response schema');
    console.error(`response schema mismatch: ${route} ${status}\n  ${problems.join('\n  ')}`);
    throw new Error(`${route} ${status}: the answer does not match its response schema: ${problems.join('; ')}`);
  };

  app.addHook('preSerialization', async (request, reply, payload) => {
    if (reply.statusCode >= 300 || payload === null || typeof payload !== 'object' || Buffer.isBuffer(payload)) return payload;
    // What the client would read: dates as ISO strings, undefined fields absent.
    check(request, reply, JSON.parse(JSON.stringify(payload)) as unknown);
    return payload;
  });

  // Answers a route sends already serialised (JSON bytes: the cube, written once for its cache and
  // the client) are checked as they are sent: they skip preSerialization.
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode >= 300 || !Buffer.isBuffer(payload) || !String(reply.getHeader('content-type') ?? '').startsWith('application/json')) return payload;
    const text = reply.getHeader('content-encoding') === 'gzip' ? gunzipSync(payload) : payload;
    check(request, reply, JSON.parse(text.toString('utf8')) as unknown);
    return payload;
  });
}
