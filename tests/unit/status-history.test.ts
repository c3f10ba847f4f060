import { describe, expect, it } from 'vitest';
import { statusHistoryProblems, statusOn, type StatusEvent } from '../../server/domain/status-history.js';

const lifetime: StatusEvent[] = Object.freeze([
  { status: 'active', effective_on: '2021-01-10' },
  { status: 'dismantled', effective_on: '2024-03-19' },
  { status: 'reopened', effective_on: '2024-06-01' },
]) as StatusEvent[];

describe('status history', () => {
  it('accepts active -> dismantled -> reopened with increasing dates', () => {
    expect(statusHistoryProblems(lifetime)).toEqual([]);
  });
  it('gives the status on a date, null before the point existed', () => {
    expect(statusOn(lifetime, '2020-12-31')).toBeNull();
    expect(statusOn(lifetime, '2021-01-10')).toBe('active');
    expect(statusOn(lifetime, '2024-03-19')).toBe('dismantled');
    expect(statusOn(lifetime, '2024-05-31')).toBe('dismantled');
    expect(statusOn(lifetime, '2025-01-01')).toBe('reopened');
  });
  it('refuses a history that does not start active', () => {
    expect(statusHistoryProblems([{ status: 'dismantled', effective_on: '2024-01-01' }])).toEqual([
      { field: 'status_history.0.status', reason: 'the first status must be "active", not "dismantled"' },
    ]);
  });
  it('refuses impossible transitions and dates going backwards', () => {
    const problems = statusHistoryProblems([
      { status: 'active', effective_on: '2024-01-01' },
      { status: 'reopened', effective_on: '2023-01-01' },
    ]);
    expect(problems.map((p) => p.field)).toEqual(['status_history.1.effective_on', 'status_history.1.status']);
    expect(problems[1].reason).toMatch(/cannot follow "active"/);
  });
  it('refuses an empty history', () => {
    expect(statusHistoryProblems([])[0].reason).toMatch(/at least one/);
  });
});
