/** Errors the API answers with a 4xx and `{error, message, details}`; anything else is a 500. */
import { describeProblems, type FieldProblem } from './domain/problems.js';

export { describeProblems, type FieldProblem };

export class DomainError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
  }
}

export class InvalidInputError extends DomainError {
  constructor(details: FieldProblem[], message = describeProblems(details)) {
    super(400, 'invalid_input', message, details);
  }
}

export class UnprocessableError extends DomainError {
  constructor(details: FieldProblem[], message = describeProblems(details), code = 'unprocessable') {
    super(422, code, message, details);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string | number) {
    super(404, 'not_found', `${what} ${id} does not exist`, [{ field: 'id', reason: 'unknown id' }]);
  }
}

export class VersionConflictError extends DomainError {
  constructor(what: string, id: number, expected: number, actual: number) {
    super(409, 'version_conflict', `${what} ${id} is at version ${actual}, not ${expected}: reload it and retry`, [
      { field: 'version', reason: `expected ${actual}` },
    ]);
  }
}

export class DuplicateError extends DomainError {
  constructor(field: string, reason: string) {
    super(409, 'duplicate', `${field}: ${reason}`, [{ field, reason }]);
  }
}


/** Errors of a database that cannot be reached or went away (not of the request). */
export function isDatabaseUnavailable(error: { code?: unknown; message?: unknown }): boolean {
  const code = typeof error.code === 'string' ? error.code : '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN'].includes(code)) return true;
  if (/^(08|57P0|53)/.test(code)) return true; // connection exceptions, admin/crash shutdown, cannot connect now, out of resources
  const message = typeof error.message === 'string' ? error.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end|terminating connection/i.test(message);
}
