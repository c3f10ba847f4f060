import type { FastifyInstance, InjectOptions } from 'fastify';

export interface JsonResponse<T = any> { status: number; body: T; headers: Record<string, unknown> }
export interface TestSession { cookie: string; csrf: string; username: string }

const defaultSessions = new WeakMap<FastifyInstance, TestSession>();
export function setDefaultSession(app: FastifyInstance, session: TestSession): void { defaultSessions.set(app, session); }

/**
 * Sends JSON (or raw text with a content type) through app.inject and parses the answer, with the
 * app's default session unless `as` says otherwise (`null`: signed out).
 */
export async function send<T = any>(
  app: FastifyInstance, method: InjectOptions['method'], url: string, body?: unknown, contentType?: string, as?: TestSession | null,
): Promise<JsonResponse<T>> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const session = as === undefined ? defaultSessions.get(app) : as;
  const headers: Record<string, string> = payload === undefined ? {} : { 'content-type': contentType ?? 'application/json' };
  if (session) { headers.cookie = session.cookie; headers['x-csrf-token'] = session.csrf; }
  const response = await app.inject({ method, url, payload, headers });
  let parsed: unknown = response.body;
  try { parsed = response.body ? JSON.parse(response.body) : null; } catch { /* not JSON */ }
  return { status: response.statusCode, body: parsed as T, headers: response.headers };
}

export const pertuis = { type: 'Point', coordinates: [5.5345, 43.6931] };
export const marseilleCentre = { type: 'Point', coordinates: [5.3806, 43.2803] };

export function dealPointBody(overrides: Record<string, unknown> = {}) {
  return {
    location: pertuis, source: 'gendarmerie', external_id: 'GN-84-001', products: ['cannabis_resine'],
    status_history: [{ status: 'active', effective_on: '2023-01-15' }],
    ...overrides,
  };
}

export function squareAround(longitude: number, latitude: number, halfSizeDegrees = 0.01) {
  const [w, s, e, n] = [longitude - halfSizeDegrees, latitude - halfSizeDegrees, longitude + halfSizeDegrees, latitude + halfSizeDegrees];
  return { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
}
