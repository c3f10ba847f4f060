/**
 * A small parser and SQL compiler for basic CQL2 text (OGC 21-065r2): comparisons, AND/OR/NOT,
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

type Literal =
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

interface Token { type: 'word' | 'quoted' | 'string' | 'number' | 'op' | 'punct' | 'end'; text: string; at: number }

const maxLength = 20_000;
const maxDepth = 50;

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) { i++; continue; }
    const at = i;
    if (c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= input.length) throw new Cql2Error('unterminated string literal', at);
        if (input[i] === "'") {
          if (input[i + 1] === "'") { text += "'"; i += 2; continue; }
          i++; break;
        }
        text += input[i++];
      }
      tokens.push({ type: 'string', text, at });
    } else if (c === '"') {
      const end = input.indexOf('"', i + 1);
      if (end < 0) throw new Cql2Error('unterminated quoted property name', at);
      tokens.push({ type: 'quoted', text: input.slice(i + 1, end), at });
      i = end + 1;
    } else if (/[0-9]/.test(c) || ((c === '-' || c === '+' || c === '.') && /[0-9.]/.test(input[i + 1] ?? ''))) {
      const match = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(input.slice(i));
      if (!match) throw new Cql2Error(`unexpected character ${JSON.stringify(c)}`, at);
      tokens.push({ type: 'number', text: match[0], at });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_.:]*/.exec(input.slice(i))!;
      tokens.push({ type: 'word', text: match[0], at });
      i += match[0].length;
    } else if ('<>='.includes(c)) {
      const two = input.slice(i, i + 2);
      const op = ['<=', '>=', '<>'].includes(two) ? two : c;
      tokens.push({ type: 'op', text: op, at });
      i += op.length;
    } else if ('(),'.includes(c)) {
      tokens.push({ type: 'punct', text: c, at });
      i++;
    } else {
      throw new Cql2Error(`unexpected character ${JSON.stringify(c)}`, at);
    }
  }
  tokens.push({ type: 'end', text: '', at: input.length });
  return tokens;
}

const reserved = new Set(['AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'LIKE', 'IS', 'NULL', 'TRUE', 'FALSE', 'CASEI', 'S_INTERSECTS', 'DATE', 'TIMESTAMP',
  'POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON', 'BBOX']);
const geometryWords = new Set(['POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON']);

