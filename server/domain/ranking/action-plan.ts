/**
 * The action plan's follow-up (pure, 2010 circular): semesters, the indicators followed per
 * priority sector, and each measured value against its target.
 */
export const semesterPattern = '^20[0-9]{2}-S[12]$';

/** Indicators followed each semester, and which way the target reads. */
export const followedIndicators = [
  { code: 'active_points', label: 'Points de deal actifs en fin de semestre', target: 'at_most' },
  { code: 'reopenings', label: 'Réouvertures après démantèlement dans le semestre', target: 'at_most' },
  { code: 'public_reports', label: 'Signalements du public reçus (non rejetés)', target: 'at_most' },
  { code: 'operations', label: 'Opérations menées dans le semestre', target: 'at_least' },
  { code: 'ssmsi_trafficking_rate', label: 'SSMSI : trafic de stupéfiants pour 1 000 habitants (année du semestre)', target: 'at_most' },
] as const;
export type FollowedIndicator = (typeof followedIndicators)[number]['code'];

/** First and last day of a semester written 2025-S1 / 2025-S2. */
export function semesterDates(semester: string): { from: string; to: string } {
  const year = semester.slice(0, 4);
  return semester.endsWith('S1') ? { from: `${year}-01-01`, to: `${year}-06-30` } : { from: `${year}-07-01`, to: `${year}-12-31` };
}

/** The semester holding a date. */
export function semesterOf(date: string): string {
  return `${date.slice(0, 4)}-S${Number(date.slice(5, 7)) <= 6 ? 1 : 2}`;
}

export function nextSemester(semester: string): string {
  const year = Number(semester.slice(0, 4));
  return semester.endsWith('S1') ? `${year}-S2` : `${year + 1}-S1`;
}

export type TargetStatus = 'met' | 'not_met' | 'no_target' | 'no_value';

/** A measured value against its target (at most / at least). */
export function targetStatus(code: FollowedIndicator, measured: number | null, target: number | undefined): TargetStatus {
  if (target === undefined) return 'no_target';
  if (measured === null) return 'no_value';
  const way = followedIndicators.find((i) => i.code === code)!.target;
  return (way === 'at_most' ? measured <= target : measured >= target) ? 'met' : 'not_met';
}
