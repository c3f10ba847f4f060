/**
 * Checks every JSON answer against its route's declared response schema before Fastify's
 * serializer sees it (tests only: `checkResponses` in buildApp). The serializer silently drops
 * fields a closed schema does not declare, and writes a wrong type as it can; here an undeclared
 * field, a missing required field or a wrong type fails the request (500) with the route, the
 * status and the schema path in the log, so that the route's own tests catch a schema that does
 * not match what the route really returns.
 */
import type { FastifyInstance } from 'fastify';
import type { Ajv, ValidateFunction } from 'ajv';

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

  app.addHook('preSerialization', async (request, reply, payload) => {
    const status = reply.statusCode;
    if (status >= 300 || payload === null || typeof payload !== 'object' || Buffer.isBuffer(payload)) return payload;
    let schema = schemaFor((request.routeOptions.schema as { response?: Record<string, unknown> } | undefined)?.response, status);
    // A schema per media type: the JSON one for a JSON answer; file answers (binary) are not checked.
    if (schema && 'content' in schema) {
      const type = String(reply.getHeader('content-type') ?? 'application/json').split(';')[0];
      const content = schema.content as Record<string, { schema?: Record<string, unknown> }>;
      schema = content[type]?.schema;
      if (schema?.format === 'binary') schema = undefined;
    }
    if (!schema) return payload;
    const validate = validatorFor(schema);
    // What the client would read: dates as ISO strings, undefined fields absent.
    const json = JSON.parse(JSON.stringify(payload)) as unknown;
    if (validate(json)) return payload;
    const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
    const problems = (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : ''}`);
    mismatches.push({ route, status, problems });
    request.log.error({ route, status, problems }, 'answer does not match its response schema');
    console.error(`response schema mismatch: ${route} ${status}\n  ${problems.join('\n  ')}`);
    throw new Error(`${route} ${status}: the answer does not match its response schema: ${problems.join('; ')}`);
  });
}
