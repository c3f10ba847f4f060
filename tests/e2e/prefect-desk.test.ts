/**
 * The prefect's desk in a real Chromium, as the prefect of Vaucluse on the demo scenario:
 * Vaucluse's communes ranked with Pertuis and Avignon broken down; moving a weight changes the
 * order exactly as the API ranks it; the rank-interval chart renders; a ranking is saved, a plan
 * is created from it and reviewed for a semester. Screenshots at 1440x900 and 390x844.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Database } from '../../server/database/connection.js';
import { ensureUser } from '../helpers/databases.js';
import { openScenarioSite, screenshotDirectory, signInByRequest, type ScenarioSite } from '../helpers/browser.js';

let site: ScenarioSite;
let database: Database;
let url: string;
let browser: Browser;
const problems: string[] = [];
const pertuis = '84089';
const avignon = '84007';

async function prefectPage(path: string, viewport = { width: 1440, height: 900 }): Promise<Page> {
  const username = await ensureUser(database.pool, 'prefect', ['84']);
  const page = await browser.newPage({ viewport, locale: 'fr-FR' });
  page.on('pageerror', (error) => problems.push(`${path}: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`${path}: ${message.text()}`); });
  await signInByRequest(page, url, username);
  await page.goto(url + path);
  return page;
}

async function ranked(page: Page): Promise<void> {
  await page.waitForFunction(() => /secteurs classés/.test(document.querySelector('[data-testid="ranking-status"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
}
const tableOrder = (page: Page) => page.$$eval('[data-testid="ranking-table"] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-code')));
const apiOrder = (page: Page, body: unknown) => page.evaluate(async (b) => {
  const csrf = (await (await fetch('/api/auth/me')).json()).csrf_token;
  const response = await fetch('/api/sectors/ranking', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(b) });
  return ((await response.json()).result.ranked as { code: string }[]).map((s) => s.code);
}, body);

beforeAll(async () => {
  site = await openScenarioSite();
  ({ database, url, browser } = site);
  await database.pool.query('TRUNCATE action_plan_reviews, action_plan_sectors, action_plans, sector_rankings, prefecture_indicator_values, sector_areas, schools RESTART IDENTITY CASCADE');
}, 240_000);
afterAll(async () => site?.close());

describe('the prefect\'s desk', () => {
  let savedId = 0;

  it('ranks Vaucluse\'s communes and breaks down Pertuis and Avignon', async () => {
    const page = await prefectPage('/secteurs');
    await ranked(page);
    const order = await tableOrder(page);
    expect(order).toContain(pertuis);
    expect(order).toContain(avignon);
    const date = await page.inputValue('#at');
    expect(order).toEqual(await apiOrder(page, { department: '84', kind: 'commune', at: date, normalisation: 'min_max', aggregation: 'arithmetic', min_active_points: 1, monte_carlo: { draws: 1000, seed: 20250212 }, weights: { 1: 1, 2: 1, 3: 0, 4: 0 } }));
    await expect(page.textContent('[data-testid="no-data-4"]')).resolves.toContain('jamais calculé');
    for (const code of [pertuis, avignon]) {
      await page.click(`[data-testid="ranking-table"] tr[data-code="${code}"] button`);
      await page.waitForSelector(`[data-testid="sector-breakdown"][aria-label*="${code === pertuis ? 'Pertuis' : 'Avignon'}"]`);
      const rank = order.indexOf(code);
      await expect(page.textContent('[data-testid="sector-rank"]')).resolves.toContain(`Rang ${(await page.textContent(`[data-testid="ranking-table"] tr[data-code="${code}"] td`))!.trim()}`);
      expect(rank).toBeGreaterThanOrEqual(0);
      expect(await page.$$eval('[data-testid="criteria-breakdown"] tbody tr', (rows) => rows.length)).toBe(4);
      const activePoints = await page.textContent('[data-testid="indicator-breakdown"] tr[data-code="active_points"] td:nth-child(2)');
      expect(Number(activePoints)).toBeGreaterThan(0);
      await page.waitForSelector('[data-testid="sector-breakdown"] canvas');
      if (code === pertuis) await page.screenshot({ path: `${screenshotDirectory}/secteurs-pertuis-1440.png`, fullPage: false });
    }
  });

  it('draws the rank-interval chart and the sector map', async () => {
    const page = await prefectPage('/secteurs');
    await ranked(page);
    const intervals = await page.$$('[data-testid="rank-interval"]');
    expect(intervals.length).toBe(Math.min(25, (await tableOrder(page)).length));
    expect(await page.$$eval('[data-testid="rank-interval"] line', (lines) => lines.filter((l) => Number(l.getAttribute('x2')) >= Number(l.getAttribute('x1'))).length)).toBe(intervals.length);
    await page.waitForFunction(() => (window as unknown as { document: Document }).document.querySelector('[data-testid="sector-map"] canvas') !== null);
  });

  it('changes the order when a weight moves, as the API ranks it', async () => {
    const page = await prefectPage('/secteurs');
    await ranked(page);
    const before = await tableOrder(page);
    await page.fill('#weight-2', '0');
    await page.waitForFunction(() => document.querySelector('[data-testid="weight-value-2"]')?.textContent === '0');
    await page.waitForFunction((previous) => {
      const rows = [...document.querySelectorAll('[data-testid="ranking-table"] tbody tr')].map((r) => r.getAttribute('data-code')).join(',');
      return rows !== previous && !/Calcul/.test(document.querySelector('[data-testid="ranking-status"]')?.textContent ?? '');
    }, before.join(','), { timeout: 30_000 });
    const after = await tableOrder(page);
    expect(after).not.toEqual(before);
    const date = await page.inputValue('#at');
    expect(after).toEqual(await apiOrder(page, { department: '84', kind: 'commune', at: date, normalisation: 'min_max', aggregation: 'arithmetic', min_active_points: 1, monte_carlo: { draws: 1000, seed: 20250212 }, weights: { 1: 1, 2: 0, 3: 0, 4: 0 } }));
    // Saving records the ranking shown (immutable, with its hash).
    await page.fill('#ranking-title', 'Classement test e2e');
    await page.click('text=Enregistrer (daté, non modifiable)');
    await page.waitForSelector('text=/enregistré — empreinte SHA-256/');
    savedId = Number((await page.textContent('[data-testid="saved-ranking"] td'))!.trim());
    expect(savedId).toBeGreaterThan(0);
  });

  it('draws a sector on the map and gets it back from the API as the prefecture\'s area', async () => {
    const page = await prefectPage('/secteurs');
    const map = page.locator('form[aria-label="Dessiner une zone"] [data-testid="draw-map"]');
    await map.scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    const box = (await map.boundingBox())!;
    // A square around the map's centre (Pertuis, zoom 9): four clicks.
    for (const [dx, dy] of [[-40, -40], [40, -40], [40, 40], [-40, 40]]) await page.mouse.click(box.x + box.width / 2 + dx, box.y + box.height / 2 + dy);
    await page.waitForSelector('form[aria-label="Dessiner une zone"] >> text=4 sommets');
    await page.fill('#drawn-code', 'ZONE-E2E');
    await page.fill('#drawn-name', 'Centre de Pertuis (dessiné)');
    await page.click('button:has-text("Enregistrer la zone")');
    await page.waitForSelector('text=1 zone enregistrée');
    const sectors = await page.evaluate(async () => (await fetch('/api/sectors?department=84&kind=area')).json());
    expect(JSON.stringify(sectors)).toContain('ZONE-E2E');
  });

  it('creates an action plan from the saved ranking and reviews a semester', async () => {
    const page = await prefectPage(`/plan-d-action?classement=${savedId}`);
    await page.waitForSelector('[data-testid="new-plan"]');
    if (!(await page.isChecked(`#choose-${pertuis}`))) await page.click(`label[for="choose-${pertuis}"]`);
    await page.fill(`#objective-${pertuis}`, 'Reprendre les halls du centre ancien');
    await page.fill(`#target-${pertuis}-active_points`, '1');
    await page.fill('#first-semester', '2025-S1');
    await page.click('button:has-text("Créer le plan")');
    await page.waitForSelector('[data-testid="plan-title"]');
    await page.selectOption('#semester', '2025-S2');
    await page.waitForSelector(`[data-testid="review-sector"][data-code="${pertuis}"]`);
    const status = await page.getAttribute(`[data-testid="review-sector"][data-code="${pertuis}"] tr[data-indicator="active_points"] [data-status]`, 'data-status');
    const measured = Number(await page.textContent(`[data-testid="review-sector"][data-code="${pertuis}"] tr[data-indicator="active_points"] td:nth-child(2)`));
    expect(status).toBe(measured <= 1 ? 'met' : 'not_met');
    await page.fill('#review-note', 'Revue du comité départemental.');
    await page.click('button:has-text("Enregistrer la revue 2025-S2")');
    await page.waitForSelector('[data-testid="saved-reviews"] >> text=Revue du comité départemental.');
    await page.screenshot({ path: `${screenshotDirectory}/plan-d-action-1440.png`, fullPage: true });
    const phone = await prefectPage(page.url().replace(url, ''), { width: 390, height: 844 });
    await phone.waitForSelector('[data-testid="review-sector"]');
    await phone.screenshot({ path: `${screenshotDirectory}/plan-d-action-390.png` });
    const desk = await prefectPage('/secteurs', { width: 390, height: 844 });
    await ranked(desk);
    await desk.screenshot({ path: `${screenshotDirectory}/secteurs-390.png` });
    expect(problems).toEqual([]);
  });
});
