/** Errors the API answers with a 4xx and `{error, message, details}`; anything else is a 500. */
export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `body.location.coordinates` or `lat`. */
  field: string;
  reason: string;
  /** Line of an imported file (1 = header for CSV), when the problem comes from a file. */
  line?: number;
}

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

export function describeProblems(details: FieldProblem[]): string {
  if (details.length === 0) return 'invalid input';
  const first = details[0];
  const where = first.line !== undefined ? `line ${first.line}, ` : '';
  const more = details.length > 1 ? ` (and ${details.length - 1} more problem${details.length > 2 ? 's' : ''})` : '';
  return `${where}${first.field}: ${first.reason}${more}`;
}
