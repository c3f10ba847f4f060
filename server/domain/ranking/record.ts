/** A saved ranking's fingerprint (pure): SHA-256 of the canonical JSON of parameters, data vintage and result. */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so that the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function rankingHash(record: { parameters: unknown; data_vintage: unknown; result: unknown }): string {
  return createHash('sha256').update(canonicalJson({ parameters: record.parameters, data_vintage: record.data_vintage, result: record.result })).digest('hex');
}