/** Parses CQL2 text into a tree; throws Cql2Error with the position of the first problem. */
export function parseCql2(input: string): Node {
  if (input.length > maxLength) throw new Cql2Error(`filter longer than ${maxLength} characters`);
  const tokens = tokenize(input);
  let p = 0;
  let depth = 0;
  const peek = () => tokens[p];
  const isWord = (word: string, t = peek()) => t.type === 'word' && t.text.toUpperCase() === word;
  const next = () => tokens[p++];
  const fail = (what: string): never => {
    const t = peek();
    throw new Cql2Error(`${what}, found ${t.type === 'end' ? 'the end of the filter' : JSON.stringify(t.text)}`, t.at);
  };
  const expectPunct = (c: string) => { if (peek().type === 'punct' && peek().text === c) { p++; return; } fail(`expected "${c}"`); };
  const acceptWord = (word: string) => { if (isWord(word)) { p++; return true; } return false; };
  const enter = () => { if (++depth > maxDepth) throw new Cql2Error(`filter nested deeper than ${maxDepth} levels`, peek().at); };

  function orExpr(): Node {
    enter();
    const args = [andExpr()];
    while (acceptWord('OR')) args.push(andExpr());
    depth--;
    return args.length === 1 ? args[0] : { kind: 'or', args };
  }
  function andExpr(): Node {
    const args = [notExpr()];
    while (acceptWord('AND')) args.push(notExpr());
    return args.length === 1 ? args[0] : { kind: 'and', args };
  }
  function notExpr(): Node {
    if (acceptWord('NOT')) { enter(); const arg = notExpr(); depth--; return { kind: 'not', arg }; }
    return primary();
  }
  function primary(): Node {
    const t = peek();
    if (t.type === 'punct' && t.text === '(') {
      // A parenthesised boolean expression (scalars are never parenthesised in basic CQL2).
      p++;
      const inner = orExpr();
      expectPunct(')');
      return inner;
    }
    if (isWord('S_INTERSECTS')) {
      p++;
      expectPunct('(');
      const left = spatialOperand();
      expectPunct(',');
      const right = spatialOperand();
      expectPunct(')');
      return { kind: 'intersects', left, right };
    }
    if ((isWord('TRUE') || isWord('FALSE')) && !isPredicateOperator(tokens[p + 1])) {
      p++;
      return { kind: 'boolean', value: t.text.toUpperCase() === 'TRUE' };
    }
    return predicate();
  }
  function isPredicateOperator(t: Token): boolean {
    return t.type === 'op' || ['LIKE', 'BETWEEN', 'IN', 'IS', 'NOT'].some((w) => isWord(w, t));
  }
  function predicate(): Node {
    const left = scalar();
    const t = peek();
    if (t.type === 'op') { p++; return { kind: 'compare', op: t.text as '=', left, right: scalar() }; }
    if (acceptWord('IS')) {
      const negated = acceptWord('NOT');
      if (!acceptWord('NULL')) fail('expected NULL after IS');
      return { kind: 'isNull', negated, value: left };
    }
    const negated = acceptWord('NOT');
    if (acceptWord('LIKE')) return { kind: 'like', negated, left, pattern: scalar() };
    if (acceptWord('BETWEEN')) {
      const low = scalar();
      if (!acceptWord('AND')) fail('expected AND in BETWEEN');
      return { kind: 'between', negated, value: left, low, high: scalar() };
    }
    if (acceptWord('IN')) {
      expectPunct('(');
      const list = [scalar()];
      while (peek().type === 'punct' && peek().text === ',') { p++; list.push(scalar()); }
      expectPunct(')');
      return { kind: 'in', negated, value: left, list };
    }
    return fail('expected a comparison (=, <>, <, >, <=, >=), LIKE, BETWEEN, IN or IS NULL');
  }
  function scalar(): Scalar {
    const t = peek();
    if (t.type === 'string') { p++; return { kind: 'literal', literal: { kind: 'string', value: t.text } }; }
    if (t.type === 'number') {
      p++;
      const value = Number(t.text);
      if (!Number.isFinite(value)) throw new Cql2Error('number out of range', t.at);
      return { kind: 'literal', literal: { kind: 'number', value } };
    }
    if (t.type === 'quoted') { p++; return { kind: 'property', name: t.text, at: t.at }; }
    if (t.type === 'word') {
      const word = t.text.toUpperCase();
      if (word === 'TRUE' || word === 'FALSE') { p++; return { kind: 'literal', literal: { kind: 'boolean', value: word === 'TRUE' } }; }
      if (word === 'CASEI') {
        p++; expectPunct('(');
        enter();
        const arg = scalar();
        depth--;
        expectPunct(')');
        return { kind: 'casei', arg };
      }
      if (word === 'DATE' || word === 'TIMESTAMP') {
        p++; expectPunct('(');
        const s = next();
        if (s.type !== 'string') { p--; fail(`expected a quoted ${word.toLowerCase()}`); }
        expectPunct(')');
        if (word === 'DATE' && !isDate(s.text)) throw new Cql2Error(`not a date (YYYY-MM-DD): ${JSON.stringify(s.text)}`, s.at);
        if (word === 'TIMESTAMP' && !isTimestamp(s.text)) throw new Cql2Error(`not a UTC timestamp (YYYY-MM-DDTHH:MM:SSZ): ${JSON.stringify(s.text)}`, s.at);
        return { kind: 'literal', literal: { kind: word === 'DATE' ? 'date' : 'timestamp', value: s.text } };
      }
      if (geometryWords.has(word) || word === 'BBOX') return { kind: 'literal', literal: geometryLiteral() };
      if (reserved.has(word)) fail('expected a property or a value');
      p++;
      return { kind: 'property', name: t.text, at: t.at };
    }
    return fail('expected a property or a value');
  }
  function spatialOperand(): Scalar {
    const t = peek();
    if (t.type === 'word' && (geometryWords.has(t.text.toUpperCase()) || t.text.toUpperCase() === 'BBOX')) return { kind: 'literal', literal: geometryLiteral() };
    if ((t.type === 'word' && !reserved.has(t.text.toUpperCase())) || t.type === 'quoted') { p++; return { kind: 'property', name: t.text, at: t.at }; }
    return fail('expected a geometry property or a geometry literal (POINT, POLYGON, BBOX...)');
  }
  /** WKT (2D) or BBOX(w, s, e, n), rebuilt in a canonical form from the numbers read. */
  function geometryLiteral(): Literal {
    const head = next();
    const word = head.text.toUpperCase();
    if (word === 'BBOX') {
      expectPunct('(');
      const n = [number()];
      for (let k = 0; k < 3; k++) { expectPunct(','); n.push(number()); }
      expectPunct(')');
      const [w, s, e, north] = n;
      if (w > e || s > north) throw new Cql2Error('BBOX must be (west, south, east, north) with west <= east and south <= north', head.at);
      return { kind: 'geometry', wkt: `POLYGON((${w} ${s},${e} ${s},${e} ${north},${w} ${north},${w} ${s}))` };
    }
    const position = () => { const x = number(); const y = number(); checkLonLat(x, y); return `${x} ${y}`; };
    const list = <T>(item: () => T): T[] => {
      expectPunct('(');
      const items = [item()];
      while (peek().type === 'punct' && peek().text === ',') { p++; items.push(item()); }
      expectPunct(')');
      return items;
    };
    const ring = () => {
      const at = peek().at;
      const points = list(position);
      if (points.length < 4 || points[0] !== points[points.length - 1]) throw new Cql2Error('a polygon ring needs at least 4 positions and must end where it starts', at);
      return `(${points.join(',')})`;
    };
    const polygon = () => `(${list(ring).join(',')})`;
    const line = () => {
      const at = peek().at;
      const points = list(position);
      if (points.length < 2) throw new Cql2Error('a line needs at least 2 positions', at);
      return `(${points.join(',')})`;
    };
    let body: string;
    if (word === 'POINT') body = `(${list(position).join(',')})`;
    else if (word === 'LINESTRING') body = line();
    else if (word === 'POLYGON') body = polygon();
    else if (word === 'MULTIPOINT') body = `(${list(() => { if (peek().type === 'punct' && peek().text === '(') { p++; const q = position(); expectPunct(')'); return `(${q})`; } return `(${position()})`; }).join(',')})`;
    else if (word === 'MULTILINESTRING') body = `(${list(line).join(',')})`;
    else body = `(${list(polygon).join(',')})`;
    if (word === 'POINT' && body.includes(',')) throw new Cql2Error('a POINT has one position', head.at);
    return { kind: 'geometry', wkt: `${word}${body}` };
  }
  function number(): number {
    const t = next();
    if (t.type !== 'number') { p--; fail('expected a number'); }
    return Number(t.text);
  }
  function checkLonLat(x: number, y: number) {
    if (!(x >= -180 && x <= 180 && y >= -90 && y <= 90)) throw new Cql2Error(`position ${x} ${y} outside longitude -180..180, latitude -90..90 (CRS84)`, tokens[p - 1].at);
  }

  const tree = orExpr();
  if (peek().type !== 'end') throw new Cql2Error(`unexpected trailing input ${JSON.stringify(input.slice(peek().at, peek().at + 30))}`, peek().at);
  return tree;
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}
function isTimestamp(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(text) && isDate(text.slice(0, 10)) && !Number.isNaN(new Date(text).getTime());
}

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
