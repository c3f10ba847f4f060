/**
 * In a real Chromium: the CROSS of Vaucluse opens the watch, finds Marseille XXL (a Bouches-du-Rhône
 * operation) among the wakes reaching its department, and reads that wake in Vaucluse: Pertuis a
 * probable destination, the towns of other departments only as a total.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Database } from '../../server/database/connection.js';
import { ensureUser } from '../helpers/databases.js';
import { openScenarioSite, screenshotDirectory, type ScenarioSite, signInByRequest } from '../helpers/browser.js';

let site: ScenarioSite;
let database: Database;
let url: string;
let browser: Browser;
const problems: string[] = [];

beforeAll(async () => {
  site = await openScenarioSite();
  ({ database, url, browser } = site);
}, 240_000);
afterAll(async () => site?.close());

describe('the wake of another department’s operation', () => {
  for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
    it(`reaches the CROSS of Vaucluse through the watch (${viewport.width} px)`, async () => {
      const username = await ensureUser(database.pool, 'departmental_analyst', ['84']);
      const context = await browser.newContext({ viewport, locale: 'fr-FR' });
      const page = await context.newPage();
      page.on('pageerror', (error) => problems.push(error.message));
      await signInByRequest(page, url, username);
      await page.goto(`${url}/`);
      if (viewport.width < 600) await page.getByRole('button', { name: 'Commandes de la carte' }).click();
      await page.click('button:has-text("Veille des résurgences")');
      if (viewport.width < 600) await page.screenshot({ path: `${screenshotDirectory}/veille-telephone.png` });
      const link = page.locator('[data-testid="wakes-reaching"] a', { hasText: 'Marseille' }).first();
      await link.waitFor({ timeout: 60_000 });
      await link.click();
      await page.waitForURL(/\/operations\/\d+/);
      const card = page.locator('[data-testid="department-wake"]');
      await card.waitFor({ timeout: 60_000 });
      const text = (await card.textContent())!;
      expect(text).toContain('Pertuis');
      expect(await page.locator('[data-testid="destinations"] tr.sillage-flagged', { hasText: 'Pertuis' }).count()).toBe(1);
      expect(await page.locator('[data-testid="elsewhere"]').textContent()).toMatch(/Ailleurs : \d/);
      // Not the full analysis: no effect card, no error.
      expect(await page.locator('[data-testid="wdq-card"], [data-testid="reading"], [role="alert"]').count()).toBe(0);
      await page.screenshot({ path: `${screenshotDirectory}/sillage-departement-${viewport.width}.png`, fullPage: true });
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(viewport.width);
      await context.close();
    }, 180_000);
  }
  it('raised no page error', () => expect(problems).toEqual([]));
});
