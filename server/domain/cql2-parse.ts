/**
 * CQL2 text (OGC 21-065r2) to a tree: tokens, then recursive descent with positions for every
 * problem, bounded length and depth. The tree's types and the SQL compiler are in cql2.ts.
 */
import { Cql2Error, type Node, type Scalar, type Literal } from './cql2.js';

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
