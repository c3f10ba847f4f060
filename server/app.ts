/**
 * buildApp: the whole HTTP application as a Fastify instance over an opened database.
 * server.ts only opens the database and listens; tests build the app and call inject().
 */
import Fastify, { type FastifyInstance, type FastifySchema, type FastifyServerOptions } from 'fastify';
import { Type } from 'typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Database, DatabaseVersions } from './database/connection.js';
import type { Config } from './config.js';
import { registerErrorHandler } from './plugins/error-handler.js';
import { healthRoutes } from './routes/health.js';
import { dealPointRoutes } from './routes/deal-points.js';
import { observationRoutes } from './routes/observations.js';
import { operationRoutes } from './routes/operations.js';
import { networkRoutes } from './routes/networks.js';
import { geographyRoutes } from './routes/geography.js';
import { tileRoutes } from './routes/tiles.js';
import { basemapRoutes } from './routes/basemap.js';
import { importRoutes } from './routes/imports.js';
import { exportRoutes } from './routes/exports.js';
import { webRoutes } from './routes/web.js';
import { statisticsRoutes } from './routes/statistics.js';
import { registerAccess } from './plugins/access.js';
import rateLimit from '@fastify/rate-limit';
import { authRoutes } from './routes/auth.js';
import { accessTokenRoutes } from './routes/access-tokens.js';
import { ogcRoutes } from './routes/ogc.js';
import { accountApprovalRoutes, adminRoutes } from './routes/admin.js';
import { moderationRoutes, publicReportRoutes } from './routes/public-reports.js';
import { aggregateRoutes, timeSeriesRoutes } from './routes/aggregates.js';
import { analysisRoutes } from './routes/analyses.js';
import { snapshotRoutes } from './routes/snapshots.js';
import { publicStatisticsRoutes } from './routes/public-statistics.js';
import { threatReportRoutes } from './routes/threat-reports.js';
import { sectorRoutes } from './routes/sectors.js';
import { rankingRoutes } from './routes/rankings.js';
import { actionPlanRoutes } from './routes/action-plans.js';
import { duplicateRoutes } from './routes/duplicates.js';
import { reliabilityRoutes } from './routes/reliability.js';
import { auditGroupRoutes } from './routes/audit-groups.js';
import helmet from '@fastify/helmet';
import compress from '@fastify/compress';
import { registerStrictInput } from './plugins/strict-input.js';
import { registerCancelOnDisconnect } from './plugins/cancel-on-disconnect.js';
import { registerReplica } from './plugins/replica.js';
import { registerResponseCheck } from './plugins/response-check.js';
import { documentedResponses } from './plugins/openapi-errors.js';
import { startJobRunner, type JobRunner } from './services/jobs.js';
import { runHotSpotJob } from './services/hot-spot-jobs.js';
import { postgresRateLimitStore, sharedSecret } from './services/shared-limits.js';
import { isCalendarDate, addDays, today, earliestEventDate, eventDateMarginDays, earliestQueryDate, latestQueryDate } from './domain/dates.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
    databaseVersions: DatabaseVersions;
    config: Config;
    /** Signs form tokens and keys stored client hashes: SILLAGE_SECRET, or one kept in the database. */
    sharedSecret: string;
    /** The job queues (pg-boss over PostgreSQL); this process works them too. */
    jobs: JobRunner;
  }
}

export interface AppOptions {
  database: Database;
  databaseVersions: DatabaseVersions;
  config: Config;
  logger?: FastifyServerOptions['logger'];
  /** Serve the built web client from dist/web (off in API tests). */
  serveWeb?: boolean;
  /** How often this process looks for queued jobs (seconds, at least 0.5). */
  jobPollingSeconds?: number;
  /** Tests: check every JSON answer against its declared response schema (a mismatch fails the request). */
  checkResponses?: boolean;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

// Bodies are validated strictly (a string is not a number); query strings and params are coerced.
// Query strings and params are coerced only after the strict-input hook has checked their text.
function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ allErrors: true, coerceTypes: coerce ? 'array' : false, useDefaults: true, removeAdditional: false, strict: false });
  addFormats(ajv);
  // Dates: real calendar dates in a plausible range; event dates not after today plus a margin.
  ajv.addFormat('date', { type: 'string', validate: (text: string) => isCalendarDate(text) && text >= earliestQueryDate && text <= latestQueryDate });
  ajv.addFormat('event-date', { type: 'string', validate: (text: string) => isCalendarDate(text) && text >= earliestEventDate && text <= addDays(today(), eventDateMarginDays) });
  return ajv;
}

