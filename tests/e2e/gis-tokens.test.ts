/**
 * In a real Chromium: a CROSS analyst creates a personal access token at /compte/jetons, a GIS
 * client reads the OGC API with it, and revoking it in the page shuts that client out at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Database } from '../../server/database/connection.js';
import { ensureUser } from '../helpers/databases.js';
import { openScenarioSite, screenshotDirectory, type ScenarioSite, signInByRequest } from '../helpers/browser.js';

let site: ScenarioSite;
let database: Database;
let url: string;
let browser: Browser;
const problems: string[] = [];

async function signedInPage(viewport: { width: number; height: number }): Promise<Page> {
  const username = await ensureUser(database.pool, 'departmental_analyst', ['84']);
  const context = await browser.newContext({ viewport, locale: 'fr-FR' });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  await signInByRequest(page, url, username);
  await page.goto(`${url}/compte/jetons`);
  await page.waitForSelector('h1:has-text("Jetons d’accès")');
  return page;
}

beforeAll(async () => {
  site = await openScenarioSite();
  ({ database, url, browser } = site);
  await database.pool.query('DELETE FROM access_tokens');
}, 240_000);
afterAll(async () => site?.close());

describe('personal access tokens', () => {
  it('creates a token shown once, which a GIS client uses; revoking it shuts the client out', async () => {
    const page = await signedInPage({ width: 1440, height: 900 });
    await page.fill('#token-name', 'QGIS poste 12');
    await page.selectOption('#token-days', '30');
    await page.click('button:has-text("Créer le jeton")');
    const token = (await (await page.waitForSelector('[data-testid="new-token"] [data-testid="token-value"]')).textContent())!;
    expect(token).toMatch(/^sil_[A-Za-z0-9_-]{43}$/);
    await page.waitForSelector('[data-testid="token-list"] h3:has-text("QGIS poste 12")');
    await page.screenshot({ path: `${screenshotDirectory}/jetons.png`, fullPage: true });
    // The GIS client: HTTP Basic with the username and the token, as QGIS sends it.
    const basic = `Basic ${Buffer.from(`test.departmental_analyst.84:${token}`).toString('base64')}`;
    const read = await fetch(`${url}/ogc/collections/deal-points/items?limit=5`, { headers: { authorization: basic } });
    expect(read.status).toBe(200);
    const body = await read.json() as { features: { properties: { department_code: string } }[]; numberMatched: number };
    expect(body.features.every((f) => f.properties.department_code === '84')).toBe(true);
    // The list shows the use, never the secret again.
    await page.reload();
    await page.waitForSelector('[data-testid="token-list"]');
    expect(await page.textContent('body')).not.toContain(token);
    expect(await page.textContent('[data-testid="token-list"] li')).not.toContain('jamais');
    page.once('dialog', (dialog) => dialog.accept());
    await page.click('button:has-text("Révoquer")');
    await page.waitForSelector('[data-testid="token-list"] li:has-text("révoqué le")');
    const refused = await fetch(`${url}/ogc/collections/deal-points/items?limit=5`, { headers: { authorization: basic } });
    expect(refused.status).toBe(401);
    // The OGC API's plain HTML view, in the same browser session (the cookie opens it).
    await page.goto(`${url}/ogc/collections/deal-points/items?f=html&limit=8`);
    await page.waitForSelector('table');
    expect(await page.textContent('h1')).toMatch(/Points de deal : 8 sur \d+/);
    expect(await page.locator('tbody tr').count()).toBe(8);
    await page.screenshot({ path: `${screenshotDirectory}/ogc-html.png`, fullPage: true });
    await page.context().close();
  }, 60_000);

  it('works on a phone screen and by keyboard', async () => {
    const page = await signedInPage({ width: 390, height: 844 });
    await page.focus('#token-name');
    await page.keyboard.type('GDAL serveur');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="new-token"]');
    await page.screenshot({ path: `${screenshotDirectory}/jetons-mobile.png`, fullPage: true });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await page.context().close();
    expect(problems).toEqual([]);
  }, 60_000);
});
