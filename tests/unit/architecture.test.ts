/**
 * The house drawn from its imports (pure: reads the source files): no import circle in the server,
 * a domain without I/O, maplibre-gl only behind the one map adapter, SQL text in server/queries/.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sources(folder: string): string[] {
  return readdirSync(join(root, folder)).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

/** Runtime imports of a file (type-only imports do not make arrows at run time). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
}

function resolveLocal(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = join(dirname(file), specifier).replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    try { if (statSync(join(root, candidate)).isFile()) return candidate; } catch { /* next */ }
  }
  return null;
}

const server = sources('server');
const web = sources('web');
const graph = new Map(server.map((file) => [file, importsOf(file).map((s) => resolveLocal(file, s)).filter((f): f is string => f !== null)]));

describe('the house', () => {
  it('has no import circle in the server', () => {
    // The graph is real: hundreds of arrows, and the known ones among them.
    expect([...graph.values()].reduce((n, edges) => n + edges.length, 0)).toBeGreaterThan(150);
    expect(graph.get('server/routes/aggregates.ts')).toContain('server/services/time-series.ts');
    const circles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') { circles.push([...path.slice(path.indexOf(file)), file].map((f) => relative('server', f)).join(' -> ')); return; }
      state.set(file, 'visiting');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of server) visit(file, []);
    expect(circles).toEqual([]);
  });

  it('has no arrow from a lower layer to a higher one, and no query from a route', () => {
    // domain and queries < schemas, errors, config and the database's connections < services <
    // plugins and routes < the app and start-up (app.ts, server.ts, reference-data.ts, and in
    // server/database/ the migrations and the start-up preparation).
    const infrastructure = ['server/errors.ts', 'server/config.ts', 'server/reference-files.ts'];
    const startUp = ['server/database/migrations.ts', 'server/database/preparation.ts'];
    const layer = (file: string): number => {
      const folder = file.split('/')[1];
      if (!file.slice('server/'.length).includes('/')) return infrastructure.includes(file) ? 1 : 4;
      if (folder === 'database') return startUp.includes(file) ? 4 : 1;
      return ({ domain: 0, queries: 0, schemas: 1, services: 2, plugins: 3, routes: 3 } as Record<string, number>)[folder] ?? 4;
    };
    const upward = [...graph].flatMap(([file, targets]) => targets.filter((t) => layer(t) > layer(file)).map((t) => `${file} -> ${t}`));
    expect(upward).toEqual([]);
    // Routes call services; none reads a statement itself.
    const querying = [...new Set([...graph].filter(([file, targets]) => file.startsWith('server/routes/') && targets.some((t) => t.startsWith('server/queries/'))).map(([file]) => file))];
    expect(querying).toEqual([]);
  });

  it('keeps the domain pure: no database, network, file, HTTP or service import', () => {
    // csv-parse: its streaming parser is a transform over the chunks it is given (domain/import-stream.ts).
    const allowedPackages = /^(h3-js|@turf\/|csv-parse(\/sync)?$|proj4|node:crypto)/;
    const offending = server.filter((f) => f.startsWith('server/domain/')).flatMap((file) => importsOf(file)
      .filter((specifier) => (specifier.startsWith('.') ? !resolveLocal(file, specifier)?.startsWith('server/domain/') : !allowedPackages.test(specifier)))
      .map((specifier) => `${file} imports ${specifier}`));
    expect(offending).toEqual([]);
  });

  it('reaches maplibre-gl only through web/map/', () => {
    const offending = web.filter((file) => !file.startsWith('web/map/') && importsOf(file).some((s) => s.startsWith('maplibre-gl')));
    expect(offending).toEqual([]);
  });

  // SQL text in a string literal: a statement's keywords, whatever follows them.
  const sqlText = /[`'"][^`'"]*?\b(SELECT\s+[\w*(${]|INSERT\s+INTO\b|UPDATE\s+\w+(\s+\w+)?\s+SET\b|DELETE\s+FROM\b|CREATE\s+(TEMPORARY\s+)?TABLE\b|ANALYZE\s+\w)/;
  it('keeps SQL text in server/queries/ (and db/migrations/), never in routes or services', () => {
    expect(sqlText.test('`SELECT count(*) FROM deal_points`')).toBe(true);
    expect(sqlText.test("'UPDATE access_tokens t SET last_used_at = now()'")).toBe(true);
    expect(sqlText.test("'Sélectionnez un fichier'")).toBe(false);
    expect(server.filter((f) => !f.startsWith('server/queries/') && sqlText.test(readFileSync(join(root, f), 'utf8')))).toEqual([]);
  });

  it('has no source file over 300 lines in server/, web/ or scripts/ (rooms with one job)', () => {
    const scripts = readdirSync(join(root, 'scripts')).filter((f) => f.endsWith('.ts')).map((f) => `scripts/${f}`);
    const long = [...server, ...web, ...scripts].map((file) => [file, readFileSync(join(root, file), 'utf8').split('\n').length] as const).filter(([, n]) => n > 300);
    expect(long).toEqual([]);
  });
});
