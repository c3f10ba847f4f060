/**
 * Every route x every role (and signed out): allowed or refused as the brief says. The table
 * below is written independently of the code; a route missing from it fails the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { dealPointBody, send, squareAround, type TestSession } from '../helpers/requests.js';
import type { Role } from '../../server/domain/access.js';

type Who = Role | 'signed_out';
const everyone: Who[] = ['signed_out', 'national_analyst', 'departmental_analyst', 'prefect', 'deputy', 'admin'];
const signedIn: Who[] = everyone.filter((w) => w !== 'signed_out');
const analysts: Who[] = ['national_analyst', 'departmental_analyst'];
const precise: Who[] = ['national_analyst', 'departmental_analyst', 'prefect'];
const aggregated: Who[] = [...precise, 'deputy'];
// The prefect's desk: prefects and OFAST write, CROSS analysts read their departments.
const deskWriters: Who[] = ['national_analyst', 'prefect'];

const expected: Record<string, Who[]> = {
  'GET /api/health': everyone,
  'GET /api/openapi.json': everyone,
  'POST /api/auth/sign-in': everyone,
  'POST /api/auth/sign-out': signedIn,
  'GET /api/auth/me': everyone,
  'GET /api/admin/users': ['admin'],
  'POST /api/admin/users': ['admin'],
  'PATCH /api/admin/users/:id': ['admin'],
  'POST /api/admin/users/:id/activation': ['admin'],
  'POST /api/auth/activate': everyone,
  'GET /api/accounts/pending': ['national_analyst', 'departmental_analyst'],
  'POST /api/accounts/:id/approve': ['national_analyst', 'departmental_analyst'],
  'GET /api/admin/audit': ['admin'],
  'GET /api/public/form-token': everyone,
  'POST /api/public/reports': everyone,
  'GET /api/moderation/reports': analysts,
  'POST /api/moderation/reports/:id/accept': analysts,
  'POST /api/moderation/reports/:id/merge': analysts,
  'POST /api/moderation/reports/:id/reject': analysts,
  'GET /api/aggregates/deal-points': aggregated,
  'GET /api/aggregates/deal-points/cube': aggregated,
  'GET /api/aggregates/deal-points/series': aggregated,
  'GET /api/deal-points': precise,
  'GET /api/deal-points/:id': precise,
  'POST /api/deal-points': analysts,
  'PATCH /api/deal-points/:id': analysts,
  'POST /api/deal-points/:id/status-changes': analysts,
  'DELETE /api/deal-points/:id': analysts,
  'GET /api/observations': precise,
  'GET /api/observations/:id': precise,
  'POST /api/observations': analysts,
  'PATCH /api/observations/:id': analysts,
  'DELETE /api/observations/:id': analysts,
  'GET /api/operations': aggregated,
  'GET /api/operations/:id': aggregated,
  'POST /api/operations': analysts,
  'PATCH /api/operations/:id': analysts,
  'DELETE /api/operations/:id': analysts,
  'GET /api/networks': precise,
  'GET /api/networks/:id': precise,
  'POST /api/networks': analysts,
  'PATCH /api/networks/:id': analysts,
  'DELETE /api/networks/:id': analysts,
  'GET /api/communes': everyone,
  'GET /api/communes/:insee': everyone,
  'GET /api/communes/union': everyone,
  'GET /api/departments': everyone,
  'GET /api/departments/outlines': everyone,
  'GET /api/communes/at': everyone,
  'GET /api/departments/:code': everyone,
  'GET /api/size-classes': everyone,
  'GET /api/services': everyone,
  'GET /tiles/deal-points/:z/:x/:y.mvt': precise,
  'GET /tiles/communes/:z/:x/:y.mvt': everyone,
  'GET /tiles/deal-points.json': precise,
  'GET /tiles/communes.json': everyone,
  'GET /api/analyses/operations/:id': precise,
  'GET /api/analyses/operations/:id/effect': precise,
  'GET /api/analyses/operations/:id/wake': precise,
  'GET /api/analyses/operations/:id/department-wake': precise,
  'GET /api/analyses/department-wakes': precise,
  'GET /api/analyses/size-class-shift': precise,
  'GET /api/analyses/watchlist': precise,
  'POST /api/analyses/emerging-hot-spots': precise,
  'GET /api/analyses/jobs/:id': precise,
  'POST /api/imports': analysts,
  'POST /api/imports/preview': analysts,
  'GET /api/imports': analysts,
  'GET /api/imports/progress/:id': everyone,
  'GET /api/exports/deal-points.csv': precise,
  'GET /api/exports/deal-points.geojson': precise,
  'GET /api/exports/deal-points.gpkg': precise,
  // The operations list's exports: whoever sees the list (deputies: ended operations only).
  'GET /api/exports/operations.csv': aggregated,
  'GET /api/exports/operations.geojson': aggregated,
  'GET /api/statistics/indicators': everyone,
  'GET /api/statistics/departments': everyone,
  'GET /api/statistics/communes': everyone,
  'GET /api/statistics/national': everyone,
  'POST /api/statistics/imports': ['national_analyst'],
  'GET /api/statistics/active-points': everyone,
  'POST /api/snapshots': aggregated,
  'GET /api/snapshots': aggregated,
  'GET /api/snapshots/defaults': aggregated,
  'GET /api/snapshots/:id': aggregated,
  'GET /api/snapshots/:id/files/:format': aggregated,
  'POST /api/snapshots/:id/downloads': aggregated,
  'PUT /api/admin/users/:id/constituency': ['admin'],
  'POST /api/threat-reports': aggregated,
  'GET /api/threat-reports': aggregated,
  'GET /api/threat-reports/:id': aggregated,
  'GET /api/threat-reports/:id/pdf': aggregated,
  'GET /api/sectors/criteria': precise,
  'GET /api/sectors': precise,
  'GET /api/sectors/trend': precise,
  'POST /api/sectors/indicator-imports': deskWriters,
  'POST /api/sectors/criterion-4': deskWriters,
  'GET /api/sectors/indicator-values': precise,
  'POST /api/sectors/areas': deskWriters,
  'POST /api/schools/imports': deskWriters,
  'GET /api/schools': precise,
  'POST /api/sectors/ranking': precise,
  'POST /api/sectors/rankings': deskWriters,
  'GET /api/sectors/rankings': precise,
  'GET /api/sectors/rankings/:id': precise,
  'GET /api/sectors/rankings/:id/compare/:other': precise,
  'GET /api/sectors/rankings/:id/export.csv': precise,
  'GET /api/sectors/rankings/:id/export.pdf': precise,
  'POST /api/action-plans': deskWriters,
  'GET /api/action-plans': precise,
  'GET /api/action-plans/:id': precise,
  'GET /api/action-plans/:id/review': precise,
  'POST /api/action-plans/:id/reviews': deskWriters,
  // Registry (issue 16): duplicates across sources are the analysts' work.
  'GET /api/duplicates': analysts,
  'GET /api/duplicates/pair': analysts,
  'POST /api/duplicates/merge': analysts,
  'POST /api/duplicates/distinct': analysts,
  'GET /api/duplicates/merges': analysts,
  'POST /api/duplicates/merges/:id/undo': analysts,
  'GET /api/registry/reliability': analysts,
  'GET /api/public/reports/:receipt': everyone,
  'GET /api/moderation/reasons': analysts,
  'POST /api/moderation/reports/:id/undo': analysts,
  'GET /api/moderation/reports/:id/history': analysts,
  'GET /api/moderation/reports/:id/surroundings': analysts,
  'POST /api/moderation/candidates/:id/confirm': analysts,
  'GET /api/moderation/candidates': analysts,
  'POST /api/moderation/candidates/:id/discard': analysts,
  'GET /api/admin/audit/grouped': ['admin'],
  // Personal access tokens (GIS clients): every account manages its own.
  'POST /api/auth/tokens': signedIn,
  'GET /api/auth/tokens': signedIn,
  'DELETE /api/auth/tokens/:id': signedIn,
  // OGC API - Features: the same rules as the REST reads; aggregated roles never see points.
  'GET /ogc': everyone,
  'GET /ogc/api': everyone,
  'GET /ogc/conformance': everyone,
  'GET /ogc/collections': everyone,
  ...Object.fromEntries(([['deal-points', precise], ['operations', aggregated], ['h3-cells', aggregated], ['communes', everyone], ['departments', everyone]] as [string, Who[]][])
    .flatMap(([id, who]) => ['', '/queryables', '/items', '/items/:fid'].map((tail) => [`GET /ogc/collections/${id}${tail}`, who]))),
};

describe.each(targets())('access matrix on the %s database', (target) => {
  let context: TestContext;
  const sessions = new Map<Who, TestSession | null>();
  let ids: { point: number; observation: number; operation: number; network: number };

  beforeAll(async () => {
    context = await openTestApp(target);
    sessions.set('signed_out', null);
    for (const role of signedIn as Role[]) {
      sessions.set(role, await signInAs(context, role, role === 'departmental_analyst' || role === 'prefect' ? ['84'] : []));
    }
    const network = await send(context.app, 'POST', '/api/networks', { name: 'Réseau test' });
    const point = await send(context.app, 'POST', '/api/deal-points', dealPointBody({ network_id: network.body.id }));
    const observation = await send(context.app, 'POST', '/api/observations', { deal_point_id: point.body.id, observed_on: '2024-01-01', activity_level: 2, source: 'gendarmerie' });
    const operation = await send(context.app, 'POST', '/api/operations', { name: 'Op', kind: 'place_nette', started_on: '2024-01-01', ended_on: '2024-01-02', target: squareAround(5.5345, 43.6931) });
    ids = { point: point.body.id, observation: observation.body.id, operation: operation.body.id, network: network.body.id };
  });
  afterAll(async () => closeTestApp(context));

  it('has a rule for every route, and the table covers every route', () => {
    const routes = [...context.app.routeAccess.keys()]
      .filter((key) => /^[A-Z]+ \/(api\/|tiles\/|ogc(\/|$))/.test(key) && !key.includes('/api/docs') && !key.startsWith('HEAD '));
    expect(routes.filter((key) => !(key in expected))).toEqual([]);
    expect(Object.keys(expected).filter((key) => !routes.includes(key))).toEqual([]);
  });

  const sample = (key: string) => {
    const [method, path] = key.split(' ');
    const url = path
      .replace('/api/deal-points/:id', () => `/api/deal-points/${ids.point}`)
      .replace('/api/observations/:id', () => `/api/observations/${ids.observation}`)
      .replace('/api/operations/:id', () => `/api/operations/${ids.operation}`)
      .replace('/api/analyses/operations/:id', () => `/api/analyses/operations/${ids.operation}`)
      .replace('/api/analyses/jobs/:id', '/api/analyses/jobs/00000000-0000-4000-8000-000000000000')
      .replace('/api/networks/:id', () => `/api/networks/${ids.network}`)
      .replace('/ogc/collections/deal-points/items/:fid', () => `/ogc/collections/deal-points/items/${ids.point}`)
      .replace('/ogc/collections/operations/items/:fid', () => `/ogc/collections/operations/items/${ids.operation}`)
      .replace('/ogc/collections/h3-cells/items/:fid', '/ogc/collections/h3-cells/items/873968b26ffffff').replace('/ogc/collections/communes/items/:fid', '/ogc/collections/communes/items/84089')
      .replace('/ogc/collections/departments/items/:fid', '/ogc/collections/departments/items/84')
      .replace(':format', 'pdf').replace(':other', '999998').replace(':insee', '84089').replace(':code', '84').replace(':z/:x/:y.mvt', '9/263/186.mvt').replace(':id', '999999');
    const query = key === 'GET /api/aggregates/deal-points' ? '?group=department'
      : key === 'GET /api/aggregates/deal-points/cube' ? '?resolution=7&from=2024-01&to=2024-02'
      : key === 'GET /api/aggregates/deal-points/series' ? '?from=2024-01&to=2024-02'
      : key === 'GET /api/analyses/size-class-shift' ? '?region=93&month=2024-03' : key === 'POST /api/statistics/imports' ? '?level=departments'
      : key === 'GET /api/communes/at' ? '?longitude=5.5345&latitude=43.6931' : key === 'GET /api/communes/union' ? '?insee=84089&insee=84087'
      : ['GET /api/sectors', 'GET /api/sectors/indicator-values', 'GET /api/schools', 'GET /api/analyses/department-wakes', 'GET /api/analyses/operations/:id/department-wake'].includes(key) ? '?department=84'
      : key === 'GET /api/sectors/trend' ? '?department=84&code=84089' : key === 'GET /api/action-plans/:id/review' ? '?semester=2025-S2'
      : key.startsWith('GET /api/statistics/') && !key.endsWith('indicators') ? '?year=2024&indicator=trafic_de_stupefiants' : '';
    // Bodies are deliberately incomplete: access is decided before validation.
    return { method: method as 'GET', url: url + query, body: method === 'GET' || method === 'DELETE' ? undefined : {} };
  };

  // A personal access token opens exactly what its owner's session opens (reads only).
  const tokens = new Map<Who, string>();
  for (const key of Object.keys(expected).filter((k) => k.startsWith('GET '))) {
    it(`${key} with each role's access token: as with its session`, async () => {
      for (const who of signedIn) {
        if (!tokens.has(who)) tokens.set(who, (await send(context.app, 'POST', '/api/auth/tokens', { name: 'matrice' }, undefined, sessions.get(who)!)).body.token);
        const { url } = sample(key);
        const response = await context.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens.get(who)}` } });
        const code = response.statusCode < 300 || !response.body.startsWith('{') ? null : JSON.parse(response.body).error;
        if (expected[key].includes(who)) {
          expect(['unauthenticated', 'forbidden', 'bad_token'], `${who}: ${response.statusCode} ${response.body.slice(0, 200)}`).not.toContain(code);
          expect(response.statusCode, who).toBeLessThan(500);
        } else {
          expect(response.statusCode, who).toBe(403);
          expect(code, who).toBe('forbidden');
        }
      }
    });
  }

  for (const key of Object.keys(expected)) {
    for (const who of everyone) {
      const allowed = expected[key].includes(who);
      it(`${key} as ${who}: ${allowed ? 'allowed' : 'refused'}`, async () => {
        const { method, url, body } = sample(key);
        // Signing out ends the session: use a throwaway one for that route.
        const session = key === 'POST /api/auth/sign-out' && who !== 'signed_out'
          ? await signInAs(context, who, who === 'departmental_analyst' || who === 'prefect' ? ['84'] : []) : sessions.get(who)!;
        const response = await send(context.app, method, url, body, undefined, session);
        const code = response.body?.error;
        if (allowed) {
          expect(['unauthenticated', 'forbidden', 'csrf'], `${response.status} ${JSON.stringify(response.body)}`).not.toContain(code);
          expect(response.status, `${response.status} ${JSON.stringify(response.body)}`).toBeLessThan(500);
        } else {
          expect(response.status).toBe(who === 'signed_out' ? 401 : 403);
          expect(code).toBe(who === 'signed_out' ? 'unauthenticated' : 'forbidden');
        }
      });
    }
  }
});
