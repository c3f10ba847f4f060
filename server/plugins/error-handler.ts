/**
 * The one error handler: validation, domain and database-constraint errors become 4xx answers
 * `{error, message, details}` naming the field; an unreachable database becomes 503 with
 * Retry-After; anything else is logged and answered 500. No answer ever carries a PostgreSQL
 * message, code, constraint name, host or port.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError, describeProblems, isDatabaseUnavailable, type FieldProblem } from '../errors.js';

interface DatabaseError { code?: string; constraint?: string; column?: string; detail?: string; message: string; table?: string }

// Constraint name -> the API field it guards and the reason told to the user.
const constraintFields: Record<string, FieldProblem> = {
  deal_points_location_in_commune: { field: 'location', reason: 'is not inside any French commune (at sea, abroad, or not in the reference data)' },
  deal_points_location_in_france: { field: 'location', reason: "is outside France's extents" },
  deal_points_source_external_id_key: { field: 'external_id', reason: 'is already used by another deal point from this source' },
  deal_points_network_id_fkey: { field: 'network_id', reason: 'unknown network' },
  deal_point_status_events_operation_id_fkey: { field: 'status_history.operation_id', reason: 'unknown operation' },
  deal_point_observations_deal_point_id_fkey: { field: 'deal_point_id', reason: 'unknown deal point' },
  deal_point_observations_one_per_source_day: { field: 'observed_on', reason: 'this source already has an observation of this deal point on this date' },
  operations_end_after_start: { field: 'ended_on', reason: 'must not be before started_on' },
  operations_target_valid: { field: 'target', reason: 'is not a valid, non-empty area' },
  operations_target_in_france: { field: 'target', reason: "is outside France's extents" },
  operations_target_in_department: { field: 'target', reason: 'is not inside any French department' },
  operations_source_external_id_key: { field: 'external_id', reason: 'is already used by another operation from this source' },
  networks_source_external_id_key: { field: 'external_id', reason: 'is already used by another network from this source' },
  public_reports_location_in_commune: { field: 'location', reason: 'is not inside any French commune' },
};

export { isDatabaseUnavailable } from '../errors.js';

export class DatabaseUnavailableError extends DomainError {
  constructor() {
    super(503, 'database_unavailable', 'La base de données est momentanément indisponible : réessayez dans quelques secondes. (database unavailable, retry shortly)', [{ field: 'database', reason: 'unreachable' }]);
  }
}

function fromDatabaseError(error: DatabaseError): DomainError | null {
  const code = error.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return null;
  const known = error.constraint ? constraintFields[error.constraint] : undefined;
  const keyColumn = /Key \(([^)]+)\)/.exec(error.detail ?? '')?.[1];
  // Only API field names reach the answer, never a constraint or table name.
  const field = known?.field ?? (keyColumn && /^[a-z_]+$/.test(keyColumn) ? keyColumn : undefined) ?? (error.column && /^[a-z_]+$/.test(error.column) ? error.column : 'body');
  if (code === '23505') return new DomainError(409, 'duplicate', `${field}: ${known?.reason ?? 'already exists'}`, [{ field, reason: known?.reason ?? 'already exists' }]);
  if (code === '23503') {
    // Deleting a row still referenced is a conflict; writing a reference to nothing is bad input.
    if (/is still referenced/.test(error.detail ?? '')) return new DomainError(409, 'still_referenced', 'the record is still referenced by other records', [{ field: 'id', reason: 'still referenced' }]);
    return new DomainError(422, 'unknown_reference', `${field}: ${known?.reason ?? 'refers to a record that does not exist'}`, [{ field, reason: known?.reason ?? 'refers to a record that does not exist' }]);
  }
  if (code === '23514' || code === '23502' || code === '23P01') {
    const reason = known?.reason ?? (code === '23502' ? 'is required' : 'is not an accepted value');
    return new DomainError(422, 'constraint_violation', `${field}: ${reason}`, [{ field, reason }]);
  }
  if (code.startsWith('22')) return new DomainError(400, 'invalid_value', `${field}: is not an accepted value (out of range or malformed)`, [{ field, reason: 'is not an accepted value (out of range or malformed)' }]);
  return null;
}

interface AjvError { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }

function validationProblems(errors: AjvError[], context: string): FieldProblem[] {
  return errors.map((e) => {
    const base = [context, ...e.instancePath.split('/').filter(Boolean)].join('.');
    if (e.keyword === 'required') return { field: `${base}.${e.params.missingProperty}`, reason: 'is required' };
    if (e.keyword === 'additionalProperties') return { field: `${base}.${e.params.additionalProperty}`, reason: 'is not a known property' };
    if (e.keyword === 'enum') return { field: base, reason: `must be one of: ${(e.params.allowedValues as string[]).join(', ')}` };
    return { field: base, reason: e.message ?? 'is invalid' };
  });
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError & DatabaseError, request, reply) => {
    if (error.validation) {
      const details = validationProblems(error.validation as AjvError[], error.validationContext ?? 'request');
      // Keep the first problem per field (anyOf branches repeat themselves).
      const unique = details.filter((d, i) => details.findIndex((o) => o.field === d.field) === i);
      return reply.status(400).send({ error: 'validation_error', message: describeProblems(unique), details: unique });
    }
    if (error instanceof DomainError) {
      if (error.statusCode === 503) reply.header('retry-after', '5');
      return reply.status(error.statusCode).send({ error: error.code, message: error.message, details: error.details });
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ code: error.code }, 'database unavailable');
      const unavailable = new DatabaseUnavailableError();
      return reply.status(503).header('retry-after', '5').send({ error: unavailable.code, message: unavailable.message, details: unavailable.details });
    }
    const fromDatabase = fromDatabaseError(error);
    if (fromDatabase) {
      request.log.info({ code: error.code, constraint: error.constraint }, 'database refused input');
      return reply.status(fromDatabase.statusCode).send({ error: fromDatabase.code, message: fromDatabase.message, details: fromDatabase.details });
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      const field = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'body' : error.code?.startsWith('FST_ERR_CTP') ? 'content-type' : 'request';
      const reason = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `is larger than the ${request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit} bytes allowed` : String(error.message).slice(0, 200);
      return reply.status(error.statusCode).send({ error: error.code ?? 'bad_request', message: `${field}: ${reason}`, details: [{ field, reason }] });
    }
    request.log.error(error);
    return reply.status(500).send({ error: 'internal_error', message: 'internal error; it has been logged', details: [] });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}`, details: [{ field: 'url', reason: 'unknown route' }] });
  });
}
