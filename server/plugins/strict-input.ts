/**
 * Strict input for every route, before validation: no type coercion of ids, versions or numbers in
 * the URL (`0x1f`, ` 1`, `1e3`, `+1`, `0984` are refused, not read as other records), no NUL byte,
 * no invalid UTF-8 or lone surrogate in a path, query, JSON body or imported file. Each refusal is
 * a 400 naming the field.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import sjson from 'secure-json-parse';
import { InvalidInputError } from '../errors.js';

const integerText = /^(0|-?[1-9][0-9]*)$/;
const numberText = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const booleanText = /^(true|false)$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing NUL bytes is the point
const nul = /\u0000/;
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a text is refused (NUL, lone surrogate), or null. */
export function textProblem(text: string): string | null {
  if (nul.test(text)) return 'contains a NUL byte';
  if (loneSurrogate.test(text)) return 'is not valid Unicode (lone surrogate)';
  return null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes bytes as UTF-8 or refuses them, naming the field (files in Latin-1 are the usual cause). */
export function decodeUtf8(bytes: Buffer, field: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new InvalidInputError([{ field, reason: 'is not valid UTF-8 text: save the file as UTF-8 (it looks like Latin-1 / Windows-1252)' }]);
  }
}

type JsonSchema = { type?: string | string[]; items?: JsonSchema; properties?: Record<string, JsonSchema>; anyOf?: JsonSchema[] };

function expectedType(schema: JsonSchema | undefined): string | null {
  if (!schema) return null;
  if (schema.type === 'array') return expectedType(schema.items);
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.type)) return schema.type.includes('string') ? 'string' : schema.type[0] ?? null;
  return null;
}

function checkUrlValues(values: unknown, schema: JsonSchema | undefined, part: 'querystring' | 'params'): void {
  if (!values || typeof values !== 'object') return;
  const problems = [];
  for (const [key, raw] of Object.entries(values as Record<string, unknown>)) {
    const field = `${part}.${key}`;
    for (const value of [raw].flat()) {
      if (typeof value !== 'string') continue;
      const problem = textProblem(value);
      if (problem) { problems.push({ field, reason: problem }); continue; }
      const type = expectedType(schema?.properties?.[key]);
      if (type === 'integer' && !integerText.test(value)) problems.push({ field, reason: `"${value.slice(0, 40)}" is not a whole number written in decimal digits` });
      else if (type === 'integer' && !Number.isSafeInteger(Number(value))) problems.push({ field, reason: 'is too large' });
      else if (type === 'number' && !numberText.test(value)) problems.push({ field, reason: `"${value.slice(0, 40)}" is not a decimal number` });
      else if (type === 'boolean' && !booleanText.test(value)) problems.push({ field, reason: 'must be true or false' });
    }
  }
  if (problems.length) throw new InvalidInputError(problems);
}

/** Deepest nesting accepted in a JSON body (GeoJSON MultiPolygons need 5). */
export const maxBodyDepth = 32;

function checkBody(value: unknown, path: string, problems: { field: string; reason: string }[], depth = 0): void {
  if (problems.length >= 20) return;
  if (depth > maxBodyDepth) { problems.push({ field: path, reason: `is nested more than ${maxBodyDepth} levels deep` }); return; }
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) problems.push({ field: path, reason: problem });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkBody(item, `${path}.${i}`, problems, depth + 1));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      if (keyProblem) problems.push({ field: path, reason: `a property name ${keyProblem}` });
      checkBody(item, `${path}.${key}`, problems, depth + 1);
    }
  }
}

/** Deepest bracket nesting of a JSON text (strings skipped), without parsing it. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) { if (++depth > deepest) deepest = depth; }
    else if (c === 125 || c === 93) depth--;
  }
  return deepest;
}

/** The query string's components must be valid percent-encoded UTF-8. */
function checkRawQuery(request: FastifyRequest): void {
  const url = request.raw.url ?? '';
  const at = url.indexOf('?');
  if (at < 0) return;
  for (const part of url.slice(at + 1).split('&')) {
    const [key, value = ''] = part.split('=');
    for (const component of [key, value]) {
      try {
        decodeURIComponent(component.replace(/\+/g, ' '));
      } catch {
        let name = key;
        try { name = decodeURIComponent(key); } catch { name = 'querystring'; }
        throw new InvalidInputError([{ field: `querystring.${name}`, reason: 'is not valid percent-encoded UTF-8' }]);
      }
    }
  }
}

export function registerStrictInput(app: FastifyInstance, importTypes: string[], importBodyLimit: number): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      const text = decodeUtf8(body as Buffer, 'body');
      if (nestingDepth(text) > maxBodyDepth) return done(new InvalidInputError([{ field: 'body', reason: `is nested more than ${maxBodyDepth} levels deep` }]));
      done(null, text.length === 0 ? undefined : sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (error) {
      if (error instanceof InvalidInputError) return done(error);
      done(new InvalidInputError([{ field: 'body', reason: `is not valid JSON: ${(error as Error).message.slice(0, 120)}` }]));
    }
  });
  // Imported files arrive as raw text; their importers parse them and report problems by line.
  for (const type of importTypes) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: importBodyLimit }, (_request, body, done) => {
      try {
        const text = decodeUtf8(body as Buffer, 'body');
        const nulAt = text.indexOf('\u0000');
        if (nulAt >= 0) {
          const line = text.slice(0, nulAt).split('\n').length;
          return done(new InvalidInputError([{ field: 'body', line, reason: 'contains a NUL byte: is it a binary file?' }]));
        }
        done(null, text);
      } catch (error) {
        done(error as Error);
      }
    });
  }

  app.addHook('onRequest', async (request) => checkRawQuery(request));

  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema as { querystring?: JsonSchema; params?: JsonSchema } | undefined;
    checkUrlValues(request.params, schema?.params, 'params');
    checkUrlValues(request.query, schema?.querystring, 'querystring');
    // A streamed import body (routes/imports.ts) is checked as it is read, by the importer.
    if (request.body !== undefined && typeof request.body !== 'string' && !(request.body instanceof Readable)) {
      const problems: { field: string; reason: string }[] = [];
      checkBody(request.body, 'body', problems);
      if (problems.length) throw new InvalidInputError(problems);
    }
  });
}
