/**
 * A small parser (cql2-parse.ts) and SQL compiler (here) for basic CQL2 text (OGC 21-065r2): comparisons, AND/OR/NOT,
 * IN, BETWEEN, LIKE, IS NULL, CASEI, and S_INTERSECTS with a WKT or BBOX literal. Pure: no I/O.
 * No maintained CQL2 parser exists on npm, so this one is kept deliberately small:
 * - the whole input must be consumed (trailing input is refused with its position);
 * - every property must be a queryable of the collection, with a type the literal must match;
 * - values never enter the SQL text: each becomes a `$n` parameter (the SQL is built only from
 *   the queryables' fixed expressions, operators and placeholders).
 */
export type QueryableType = 'string' | 'number' | 'integer' | 'date' | 'timestamp' | 'boolean' | 'geometry';
export interface Queryable { sql: string; type: QueryableType; description?: string }
export type Queryables = Record<string, Queryable>;

export class Cql2Error extends Error {
  constructor(message: string, readonly position: number | null = null) { super(message); }
}

export type Literal =
  | { kind: 'string'; value: string } | { kind: 'number'; value: number } | { kind: 'boolean'; value: boolean }
  | { kind: 'date'; value: string } | { kind: 'timestamp'; value: string } | { kind: 'geometry'; wkt: string };
export type Scalar = { kind: 'property'; name: string; at: number } | { kind: 'casei'; arg: Scalar } | { kind: 'literal'; literal: Literal };
export type Node =
  | { kind: 'and' | 'or'; args: Node[] } | { kind: 'not'; arg: Node }
  | { kind: 'compare'; op: '=' | '<>' | '<' | '>' | '<=' | '>='; left: Scalar; right: Scalar }
  | { kind: 'like'; negated: boolean; left: Scalar; pattern: Scalar }
  | { kind: 'between'; negated: boolean; value: Scalar; low: Scalar; high: Scalar }
  | { kind: 'in'; negated: boolean; value: Scalar; list: Scalar[] }
  | { kind: 'isNull'; negated: boolean; value: Scalar }
  | { kind: 'intersects'; left: Scalar; right: Scalar }
  | { kind: 'boolean'; value: boolean };

export interface CompiledFilter { sql: string; params: unknown[] }

/**
 * Compiles a tree to a SQL boolean expression over the queryables' expressions; literal values are
 * appended to `params` (which may already hold the caller's parameters) as `$n` placeholders.
 */
