/**
 * The error answers of each operation in the OpenAPI document, where they apply: 400 for
 * operations with parameters or a body, 401 and 403 for those needing an account (403 also for
 * the CSRF check of every write), 404 for an addressed record, 413 and 415 for bodies, 429 for
 * rate-limited operations (kept where a route declares it), each with what it means. Codes a route declares that cannot happen
 * (409, 413 or 415 on a read without a body) are left out of the document; validation and
 * serialisation are unchanged (this only shapes the document).
 */
import { ErrorResponse } from '../schemas/common.js';

const meanings: Record<string, string> = {
  400: 'Bad input: `details` names each field and the reason',
  401: 'Not signed in (or the session expired), or an unknown, expired or revoked access token',
  403: 'Signed in, but the role may not do this (or outside its departments); writes: missing or wrong x-csrf-token, or a read-only access token',
  404: 'No such record, or one the role may not know of (answered exactly alike)',
  409: 'Conflict with the stored state (a version read before, a duplicate, a record still referenced, an action already done)',
  413: 'Body too large',
  415: 'Media type not accepted for the body',
  422: 'Well-formed, but refused by a rule of the data (e.g. outside France, unknown reference)',
  429: 'Too many requests: retry after the delay given in Retry-After',
  503: 'Database momentarily unavailable: retry after Retry-After',
};

export interface DocumentedRoute {
  method: string;
  url: string;
  access: unknown;
  rateLimited: boolean;
  schema: Record<string, unknown>;
}

const reads = new Set(['get', 'head']);

/** The response map of one operation with its error answers where they apply, each described. */
export function documentedResponses({ method, url, access, rateLimited, schema }: DocumentedRoute): Record<string, unknown> {
  const declared = { ...((schema.response as Record<string, unknown> | undefined) ?? {}) };
  const hasBody = Boolean(schema.body) || Array.isArray(schema.consumes);
  const hasInput = hasBody || Boolean(schema.querystring) || Boolean(schema.params) || /:\w+/.test(url);
  const write = !reads.has(method);
  const wanted = new Set<string>();
  if (hasInput) wanted.add('400');
  if (access !== 'public') { wanted.add('401'); wanted.add('403'); }
  if (write) wanted.add('403');
  if (/:\w+/.test(url)) wanted.add('404');
  if (hasBody) { wanted.add('413'); wanted.add('415'); }
  if (rateLimited) wanted.add('429');
  const responses: Record<string, unknown> = {};
  for (const [code, response] of Object.entries(declared)) {
    if (!/^[45]\d\d$/.test(code)) { responses[code] = response; continue; }
    // Cannot happen: a conflict on a read, a body error without a body.
    if ((code === '409' && !write) || ((code === '413' || code === '415') && !hasBody)) continue;
    responses[code] = { ...(response as object), description: meanings[code] ?? 'Error' };
  }
  for (const code of wanted) responses[code] ??= { ...ErrorResponse, description: meanings[code] };
  return responses;
}
