/**
 * A deal point's lifetime: dated statuses. Rules: the first status is `active`; a point is then
 * dismantled, may reopen (`reopened`) and be dismantled again; dates strictly increase.
 */
export const dealPointStatuses = ['active', 'dismantled', 'reopened'] as const;
export type DealPointStatus = (typeof dealPointStatuses)[number];

export interface StatusEvent { status: DealPointStatus; effective_on: string; operation_id?: number | null }

const allowedNext: Record<DealPointStatus, DealPointStatus[]> = {
  active: ['dismantled'],
  dismantled: ['reopened'],
  reopened: ['dismantled'],
};

export function isActiveStatus(status: DealPointStatus): boolean {
  return status === 'active' || status === 'reopened';
}

/** Problems with a whole history, each naming the index of the offending event; empty when valid. */
export function statusHistoryProblems(history: readonly StatusEvent[], field = 'status_history'): { field: string; reason: string }[] {
  const problems: { field: string; reason: string }[] = [];
  if (history.length === 0) return [{ field, reason: 'must hold at least one status' }];
  if (history[0].status !== 'active') problems.push({ field: `${field}.0.status`, reason: `the first status must be "active", not "${history[0].status}"` });
  for (let i = 1; i < history.length; i++) {
    const previous = history[i - 1];
    const current = history[i];
    if (current.effective_on <= previous.effective_on) {
      problems.push({ field: `${field}.${i}.effective_on`, reason: `${current.effective_on} must be after ${previous.effective_on}` });
    }
    if (!allowedNext[previous.status].includes(current.status)) {
      problems.push({ field: `${field}.${i}.status`, reason: `"${current.status}" cannot follow "${previous.status}" (allowed: ${allowedNext[previous.status].join(', ')})` });
    }
  }
  return problems;
}

/** Status on a date (YYYY-MM-DD) for a valid history sorted by date; null before the point existed. */
export function statusOn(history: readonly StatusEvent[], date: string): DealPointStatus | null {
  let status: DealPointStatus | null = null;
  for (const event of history) {
    if (event.effective_on <= date) status = event.status;
    else break;
  }
  return status;
}
