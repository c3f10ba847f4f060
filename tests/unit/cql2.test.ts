/**
 * The CQL2 text parser and compiler: hand-written cases, then a fuzz run (random valid filters
 * compile with values only in parameters; random mutations are refused with a Cql2Error, never
 * another exception).
 */
import { describe, expect, it } from 'vitest';
import { compileCql2, Cql2Error, type Queryables } from '../../server/domain/cql2.js';
import { parseCql2 } from '../../server/domain/cql2-parse.js';

const queryables: Queryables = {
  status: { sql: 'f.status', type: 'string' },
  name: { sql: 'f.name', type: 'string' },
  population: { sql: 'f.population', type: 'integer' },
  ratio: { sql: 'f.ratio', type: 'number' },
  started_on: { sql: 'f.started_on', type: 'date' },
  created_at: { sql: 'f.created_at', type: 'timestamp' },
  geometry: { sql: 'f.geom', type: 'geometry' },
};
const compile = (text: string) => compileCql2(parseCql2(text), queryables);
const refused = (text: string) => { try { compile(text); return null; } catch (error) { return error; } };

describe('CQL2 text', () => {
  it('compiles comparisons, AND/OR/NOT with values as $n parameters', () => {
    expect(compile("status = 'active' AND population >= 5000")).toEqual({ sql: '(((f.status) = $1::text) AND ((f.population)::float8 >= $2::float8))', params: ['active', 5000] });
    expect(compile("NOT (status <> 'a' OR ratio < 0.5)")).toEqual({ sql: '(NOT (((f.status) <> $1::text) OR ((f.ratio) < $2::float8)))', params: ['a', 0.5] });
    // AND binds tighter than OR.
    expect(compile("status = 'a' OR status = 'b' AND population = 1").sql).toBe('(((f.status) = $1::text) OR (((f.status) = $2::text) AND ((f.population)::float8 = $3::float8)))');
  });

  it('compiles IN, BETWEEN, LIKE, IS NULL, CASEI, dates and timestamps', () => {
    expect(compile("status IN ('a', 'b')")).toEqual({ sql: '((f.status) IN ($1::text, $2::text))', params: ['a', 'b'] });
    expect(compile("status NOT IN ('a')").sql).toBe('((f.status) NOT IN ($1::text))');
    expect(compile('population BETWEEN 10 AND 20')).toEqual({ sql: '((f.population)::float8 BETWEEN $1::float8 AND $2::float8)', params: [10, 20] });
    expect(compile("name LIKE 'Mar%'")).toEqual({ sql: "((f.name) LIKE $1::text ESCAPE '\\')", params: ['Mar%'] });
    expect(compile("CASEI(name) = casei('PERTUIS')")).toEqual({ sql: '(lower((f.name)) = lower($1::text))', params: ['PERTUIS'] });
    expect(compile('name IS NOT NULL').sql).toBe('((f.name) IS NOT NULL)');
    expect(compile("started_on >= DATE('2024-03-01')").params).toEqual(['2024-03-01']);
    expect(compile("created_at < TIMESTAMP('2024-03-01T10:00:00Z')").sql).toBe('((f.created_at) < $1::timestamptz)');
    expect(compile("name = 'l''Isle'").params).toEqual(["l'Isle"]);
    expect(compile('"status" = \'a\'').sql).toBe('((f.status) = $1::text)');
  });

  it('compiles S_INTERSECTS with WKT and BBOX literals, as parameters', () => {
    expect(compile('S_INTERSECTS(geometry, POINT(5.38 43.28))')).toEqual({ sql: 'ST_Intersects((f.geom), ST_MakeValid(ST_GeomFromText($1::text, 4326)))', params: ['POINT(5.38 43.28)'] });
    expect(compile('S_INTERSECTS(geometry, BBOX(5.2, 43.2, 5.6, 43.4))').params).toEqual(['POLYGON((5.2 43.2,5.6 43.2,5.6 43.4,5.2 43.4,5.2 43.2))']);
    expect(compile('s_intersects(geometry, POLYGON((5 43, 6 43, 6 44, 5 44, 5 43)))').params).toEqual(['POLYGON((5 43,6 43,6 44,5 44,5 43))']);
    expect(compile('S_INTERSECTS(geometry, MULTIPOLYGON(((5 43, 6 43, 6 44, 5 43)), ((1 1, 2 1, 2 2, 1 1))))').params[0]).toBe('MULTIPOLYGON(((5 43,6 43,6 44,5 43)),((1 1,2 1,2 2,1 1)))');
    expect(compile('S_INTERSECTS(geometry, LINESTRING(5 43, 6 44))').params[0]).toBe('LINESTRING(5 43,6 44)');
  });

  it('refuses trailing input, unknown properties, type mismatches and bad literals, saying where', () => {
    const cases: [string, RegExp][] = [
      ["status = 'a' status", /trailing input/],
      ["status = 'a' )", /trailing input/],
      ["unknown = 'a'", /unknown property "unknown"/],
      ['status = 3', /a number value where a string is expected/],
      ["population > 'x'", /a string value where a integer is expected/],
      ["status BETWEEN 'a' AND 'b'", /BETWEEN applies to numbers/],
      ["status = 'open", /unterminated string/],
      ['status =', /expected a property or a value/],
      ["DATE('2024-02-30') = started_on", /not a date/],
      ['S_INTERSECTS(geometry, POINT(200 1))', /outside longitude/],
      ['S_INTERSECTS(geometry, POLYGON((5 43, 6 43, 6 44)))', /at least 4 positions/],
      ['S_INTERSECTS(status, POINT(1 1))', /needs a geometry/],
      ["name LIKE 'abc\\'", /must not end with the escape character/],
      ['geometry = 3', /S_INTERSECTS only/],
      ["status = 'a'; DROP TABLE users", /unexpected character/],
      ['', /expected a property or a value/],
      ['constructor = 1', /unknown property/],
    ];
    for (const [text, message] of cases) {
      const error = refused(text);
      expect(error, text).toBeInstanceOf(Cql2Error);
      expect((error as Error).message, text).toMatch(message);
    }
    expect((refused("status = 'a' status") as Cql2Error).position).toBe(13);
  });

  it('refuses input nested too deeply or too long, without overflowing the stack', () => {
    expect(refused(`${'('.repeat(5000)}status = 'a'${')'.repeat(5000)}`)).toBeInstanceOf(Cql2Error);
    expect(refused(`${'NOT '.repeat(5000)}status = 'a'`)).toBeInstanceOf(Cql2Error);
    expect(refused(`status IN (${Array(5000).fill("'x'").join(',')})`)).toBeInstanceOf(Cql2Error);
  });
});

