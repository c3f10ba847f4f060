/**
 * The annual threat report on the demo scenario: aggregated for a deputy (no count of 1-4, no
 * operation under way, readings without counts), precise for the CROSS of its department and
 * closed to others; the same PDF bytes when reopened; bad input refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeTestApp, openTestApp, signInAs, targets, type TestContext } from '../helpers/databases.js';
import { send, type TestSession } from '../helpers/requests.js';
import { loadPlantedScenario } from '../helpers/scenario-cache.js';

function publishedCounts(data: any): (number | null)[] {
  return [
    ...data.series.flatMap((s: any) => s.values), data.events.dismantled, data.events.reopened, data.events.appeared,
    ...data.size_classes.flatMap((s: any) => [s.january, s.december]), ...data.watch.towns.map((t: any) => t.active), data.reports.received, data.reports.accepted,
  ];
}

describe.each(targets())('annual threat reports on the %s database', (target) => {
  let context: TestContext;
  let deputy: TestSession;
  let analyst84: TestSession;
  let precise: any;

  beforeAll(async () => {
    context = await openTestApp(target);
    await loadPlantedScenario(context.database.pool);
    deputy = await signInAs(context, 'deputy');
    analyst84 = await signInAs(context, 'departmental_analyst', ['84']);
  }, 300_000);
  afterAll(async () => closeTestApp(context));

  it('gives a deputy the aggregated report for France 2024', async () => {
    const response = await send(context.app, 'POST', '/api/threat-reports', { scope: 'france', year: 2024 }, undefined, deputy);
    expect(response.status, JSON.stringify(response.body).slice(0, 300)).toBe(201);
    const report = response.body;
    expect(report.id).toMatch(/^R-/);
    expect(report.parameters.precision).toBe('aggregated');
    expect(report.data.months).toHaveLength(24);
    expect(report.data.operations.length).toBeGreaterThan(0);
    for (const o of report.data.operations) {
      expect(o.ended_on).not.toBeNull();
      expect([o.text, o.wdq, o.total_net_effect]).toEqual([null, null, null]);
    }
    expect(report.data.operations.find((o: any) => o.name.includes('Marseille')).reading).toBe('deplacement');
    expect(publishedCounts(report.data).filter((c) => c !== null && c > 0 && c < 5)).toEqual([]);
    expect(report.data.watch.resurgences).toBeNull();
    // Hot spots in brief at resolution 6, with no count from 1 to 4.
    expect(report.data.hot_spots).toContain('résolution 6');
    expect(report.data.hot_spots).toContain('Gi*');
    expect([...report.data.hot_spots.matchAll(/ : (\d+)/g)].map((m) => Number(m[1])).filter((n) => n > 0 && n < 5)).toEqual([]);
    expect(JSON.stringify(report)).not.toMatch(/"(longitude|latitude)"/);
  });

  it('gives the CROSS of Vaucluse the precise report of its department, closed to a deputy', async () => {
    const response = await send(context.app, 'POST', '/api/threat-reports', { scope: '84', year: 2024 }, undefined, analyst84);
    expect(response.status).toBe(201);
    precise = response.body;
    expect(precise.parameters.precision).toBe('precise');
    expect(precise.data.scope_label).toBe('Vaucluse (84)');
    expect(precise.data.hot_spots).toMatch(/résolution 7/);
    expect(precise.data.series[0].values.every((v: number | null) => v !== null)).toBe(true);
    expect((await send(context.app, 'GET', `/api/threat-reports/${precise.id}`, undefined, undefined, deputy)).status).toBe(404);
    expect((await send(context.app, 'GET', `/api/threat-reports/${precise.id}/pdf`, undefined, undefined, deputy)).status).toBe(404);
    expect((await send(context.app, 'GET', `/api/threat-reports/${precise.id}`, undefined, undefined, analyst84)).status).toBe(200);
    const outside = await send(context.app, 'POST', '/api/threat-reports', { scope: '13', year: 2024 }, undefined, analyst84);
    expect(outside.body.parameters.precision).toBe('aggregated');
  });

  it('writes the same stamped PDF each time it is opened', async () => {
    const get = () => context.app.inject({ method: 'GET', url: `/api/threat-reports/${precise.id}/pdf`, headers: { cookie: analyst84.cookie } });
    const [a, b] = [await get(), await get()];
    expect(a.statusCode).toBe(200);
    expect(a.rawPayload.equals(b.rawPayload)).toBe(true);
    if (!existsSync('/usr/bin/pdftotext')) return;
    const folder = mkdtempSync(join(tmpdir(), 'sillage-report-'));
    writeFileSync(join(folder, 'r.pdf'), a.rawPayload);
    const text = execFileSync('pdftotext', [join(folder, 'r.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('Vaucluse (84) — année 2024');
    expect(text).toContain(precise.sha256);
  });

  it('refuses bad input with 400 naming the field', async () => {
    for (const [body, field] of [[{ scope: 'france', year: 2999 }, 'body.year'], [{ scope: '99', year: 2024 }, 'body.scope'], [{ scope: 'france' }, 'body']] as const) {
      const response = await send(context.app, 'POST', '/api/threat-reports', body, undefined, deputy);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(response.body.details)).toContain(field);
    }
  });
});
