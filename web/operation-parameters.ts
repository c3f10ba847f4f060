/** An operation page's analysis options in its URL (pure). */
/** The analysis options, their bounds and defaults: kept in the URL so that a link shares them. */
const parameterBounds = { buffer_rings: [1, 10, 3], before_months: [1, 24, 6], after_months: [1, 24, 6], distance_km: [1, 300, 100], lag_months: [1, 24, 6] } as const;
export type Parameters = Record<keyof typeof parameterBounds, number>;

/** Options read from a query string: each a whole number within its bounds, else its default. */
export function parseOperationParameters(search: string): Parameters {
  const query = new URLSearchParams(search);
  return Object.fromEntries(Object.entries(parameterBounds).map(([name, [min, max, fallback]]) => {
    const value = Number(query.get(name));
    return [name, query.has(name) && Number.isInteger(value) && value >= min && value <= max ? value : fallback];
  })) as Parameters;
}

/** The query string of the options that differ from the defaults (empty when none do). */
export function operationParametersQuery(params: Parameters): string {
  const query = new URLSearchParams(Object.entries(params).filter(([name, value]) => parameterBounds[name as keyof Parameters][2] !== value).map(([k, v]) => [k, String(v)]));
  return query.size ? `?${query}` : '';
}