/** A small seeded generator (mulberry32), so a failing case can be replayed. */
function random(seed: number) {
  return () => { seed |= 0; seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

describe('CQL2 fuzzing', () => {
  const rnd = random(17);
  const pick = <T>(items: T[]) => items[Math.floor(rnd() * items.length)];
  const stringValue = () => `'${pick(['a', "l''x", 'Marseille', '%', '_b', 'DROP TABLE', '$1', '"q"', 'é'])}'`;
  const predicate = (): string => pick([
    () => `${pick(['status', 'name', 'CASEI(name)'])} ${pick(['=', '<>', '<', '>', '<=', '>='])} ${stringValue()}`,
    () => `${pick(['population', 'ratio'])} ${pick(['=', '<', '>='])} ${pick(['0', '-1.5', '1e3', '42'])}`,
    () => `${pick(['status', 'name'])} ${pick(['', 'NOT '])}LIKE ${stringValue()}`,
    () => `population ${pick(['', 'NOT '])}BETWEEN ${pick(['1', '2'])} AND ${pick(['3', '4'])}`,
    () => `status ${pick(['', 'NOT '])}IN (${Array.from({ length: 1 + Math.floor(rnd() * 3) }, stringValue).join(', ')})`,
    () => `${pick(['name', 'started_on', 'geometry'])} IS ${pick(['', 'NOT '])}NULL`,
    () => `started_on ${pick(['<', '>='])} DATE('2024-0${1 + Math.floor(rnd() * 9)}-15')`,
    () => `S_INTERSECTS(geometry, ${pick(['POINT(5 43)', 'BBOX(1, 2, 3, 4)', 'POLYGON((0 0, 1 0, 1 1, 0 0))'])})`,
  ])();
  const expression = (depth: number): string => {
    if (depth <= 0 || rnd() < 0.3) return predicate();
    return pick([
      () => `${expression(depth - 1)} AND ${expression(depth - 1)}`,
      () => `${expression(depth - 1)} OR ${expression(depth - 1)}`,
      () => `NOT (${expression(depth - 1)})`,
      () => `(${expression(depth - 1)})`,
    ])();
  };

  it('compiles 2,000 random valid filters with every value in a parameter', () => {
    for (let i = 0; i < 2000; i++) {
      const text = expression(4);
      const { sql, params } = compile(text);
      // No literal text reaches the SQL: only placeholders, operators and the queryables' expressions.
      const stripped = sql.replace(/\$\d+::\w+/g, '').replace(/f\.\w+/g, '').replace(/\b(AND|OR|NOT|IN|BETWEEN|LIKE|IS|NULL|TRUE|FALSE|ESCAPE|lower|float8|ST_Intersects|ST_MakeValid|ST_GeomFromText|4326)\b/g, '');
      expect(stripped, text).toMatch(/^[\s()=<>,:'\\]*$/);
      const placeholders = [...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
      expect(Math.max(0, ...placeholders), text).toBe(params.length);
    }
  });

  it('refuses 5,000 random mutations with a Cql2Error (never another exception)', () => {
    const alphabet = ["'", '"', '(', ')', ',', ' ', 'AND', 'OR', 'NOT', '=', '<', '>', '%', '\\', '-', '.', 'e', '1', 'POINT', 'IN', 'IS', 'NULL', ';', '\u0000', '𝄞'];
    let refusedCount = 0;
    for (let i = 0; i < 5000; i++) {
      let text = expression(3);
      const edits = 1 + Math.floor(rnd() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rnd() * (text.length + 1));
        text = rnd() < 0.5 ? text.slice(0, at) + pick(alphabet) + text.slice(at) : text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 3));
      }
      try { compile(text); } catch (error) {
        expect(error, text).toBeInstanceOf(Cql2Error);
        refusedCount++;
      }
    }
    expect(refusedCount).toBeGreaterThan(2500);
  });
});
