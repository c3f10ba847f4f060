import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { migrationLevel } from '../migrations.js';

export async function healthRoutes(app: FastifyInstance) {
  app.get('/api/health', {
    schema: {
      tags: ['system'],
      summary: 'Database mode, versions and migration level',
      response: {
        200: Type.Object({
          status: Type.Literal('ok'),
          database: Type.Object({
            mode: Type.String(), postgresql: Type.String(), postgis: Type.String(),
            migration: Type.Union([Type.String(), Type.Null()]), vector_tiles: Type.String(),
          }),
        }),
      },
    },
  }, async () => ({
    status: 'ok' as const,
    database: {
      mode: app.db.mode,
      postgresql: app.databaseVersions.postgresql,
      postgis: app.databaseVersions.postgis,
      migration: await migrationLevel(app.db.pool),
      vector_tiles: app.databaseVersions.hasMvt ? 'PostGIS ST_AsMVT' : 'built in JS (PostGIS without protobuf)',
    },
  }));
}
