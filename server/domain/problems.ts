/** What is wrong with an input, field by field (pure: the domain reports, the HTTP layer answers). */
export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `body.location.coordinates` or `lat`. */
  field: string;
  reason: string;
  /** Line of an imported file (1 = header for CSV), when the problem comes from a file. */
  line?: number;
}

/** One sentence for a list of problems: the first, and how many more. */
export function describeProblems(details: FieldProblem[]): string {
  if (details.length === 0) return 'invalid input';
  const first = details[0];
  const where = first.line !== undefined ? `line ${first.line}, ` : '';
  const more = details.length > 1 ? ` (and ${details.length - 1} more problem${details.length > 2 ? 's' : ''})` : '';
  return `${where}${first.field}: ${first.reason}${more}`;
}
