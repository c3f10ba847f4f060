/** URLs of the API's routes, built in one place (pure). */
export type Value = string | number | boolean;
export type Query = Record<string, Value | readonly Value[] | null | undefined>;

/** The URL of a route: parameters encoded into the path, the query string from `query` (null and undefined left out, arrays repeated). */
export function routeUrl(path: string, options: { params?: Record<string, string | number>; query?: Query } = {}): string {
  const filled = path.replace(/:([a-z_]+)/g, (_, name: string) => {
    const value = options.params?.[name];
    if (value === undefined) throw new Error(`${path}: missing parameter ${name}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value === null || value === undefined) continue;
    for (const one of (Array.isArray(value) ? value : [value]) as Value[]) search.append(key, String(one));
  }
  const text = search.toString();
  return text ? `${filled}?${text}` : filled;
}
