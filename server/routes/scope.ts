/** Department scoping of precise data for routes (departmental analysts and prefects). */
import type { FastifyRequest } from 'fastify';
import { inPreciseScope, preciseScope } from '../domain/access.js';
import { DomainError } from '../errors.js';

export class OutOfScopeError extends DomainError {
  constructor(department: string) {
    super(403, 'out_of_scope', `department ${department} is outside your departments: only aggregated data is available there`, [{ field: 'department', reason: 'outside your departments' }]);
  }
}

/** Departments to restrict a precise read to (null: all); refuses a requested department out of scope. */
export function departmentFilter(request: FastifyRequest, requested?: string): string[] | null {
  const scope = preciseScope(request.principal);
  if (requested && scope !== 'all' && !scope.includes(requested)) throw new OutOfScopeError(requested);
  if (scope === 'all') return null;
  return requested ? [requested] : scope;
}

export function assertInScope(request: FastifyRequest, department: string): void {
  if (!inPreciseScope(request.principal, department)) throw new OutOfScopeError(department);
}
