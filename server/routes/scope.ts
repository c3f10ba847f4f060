/**
 * Department scoping for routes. A record outside the principal's departments is answered exactly
 * like a missing one (the same 404), so that no id, distance or message tells it exists.
 */
import type { FastifyRequest } from 'fastify';
import { inPreciseScope, operationNameableIn, preciseScope, type Principal } from '../domain/access.js';
import { DomainError, NotFoundError } from '../errors.js';
import { today } from '../domain/dates.js';

export class OutOfScopeError extends DomainError {
  constructor(department: string) {
    super(403, 'out_of_scope', `department ${department} is outside your departments: no precise data nor analysis there (the map shows it only as aggregated hexbins)`, [{ field: 'department', reason: 'outside your departments' }]);
  }
}

/** Departments to restrict a precise read to (null: all); refuses a requested department out of scope. */
export function departmentFilter(request: FastifyRequest, requested?: string): string[] | null {
  const scope = preciseScope(request.principal);
  if (requested && scope !== 'all' && !scope.includes(requested)) throw new OutOfScopeError(requested);
  if (scope === 'all') return null;
  return requested ? [requested] : scope;
}

/** Refuses a location (not a record) outside the principal's departments: where a write would put it. */
export function assertInScope(request: FastifyRequest, department: string): void {
  if (!inPreciseScope(request.principal, department)) throw new OutOfScopeError(department);
}

/** A record of another department is not found, exactly as an unknown id. */
export function assertRecordInScope(request: FastifyRequest, department: string, what: string, id: number | string): void {
  if (!inPreciseScope(request.principal, department)) throw new NotFoundError(what, id);
}

/** Operations a principal may read: its departments' (all for OFAST); deputies every ended one. */
export function operationVisible(principal: Principal | null, operation: { department_code: string; ended_on: string | null }): boolean {
  if (principal?.role === 'deputy') return operation.ended_on !== null && operation.ended_on < today();
  return inPreciseScope(principal, operation.department_code);
}

/** Ended operations are public knowledge (deputies see them); those under way stay in their departments. */
export function operationNameable(principal: Principal | null, operation: { department_code: string; ended_on: string | null }): boolean {
  return operationNameableIn(preciseScope(principal), operation, today());
}

/** The principal's departments, null for national roles. */
export function workScope(request: FastifyRequest): string[] | null {
  const scope = preciseScope(request.principal);
  return scope === 'all' ? null : scope;
}