/** The Content-Security-Policy origins an optional basemap template needs. */
function basemapOrigin(url: string | null): string[] {
  if (!url) return [];
  try { return [new URL(url.replace(/[{}]/g, '')).origin]; } catch { return []; }
}

/**
 * How a route appears in the OpenAPI document: an operationId derived from its method and path
 * when it names none (`getApiDealPointsId`), and file uploads (`consumes` with no body schema)
 * documented as a binary body of those media types, and the error answers where they apply
 * (plugins/openapi-errors.ts). Validation is unchanged.
 */
function documentRoute({ schema: declared, url, route }: { schema: FastifySchema; url: string; route: { method: string | string[]; config?: { access?: unknown; rateLimit?: unknown } } }) {
  const schema = declared as Record<string, unknown> | undefined;
  if (!schema || schema.hide) return { schema: declared, url };
  const method = [route.method].flat()[0].toLowerCase();
  const words = url.split(/[^A-Za-z0-9]+/).filter(Boolean).map((word) => word[0].toUpperCase() + word.slice(1));
  const documented: Record<string, unknown> = { ...schema, operationId: schema.operationId ?? `${method}${words.join('')}` };
  if (Array.isArray(schema.consumes) && !schema.body) documented.body = { type: 'string', format: 'binary', description: `The file itself as the body (${schema.consumes.join(', ')})` };
  documented.response = documentedResponses({ method, url, access: route.config?.access, rateLimited: Boolean(route.config?.rateLimit), schema: documented });
  return { schema: documented as FastifySchema, url };
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.config.bodyLimitBytes,
    // Behind a reverse proxy: request.ip (rate limits) is the client's, request.host and
    // request.protocol (links) the public ones (SILLAGE_TRUST_PROXY).
    trustProxy: options.config.trustProxy as boolean | string[], // a number of hops works too (Fastify's types omit it)
    ajv: { customOptions: { strict: false } },
    // Malformed URLs (invalid percent-encoding in a path) get the API's own 400.
    frameworkErrors: (error, _request, reply: import("fastify").FastifyReply) => {
      const status = (error as { statusCode?: number }).statusCode ?? 400;
      reply.status(status >= 400 && status < 500 ? status : 400).send({ error: 'bad_url', message: 'url: is not a valid URL (malformed percent-encoding?)', details: [{ field: 'url', reason: 'malformed' }] });
    },
  });
  const bodyAjv = makeAjv(false);
  const requestAjv = makeAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : requestAjv).compile(schema));

  app.decorate('db', options.database);
  app.decorate('databaseVersions', options.databaseVersions);
  app.decorate('config', options.config);
  const pool = options.database.pool;
  app.decorate('sharedSecret', await sharedSecret(pool, options.config.secret));
  const jobs = await startJobRunner(pool, {
    'emerging-hot-spots': (data, id, context) => runHotSpotJob(pool, id, data, context),
  }, { pollingSeconds: options.jobPollingSeconds, onError: (error) => app.log.error({ err: error }, 'job queue') });
  app.decorate('jobs', jobs);
  // Before the database closes (the caller closes it after the app): running jobs go back to the queue.
  app.addHook('onClose', async () => { await jobs.stop(); });
  registerCancelOnDisconnect(app);
  registerReplica(app);
  registerErrorHandler(app);
  const external = basemapOrigin(options.config.basemapUrl);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...external], fontSrc: ["'self'", 'data:'], connectSrc: ["'self'", ...external],
        workerSrc: ["'self'", 'blob:'], childSrc: ["'self'", 'blob:'], objectSrc: ["'none'"], baseUri: ["'self'"],
        formAction: ["'self'"], frameAncestors: ["'none'"], upgradeInsecureRequests: null,
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    hsts: options.config.secureCookies ? { maxAge: 31536000 } : false,
  });
  // gzip for JSON, GeoJSON, CSV and HTML answers over 1 KiB when the client accepts it (tiles and PDFs are left as they are).
  await app.register(compress, { global: true, threshold: 1024, encodings: ['gzip'] });
  registerStrictInput(app, ['text/csv', 'text/plain', 'application/geo+json'], options.config.importBodyLimitBytes);
  await registerAccess(app);
  if (options.checkResponses) registerResponseCheck(app, makeAjv(false));
  await app.register(rateLimit, {
    global: false, hook: 'preHandler',
    // Counters in PostgreSQL, shared by every server process.
    store: postgresRateLimitStore(pool, app.sharedSecret),
    errorResponseBuilder: (_request, context) => ({ statusCode: 429, code: 'rate_limited', message: `too many requests, retry in ${context.after}` }),
  });

  await app.register(swagger, {
    transform: documentRoute,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Sillage API',
        description: 'Unified map of drug deal points and their displacement. Places, never persons.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'sillage_session', description: 'Session cookie set by POST /api/auth/sign-in (writes also need x-csrf-token)' },
          accessToken: { type: 'http', scheme: 'bearer', description: 'Personal access token (read-only), created at /compte/jetons' },
          accessTokenBasic: { type: 'http', scheme: 'basic', description: 'HTTP Basic with your username and a personal access token as password (QGIS)' },
        },
      },
      tags: [
        { name: 'deal points' }, { name: 'observations' }, { name: 'operations' }, { name: 'networks' },
        { name: 'geography' }, { name: 'statistics' }, { name: 'tiles' }, { name: 'imports' }, { name: 'auth' },
        { name: 'aggregates' }, { name: 'public reports' }, { name: 'moderation' }, { name: 'admin' }, { name: 'system' }, { name: 'snapshots' }, { name: 'sectors' },
        { name: 'ogc', description: 'OGC API - Features (GIS clients)' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', {
    config: { access: 'public' },
    schema: {
      tags: ['system'], summary: 'This OpenAPI 3.1 document (every route of the API, with its rule of access)', operationId: 'openApiDocument',
      response: { 200: Type.Object({
        openapi: Type.String(), info: Type.Record(Type.String(), Type.Unknown()), paths: Type.Record(Type.String(), Type.Unknown()),
        components: Type.Record(Type.String(), Type.Unknown()), tags: Type.Array(Type.Record(Type.String(), Type.Unknown())),
      }, { additionalProperties: true, description: 'OpenAPI 3.1 document' }) },
    },
  }, async () => app.swagger() as never);

  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(accessTokenRoutes);
  await app.register(adminRoutes);
  await app.register(accountApprovalRoutes);
  await app.register(publicReportRoutes);
  await app.register(moderationRoutes);
  await app.register(aggregateRoutes);
  await app.register(timeSeriesRoutes);
  await app.register(analysisRoutes);
  await app.register(dealPointRoutes);
  await app.register(duplicateRoutes);
  await app.register(reliabilityRoutes);
  await app.register(auditGroupRoutes);
  await app.register(observationRoutes);
  await app.register(operationRoutes);
  await app.register(networkRoutes);
  await app.register(geographyRoutes);
  await app.register(tileRoutes);
  await app.register(basemapRoutes);
  await app.register(importRoutes);
  await app.register(exportRoutes);
  await app.register(statisticsRoutes);
  await app.register(snapshotRoutes);
  await app.register(publicStatisticsRoutes);
  await app.register(threatReportRoutes);
  await app.register(sectorRoutes);
  await app.register(rankingRoutes);
  await app.register(actionPlanRoutes);
  await app.register(ogcRoutes);
  if (options.serveWeb !== false) await app.register(webRoutes);
  return app;
}
