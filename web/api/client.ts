/** Typed calls to the Sillage API. Errors carry the API's own message, never swallowed. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly details: { field: string; reason: string }[] = []) {
    super(message);
  }
}

import { frenchMessage } from './french-errors';
import type { Static } from 'typebox';
import type { CommuneList } from '../../server/schemas/geography';
import type { Health as HealthSchema } from '../../server/schemas/system';
import type { Me as MeSchema } from '../../server/schemas/accounts';

let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void { csrfToken = token; }
export function currentCsrfToken(): string | null { return csrfToken; }
/** The French message for an API error payload (for callers that use XMLHttpRequest, e.g. for upload progress). */
export function apiError(status: number, payload: { error?: string; message?: string; details?: { field: string; reason: string }[] } | null): ApiError {
  return new ApiError(status, frenchMessage(payload?.error, status, payload?.message ?? `erreur ${status}`, payload?.details ?? []), payload?.details ?? []);
}

export async function api<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (csrfToken && options.method && options.method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, { method: options.method ?? 'GET', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), credentials: 'same-origin' });
  const text = await response.text();
  const payload = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, frenchMessage(payload?.error, response.status, payload?.message ?? `erreur ${response.status}`, payload?.details ?? []), payload?.details ?? []);
  return payload as T;
}

/** Sends a file's text (CSV, GeoJSON) as the request body, with the same errors as api(). */
export async function apiText<T>(path: string, text: string, contentType: string): Promise<T> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, { method: 'POST', headers, body: text, credentials: 'same-origin' });
  const body = await response.text();
  const payload = body ? JSON.parse(body) : null;
  if (!response.ok) throw new ApiError(response.status, frenchMessage(payload?.error, response.status, payload?.message ?? `erreur ${response.status}`, payload?.details ?? []), payload?.details ?? []);
  return payload as T;
}

/** The health answer and the signed-in principal (the server's schemas: server/schemas/system.ts, accounts.ts). */
export type Health = Static<typeof HealthSchema>;
export type Me = Static<typeof MeSchema>;
/** A commune found by the search (the server's schema: server/schemas/geography.ts). */
export type CommuneHit = Static<typeof CommuneList>['items'][number];

export { roleLabels } from '../labels';
