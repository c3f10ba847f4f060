/** The web client's typed routes: URLs built in one place, and every route it names exists on the server. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { routeUrl } from '../../web/api/route-url.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('routeUrl', () => {
  it('encodes parameters into the path and the query from an object', () => {
    expect(routeUrl('/api/communes/:insee', { params: { insee: '2A004' } })).toBe('/api/communes/2A004');
    expect(routeUrl('/api/x/:id/y/:code', { params: { id: 3, code: 'a b/c' } })).toBe('/api/x/3/y/a%20b%2Fc');
    expect(routeUrl('/api/aggregates/deal-points/cube', { query: { resolution: 7, from: '2024-01', to: '2024-12', bbox: undefined, min_sources: null } }))
      .toBe('/api/aggregates/deal-points/cube?resolution=7&from=2024-01&to=2024-12');
    expect(routeUrl('/api/communes', { query: { q: 'Saint-Ouen & co', limit: 8 } })).toBe('/api/communes?q=Saint-Ouen+%26+co&limit=8');
    expect(routeUrl('/api/communes/union', { query: { insee: ['13201', '13202'] } })).toBe('/api/communes/union?insee=13201&insee=13202');
    expect(routeUrl('/api/departments')).toBe('/api/departments');
  });

  it('refuses a path whose parameter is missing', () => {
    expect(() => routeUrl('/api/communes/:insee', {})).toThrow(/missing parameter insee/);
  });
});

describe('the typed routes', () => {
  it('name only GET routes the server declares', () => {
    const declared = new Set(readdirSync(join(root, 'server/routes')).flatMap((file) =>
      [...readFileSync(join(root, 'server/routes', file), 'utf8').matchAll(/app\.get\(\s*'([^']+)'/g)].map((m) => m[1])));
    expect(declared.size).toBeGreaterThan(40);
    const typed = readFileSync(join(root, 'web/api/routes.ts'), 'utf8');
    const block = typed.slice(typed.indexOf('export interface GetRoutes'), typed.indexOf('\n}\n', typed.indexOf('export interface GetRoutes')));
    const paths = [...block.matchAll(/^\s*'([^']+)':/gm)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(10);
    expect(paths.filter((p) => !declared.has(p))).toEqual([]);
  });

  it('name only writes the server declares, with their methods', () => {
    const declared = new Set(readdirSync(join(root, 'server/routes')).flatMap((file) =>
      [...readFileSync(join(root, 'server/routes', file), 'utf8').matchAll(/\.(post|put|patch|delete)\(\s*'([^']+)'/g)].map((m) => `${m[1].toUpperCase()} ${m[2]}`)));
    expect(declared.has('POST /api/imports')).toBe(true);
    const typed = readFileSync(join(root, 'web/api/send.ts'), 'utf8');
    const keys = (name: string) => {
      const start = typed.indexOf(`export interface ${name}`);
      expect(start).toBeGreaterThan(-1);
      return [...typed.slice(start, typed.indexOf('\n}\n', start)).matchAll(/^\s*'([A-Z]+ [^']+)':/gm)].map((m) => m[1]);
    };
    const writes = keys('SendRoutes');
    const files = keys('FileRoutes');
    expect(writes.length).toBeGreaterThan(20);
    expect(files.length).toBeGreaterThan(2);
    expect([...writes, ...files].filter((k) => !declared.has(k))).toEqual([]);
  });
});
