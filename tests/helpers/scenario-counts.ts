/** Reads the scenario's deal-points.csv back, to count active points per date and department. */
export interface FilePoint { externalId: string; department: string; source: string; latitude: number; longitude: number; history: { status: string; on: string; operation?: string }[]; network: string }

export function readPoints(csv: string): FilePoint[] {
  return csv.trim().split('\n').slice(1).map((line) => {
    const [externalId, source, lat, lon, history, , network] = line.split(';');
    return {
      externalId, source, department: externalId.split('-')[1], latitude: Number(lat), longitude: Number(lon), network,
      history: history.split('|').map((part) => { const [status, on, operation] = part.split(':'); return operation ? { status, on, operation } : { status, on }; }),
    };
  });
}

export function isActiveOn(point: FilePoint, date: string): boolean {
  let status: string | null = null;
  for (const entry of point.history) if (entry.on <= date) status = entry.status;
  return status === 'active' || status === 'reopened';
}

export function activeCounts(points: FilePoint[], date: string): { total: number; byDepartment: Map<string, number> } {
  const byDepartment = new Map<string, number>();
  let total = 0;
  for (const point of points) {
    if (!isActiveOn(point, date)) continue;
    total++;
    byDepartment.set(point.department, (byDepartment.get(point.department) ?? 0) + 1);
  }
  return { total, byDepartment };
}
