import { isAllowed, preciseReaders } from '../domain/access.js';
import type { FastifyInstance } from 'fastify';
import { Health } from '../schemas/system.js';
import { migrationLevel, registryCounts } from '../services/system.js';

export async function healthRoutes(app: FastifyInstance) {
  app.get('/api/health', {
    config: { access: 'public' },
    schema: {
      tags: ['system'],
      summary: 'Database mode, versions and migration level, and the read replica\'s state and lag',
      response: {
        200: Health,
      },
    },
  }, async (request) => {
    const counts = await registryCounts(app.db.pool);
    const replica = app.db.mode === 'external' ? app.db.replica ?? null : null;
    return {
    status: 'ok' as const,
    database: {
      mode: app.db.mode,
      postgresql: app.databaseVersions.postgresql,
      postgis: app.databaseVersions.postgis,
      migration: await migrationLevel(app.db.pool),
      vector_tiles: app.databaseVersions.hasMvt ? 'PostGIS ST_AsMVT' : 'built in JS (PostGIS without protobuf)',
    },
    data: { real_deal_points: isAllowed(preciseReaders, request.principal) ? counts.real : null, synthetic_deal_points: counts.synthetic, synthetic: counts.synthetic > 0 },
    replica: replica ? await replica.health(app.db.pool) : { status: 'none' as const, lag_seconds: null, lag_bytes: null, serving_reads: false },
    map: { basemap_url: app.config.basemapUrl, basemap_pmtiles: app.config.basemapFile ? '/basemap.pmtiles' : null },
  };
  });
}
