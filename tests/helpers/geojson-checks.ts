/** Test helper: an independent RFC 7946 check of GeoJSON geometry (winding, closure, repeated vertices, decimals). */

/** Twice the signed area of a ring (shoelace), written here again rather than imported from the code under test. */
function signedArea(ring: number[][]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return sum;
}

/** RFC 7946 check of a geometry: closed rings, no repeated vertex, exterior CCW, holes CW, at most 7 decimals. */
export function geometryProblems(geometry: { type: string; coordinates: unknown } | null | undefined): string[] {
  if (!geometry) return [];
  const problems: string[] = [];
  const position = (p: number[]) => {
    if (p.length !== 2) problems.push(`position of ${p.length} numbers`);
    for (const v of p) if ((String(v).split('.')[1] ?? '').length > 7) problems.push(`${v} has more than 7 decimals`);
  };
  const ring = (r: number[][], exterior: boolean) => {
    r.forEach(position);
    const [a, b] = [r[0], r[r.length - 1]];
    if (r.length < 4 || a[0] !== b[0] || a[1] !== b[1]) problems.push('ring not closed');
    const seen = new Set(r.slice(0, -1).map((p) => p.join(',')));
    if (seen.size !== r.length - 1) problems.push('repeated vertex');
    if ((signedArea(r) > 0) !== exterior) problems.push(exterior ? 'exterior ring clockwise' : 'hole counter-clockwise');
  };
  const polygon = (rings: number[][][]) => rings.forEach((r, i) => ring(r, i === 0));
  if (geometry.type === 'Point') position(geometry.coordinates as number[]);
  else if (geometry.type === 'Polygon') polygon(geometry.coordinates as number[][][]);
  else if (geometry.type === 'MultiPolygon') (geometry.coordinates as number[][][][]).forEach(polygon);
  else problems.push(`unexpected ${geometry.type}`);
  return problems;
}

