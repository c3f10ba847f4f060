/**
 * The circular's conjunctive rule (pure): a sector qualifies when it passes the threshold on every
 * criterion tested. A criterion passes when each of its indicators with a threshold is at least
 * that threshold; it cannot be judged when one of those values is missing (never taken as a pass
 * nor a fail); a criterion without any threshold is not tested.
 */
import { criteria, type Criterion, type Threshold } from './criteria.js';

export type CriterionOutcome = 'pass' | 'fail' | 'missing' | 'not_tested';
export interface ConjunctiveOutcome { qualifies: boolean; criteria: Record<`${Criterion}`, CriterionOutcome> }

/** Median of the values present (mean of the two middle ones for an even count); null when none. */
export function median(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (present.length === 0) return null;
  const middle = present.length >> 1;
  return present.length % 2 ? present[middle] : (present[middle - 1] + present[middle]) / 2;
}

/** The numeric minimum of each threshold; a median threshold is the median over `columns[code]`. */
export function resolveThresholds(thresholds: Record<string, Threshold>, columns: Record<string, readonly (number | null)[]>): Record<string, number | null> {
  const resolved: Record<string, number | null> = {};
  for (const [code, threshold] of Object.entries(thresholds)) {
    if (!(code in columns)) continue;
    resolved[code] = 'minimum' in threshold ? threshold.minimum : median(columns[code]);
  }
  return resolved;
}

/**
 * @param values indicator code -> the sector's value (null: missing)
 * @param indicatorCriteria indicator code -> its criterion
 * @param minimums indicator code -> resolved threshold (null: a median over no value, cannot be judged)
 */
export function conjunctiveOutcome(values: Record<string, number | null>, indicatorCriteria: Record<string, Criterion>, minimums: Record<string, number | null>): ConjunctiveOutcome {
  const outcome = {} as Record<`${Criterion}`, CriterionOutcome>;
  for (const criterion of criteria) {
    const tested = Object.keys(minimums).filter((code) => indicatorCriteria[code] === criterion);
    if (tested.length === 0) { outcome[criterion] = 'not_tested'; continue; }
    // A failed indicator fails the criterion whatever is missing; otherwise a missing one leaves it unjudged.
    let failed = false;
    let missing = false;
    for (const code of tested) {
      const value = values[code] ?? null;
      const minimum = minimums[code];
      if (value === null || minimum === null) missing = true;
      else if (value < minimum) failed = true;
    }
    const result: CriterionOutcome = failed ? 'fail' : missing ? 'missing' : 'pass';
    outcome[criterion] = result;
  }
  const judged = Object.values(outcome);
  return { qualifies: judged.some((o) => o === 'pass') && judged.every((o) => o === 'pass' || o === 'not_tested'), criteria: outcome };
}