export function compileCql2(tree: Node, queryables: Queryables, params: unknown[] = []): CompiledFilter {
  const out = [...params];
  const bind = (value: unknown, cast: string) => { out.push(value); return `$${out.length}::${cast}`; };
  const casts: Record<Exclude<QueryableType, 'geometry'>, string> = { string: 'text', number: 'float8', integer: 'float8', date: 'date', timestamp: 'timestamptz', boolean: 'boolean' };

  function typeOf(s: Scalar): QueryableType {
    if (s.kind === 'property') return queryable(s).type;
    if (s.kind === 'casei') return 'string';
    const k = s.literal.kind;
    return k === 'number' ? 'number' : k;
  }
  function queryable(s: { name: string; at: number }): Queryable {
    const q = Object.hasOwn(queryables, s.name) ? queryables[s.name] : undefined;
    if (!q) throw new Cql2Error(`unknown property ${JSON.stringify(s.name)}: the queryables are ${Object.keys(queryables).join(', ')}`, s.at);
    return q;
  }
  const comparable = (t: QueryableType) => (t === 'integer' ? 'number' : t);
  function scalar(s: Scalar, as: QueryableType): string {
    if (s.kind === 'property') {
      const q = queryable(s);
      if (comparable(q.type) !== comparable(as)) throw new Cql2Error(`property ${s.name} is a ${q.type}, compared with a ${as}`, s.at);
      return q.type === 'integer' ? `(${q.sql})::float8` : `(${q.sql})`;
    }
    if (s.kind === 'casei') {
      if (as !== 'string') throw new Cql2Error(`CASEI applies to strings, compared with a ${as}`);
      return `lower(${scalar(s.arg, 'string')})`;
    }
    const lit = s.literal;
    const litType = lit.kind === 'number' ? 'number' : lit.kind;
    if (comparable(litType) !== comparable(as)) throw new Cql2Error(`a ${litType} value where a ${as} is expected`);
    if (lit.kind === 'geometry') return `ST_MakeValid(ST_GeomFromText(${bind(lit.wkt, 'text')}, 4326))`;
    return bind(lit.value, casts[litType as Exclude<QueryableType, 'geometry'>]);
  }
  /** The type two operands share (a property fixes it; two literals must agree). */
  function sharedType(...operands: Scalar[]): QueryableType {
    const fixed = operands.find((s) => s.kind !== 'literal');
    const type = typeOf(fixed ?? operands[0]);
    if (type === 'geometry') throw new Cql2Error('geometries are compared with S_INTERSECTS only');
    return type;
  }
  function node(n: Node): string {
    switch (n.kind) {
      case 'and': case 'or': return `(${n.args.map(node).join(n.kind === 'and' ? ' AND ' : ' OR ')})`;
      case 'not': return `(NOT ${node(n.arg)})`;
      case 'boolean': return n.value ? 'TRUE' : 'FALSE';
      case 'compare': {
        const t = sharedType(n.left, n.right);
        if (t === 'boolean' && !['=', '<>'].includes(n.op)) throw new Cql2Error(`booleans are compared with = or <> only`);
        return `(${scalar(n.left, t)} ${n.op} ${scalar(n.right, t)})`;
      }
      case 'like': {
        if (sharedType(n.left, n.pattern) !== 'string') throw new Cql2Error('LIKE applies to strings');
        const pattern = n.pattern.kind === 'literal' && n.pattern.literal.kind === 'string' ? n.pattern.literal.value
          : n.pattern.kind === 'casei' && n.pattern.arg.kind === 'literal' && n.pattern.arg.literal.kind === 'string' ? n.pattern.arg.literal.value : null;
        if (pattern === null) throw new Cql2Error('the LIKE pattern must be a string value');
        if (/(^|[^\\])(\\\\)*\\$/.test(pattern)) throw new Cql2Error('a LIKE pattern must not end with the escape character \\');
        return `(${scalar(n.left, 'string')} ${n.negated ? 'NOT LIKE' : 'LIKE'} ${scalar(n.pattern, 'string')} ESCAPE '\\')`;
      }
      case 'between': {
        const t = sharedType(n.value, n.low, n.high);
        if (t !== 'number' && t !== 'integer' && t !== 'date' && t !== 'timestamp') throw new Cql2Error('BETWEEN applies to numbers, dates and timestamps');
        return `(${scalar(n.value, t)} ${n.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${scalar(n.low, t)} AND ${scalar(n.high, t)})`;
      }
      case 'in': {
        const t = sharedType(n.value, ...n.list);
        return `(${scalar(n.value, t)} ${n.negated ? 'NOT IN' : 'IN'} (${n.list.map((s) => scalar(s, t)).join(', ')}))`;
      }
      case 'isNull': {
        if (n.value.kind === 'literal') throw new Cql2Error('IS NULL applies to a property');
        const t = typeOf(n.value);
        const expression = t === 'geometry' && n.value.kind === 'property' ? `(${queryable(n.value).sql})` : scalar(n.value, t);
        return `(${expression} IS ${n.negated ? 'NOT ' : ''}NULL)`;
      }
      case 'intersects': {
        const side = (s: Scalar) => {
          if (s.kind === 'property') {
            const q = queryable(s);
            if (q.type !== 'geometry') throw new Cql2Error(`S_INTERSECTS needs a geometry: ${s.name} is a ${q.type}`, s.at);
            return `(${q.sql})`;
          }
          if (s.kind !== 'literal' || s.literal.kind !== 'geometry') throw new Cql2Error('S_INTERSECTS needs geometries');
          return scalar(s, 'geometry');
        };
        return `ST_Intersects(${side(n.left)}, ${side(n.right)})`;
      }
    }
  }
  return { sql: node(tree), params: out };
}
