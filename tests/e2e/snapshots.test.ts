/**
 * In a real Chromium, as the deputy of Vaucluse: a snapshot of Pertuis 2019-2025 created at
 * /instantanes and downloaded in the four formats (PDF read back with pdftotext, PNG drawn by the
 * browser at A4 300 dpi), on a wide screen and a phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import type { Database } from '../../server/database/connection.js';
import { ensureUser } from '../helpers/databases.js';
import { chooseMonth, openScenarioSite, screenshotDirectory, type ScenarioSite, signInByRequest } from '../helpers/browser.js';

let site: ScenarioSite;
let database: Database;
let url: string;
let browser: Browser;
const problems: string[] = [];

async function signedInPage(viewport: { width: number; height: number }): Promise<Page> {
  const username = await ensureUser(database.pool, 'deputy');
  // The deputy of Vaucluse's 5th constituency: Pertuis and its neighbours are its default area.
  await database.pool.query(`UPDATE users SET constituency_insee = '{84003,84026,84068,84089,84133}' WHERE username = $1`, [username]);
  const context = await browser.newContext({ viewport, locale: 'fr-FR', acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  await signInByRequest(page, url, username);
  return page;
}

async function download(page: Page, click: () => Promise<void>, name: string): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = `${screenshotDirectory}/${name}`;
  await file.saveAs(path);
  return readFileSync(path);
}

beforeAll(async () => {
  site = await openScenarioSite();
  ({ database, url, browser } = site);
}, 240_000);

afterAll(async () => site?.close());

describe('a deputy\'s snapshot of Pertuis', () => {
  let snapshotPath = '';

  it('is created at /instantanes and downloaded as PDF, PNG, CSV and GeoJSON', async () => {
    const page = await signedInPage({ width: 1440, height: 900 });
    await page.goto(`${url}/instantanes`);
    await page.waitForSelector('label:has-text("Ma circonscription (5 communes)")');
    await page.check('#kind-communes', { force: true });
    await page.fill('#snapshot-commune', 'Pertuis');
    await page.click('button:has-text("Pertuis (84089")');
    await chooseMonth(page, 'snapshot-from', '2019-01');
    await chooseMonth(page, 'snapshot-to', '2025-12');
    await page.screenshot({ path: `${screenshotDirectory}/instantanes-formulaire.png`, fullPage: true });
    await page.click('button:has-text("Créer l’instantané")');
    await page.waitForURL(/\/instantanes\/I-[0-9A-Z]{12}$/, { timeout: 60_000 });
    snapshotPath = new URL(page.url()).pathname;
    await page.waitForSelector('[data-testid="snapshot-canvas"][data-drawn="true"]');
    const hash = (await page.textContent('[data-testid="snapshot-hash"]'))!;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.textContent('h1')).toBe('Pertuis (84089)');
    await page.screenshot({ path: `${screenshotDirectory}/instantane-1440.png` });
    await page.screenshot({ path: `${screenshotDirectory}/instantane-1440-complet.png`, fullPage: true });

    const pdf = await download(page, () => page.click('a:has-text("PDF")'), 'instantane-pertuis.pdf');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    if (existsSync('/usr/bin/pdftotext')) {
      const text = execFileSync('pdftotext', ['-layout', `${screenshotDirectory}/instantane-pertuis.pdf`, '-'], { encoding: 'utf8' });
      expect(text).toContain('Pertuis');
      expect(text).toContain('janvier 2019 – décembre 2025');
      expect(text).toContain(hash);
      expect(text).toContain('< 5');
    }
    const png = await download(page, () => page.click('button:has-text("PNG")'), 'instantane-pertuis.png');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([2480, 3508]);
    const csv = await download(page, () => page.click('a:has-text("CSV")'), 'instantane-pertuis.csv');
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toContain(`;${hash};`);
    const geojson = JSON.parse((await download(page, () => page.click('a:has-text("GeoJSON")'), 'instantane-pertuis.geojson')).toString('utf8'));
    expect(geojson.sillage.sha256).toBe(hash);

    const { rows } = await database.pool.query<{ area: string }>(`SELECT area FROM audit_log WHERE action = 'export' AND area LIKE $1`, [`%${snapshotPath.split('/')[2]}%`]);
    expect(rows.map((r) => /format=(\w+)/.exec(r.area)?.[1]).sort()).toEqual(['csv', 'geojson', 'pdf', 'png']);
    await page.context().close();
  }, 120_000);

  it('reads on a phone (390 x 844)', async () => {
    const page = await signedInPage({ width: 390, height: 844 });
    await page.goto(`${url}${snapshotPath}`);
    await page.waitForSelector('[data-testid="snapshot-canvas"][data-drawn="true"]');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${screenshotDirectory}/instantane-390.png` });
    await page.screenshot({ path: `${screenshotDirectory}/instantane-390-complet.png`, fullPage: true });
    await page.context().close();
    copyFileSync(`${screenshotDirectory}/instantane-pertuis.png`, `${screenshotDirectory}/instantane-pertuis-a4.png`);
    expect(problems).toEqual([]);
  }, 60_000);
});

describe('the annual threat report', () => {
  it('is created by a deputy for France 2024 in its aggregated version', async () => {
    const page = await signedInPage({ width: 1440, height: 900 });
    await page.goto(`${url}/etat-de-la-menace`);
    await page.selectOption('#report-scope', 'france');
    await page.fill('#report-year', '2024');
    await page.click('button:has-text("Créer le rapport")');
    await page.waitForURL(/\/etat-de-la-menace\/R-[0-9A-Z]{12}$/, { timeout: 90_000 });
    await page.waitForSelector('[data-testid="report-hash"]');
    expect(await page.textContent('h1')).toBe('État de la menace 2024 — France entière');
    expect(await page.textContent('.fr-badge')).toBe('Version agrégée');
    await page.screenshot({ path: `${screenshotDirectory}/etat-de-la-menace-1440-complet.png`, fullPage: true });
    await page.context().close();
  }, 120_000);
});

describe('the public statistics page', () => {
  it('shows SSMSI charts, the map by department and active points per department, without a count of 1 to 4', async () => {
    for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
      const context = await browser.newContext({ viewport, locale: 'fr-FR' });
      const page = await context.newPage();
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${url}/`);
      await page.click('a:has-text("Statistiques publiques")');
      await page.waitForURL('**/statistiques');
      await page.waitForSelector('[data-testid="active-points-table"] tbody tr');
      await page.waitForSelector('[data-testid="statistics-map"][data-map-idle="true"]', { timeout: 30_000 });
      const cells = await page.locator('[data-testid="active-points-table"] tbody td:not(:first-child)').allTextContents();
      expect(cells.length).toBeGreaterThan(50);
      expect(cells.filter((c) => /^[1-4]$/.test(c.trim()))).toEqual([]);
      expect(cells).toContain('< 5');
      await page.screenshot({ path: `${screenshotDirectory}/statistiques-${viewport.width}.png` });
      await page.screenshot({ path: `${screenshotDirectory}/statistiques-${viewport.width}-complet.png`, fullPage: true });
      await context.close();
    }
    expect(problems).toEqual([]);
  }, 90_000);
});
