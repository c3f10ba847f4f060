/** The shape the analyses read: deal points with their active periods, and date helpers (pure). */
export interface ActivePeriod { from: string; until: string | null }

export interface PointHistory {
  id: number;
  longitude: number;
  latitude: number;
  /** H3 cell at resolution 8. */
  cell: string;
  commune: string;
  communeName: string;
  sizeClass: string;
  department: string;
  /** Active periods in date order: [from, until) with until null while still active. */
  periods: ActivePeriod[];
  /** Dismantling events attributed to an operation. */
  dismantledBy: { operationId: number; on: string }[];
}

export function isActiveOn(point: PointHistory, date: string): boolean {
  return point.periods.some((p) => p.from <= date && (p.until === null || p.until > date));
}

/** The date `months` months after (or before, if negative) `date`, clamped to the month's last day. */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = date.slice(0, 10).split('-').map(Number);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, last));
  return target.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to.slice(0, 10)}T00:00:00Z`) - Date.parse(`${from.slice(0, 10)}T00:00:00Z`)) / 86_400_000;
}

/** Starts of activity: a point's first period and every reopening, with where it happened. */
export interface Appearance { pointId: number; on: string; longitude: number; latitude: number; cell: string; commune: string; communeName: string; sizeClass: string; reopening: boolean }

export function appearances(points: readonly PointHistory[]): Appearance[] {
  const result: Appearance[] = [];
  for (const point of points) {
    point.periods.forEach((period, index) => result.push({
      pointId: point.id, on: period.from, longitude: point.longitude, latitude: point.latitude, cell: point.cell,
      commune: point.commune, communeName: point.communeName, sizeClass: point.sizeClass, reopening: index > 0,
    }));
  }
  return result;
}
