/**
 * The public active-point figures (/api/statistics/active-points) are kept between calls
 * (services/kept-answers.ts) and computed again when the data changes, beside the API too, and
 * when an operation under way ends (its dismantlings are hidden from the public until then).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestApp, openTestApp, targets, type TestContext } from '../helpers/databases.js';
import { dealPointBody, send, squareAround } from '../helpers/requests.js';

describe.each(targets())('public active points on the %s database', (target) => {
  let context: TestContext;
  beforeAll(async () => { context = await openTestApp(target); });
  afterAll(async () => closeTestApp(context));

  /** Vaucluse's published count in December 2023 (perturbed by -2..+2, null below 5). */
  const vaucluse2023 = async () => {
    const response = await send(context.app, 'GET', '/api/statistics/active-points', undefined, undefined, null);
    expect(response.status).toBe(200);
    return response.body.departments.find((d: { code: string }) => d.code === '84').counts[response.body.years.indexOf(2023)] as number | null;
  };
  const create = async (n: number, from: number, history: (i: number) => object[]) => {
    const ids: number[] = [];
    for (let i = from; i < from + n; i += 1) {
      const created = await send(context.app, 'POST', '/api/deal-points', dealPointBody({
        external_id: `PUB-${i}`, location: { type: 'Point', coordinates: [5.50 + i * 0.0005, 43.69] }, status_history: history(i),
      }));
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      ids.push(created.body.id);
    }
    return ids;
  };

  it('follows the data and the end of an operation under way', async () => {
    await create(10, 0, () => [{ status: 'active', effective_on: '2023-01-15' }]);
    const ten = await vaucluse2023();
    expect(ten).toBeGreaterThanOrEqual(8);
    expect(ten).toBeLessThanOrEqual(12);
    expect(await vaucluse2023()).toBe(ten); // kept: the same figure

    // An operation under way dismantles 10 more points in June: hidden from the public while it runs.
    const operation = await send(context.app, 'POST', '/api/operations', { name: 'Op publique', kind: 'place_nette', started_on: '2023-06-01', target: squareAround(5.5, 43.69) });
    expect(operation.status).toBe(201);
    await create(10, 10, () => [{ status: 'active', effective_on: '2023-01-15' }, { status: 'dismantled', effective_on: '2023-06-02', operation_id: operation.body.id }]);
    const twenty = await vaucluse2023();
    expect(twenty).toBeGreaterThanOrEqual(18);
    expect(twenty).toBeLessThanOrEqual(22);

    // Once ended, its dismantlings show: the 10 are no longer active in December.
    expect((await send(context.app, 'PATCH', `/api/operations/${operation.body.id}`, { version: 1, ended_on: '2023-06-30' })).status).toBe(200);
    const ended = await vaucluse2023();
    expect(ended).toBeGreaterThanOrEqual(8);
    expect(ended).toBeLessThanOrEqual(12);

    // A change made beside the API (psql, a command-line import) is seen too.
    await context.database.pool.query(`DELETE FROM deal_points WHERE external_id LIKE 'PUB-%' AND external_id <> 'PUB-0'`);
    expect(await vaucluse2023()).toBeNull(); // one point left: "< 5"
  });
});
