/** The public statistics page's own figures: active deal points per department and year, disclosure-controlled, never a location. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses } from '../schemas/common.js';
import { ActivePoints } from '../schemas/statistics.js';
import { suppressionThreshold } from '../domain/disclosure.js';
import { today } from '../domain/dates.js';
import { activePointsByDepartment } from '../services/public-statistics.js';

export async function publicStatisticsRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/statistics/active-points', {
    config: { access: 'public', replica: true },
    schema: {
      tags: ['statistics'],
      summary: `Active deal points per department in December of each complete year, for everyone: counts 1-4 as null ("< ${suppressionThreshold}"), others perturbed by -2..+2 (cell-key method); departments only, never a location`,
      response: {
        200: ActivePoints,
        ...errorResponses,
      },
    },
  }, async (request) => {
    const figures = await activePointsByDepartment(app.readPool(request), Number(today().slice(0, 4)) - 1);
    return { ...figures, suppressed_below: suppressionThreshold, as_of: 'décembre de chaque année', disclosure: 'départements entiers ; effectifs de 1 à 4 masqués (« < 5 »), autres perturbés de −2 à +2 ; aucune opération en cours' };
  });
}
