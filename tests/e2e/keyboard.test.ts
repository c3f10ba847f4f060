/**
 * Keyboard-only walks of the main tasks (issue 19) in a real Chromium: sign in, find Pertuis, play
 * the months, open a cell's panel through the list of visible hexagons, then, signed out, place a
 * public report's pin without a mouse and send it. Only Tab, Shift+Tab, Enter, Space, arrows and
 * typed text: no click, no fill. Then the screens this issue changed, at 1440x900 and 390x844:
 * the French month picker, the lists, the operation page's options kept in its URL and restored
 * on reload, the watch dated by the data and the deputy's honest headline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Database } from '../../server/database/connection.js';
import { ensureUser, testPassword } from '../helpers/databases.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streetTile, writePmtiles } from '../helpers/pmtiles.js';
import { chooseMonth, monthValue, openScenarioSite, screenshotDirectory, signInByRequest, type ScenarioSite } from '../helpers/browser.js';

let site: ScenarioSite;
let database: Database;
let url: string;
let browser: Browser;

async function newPage(width = 1440, height = 900): Promise<Page> {
  return (await browser.newContext({ viewport: { width, height }, locale: 'fr-FR' })).newPage();
}

/** Presses Tab (or Shift+Tab) until the focused element matches `selector`; fails after `limit` presses. */
async function tabTo(page: Page, selector: string, { limit = 80, backwards = false } = {}): Promise<void> {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    if (await page.locator(selector).evaluateAll((elements) => (elements as Element[]).includes(document.activeElement!))) return;
  }
  throw new Error(`${selector} not reached in ${limit} Tab presses (focus on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120))})`);
}

const focused = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');

// The site runs with an offline vector basemap: one street tile in Pertuis (tests/helpers/pmtiles.ts).
const basemapFolder = mkdtempSync(join(tmpdir(), 'sillage-e2e-basemap-'));
const street = streetTile(5.502, 43.694, 'Rue du Test Hors Ligne');

beforeAll(async () => {
  const basemapFile = join(basemapFolder, 'pertuis.pmtiles');
  writePmtiles(basemapFile, street);
  site = await openScenarioSite({ basemapFile });
  ({ database, url, browser } = site);
}, 240_000);

afterAll(async () => { await site?.close(); rmSync(basemapFolder, { recursive: true, force: true }); });

describe('keyboard only', () => {
  it('signs in, finds Pertuis, plays the months and opens a cell through the list of visible hexagons', async () => {
    const username = await ensureUser(database.pool, 'national_analyst', []);
    const page = await newPage();
    await page.goto(`${url}/connexion`);
    await page.waitForSelector('#username');
    await tabTo(page, '#username');
    await page.keyboard.type(username);
    await tabTo(page, '#password');
    await page.keyboard.type(testPassword);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => !u.pathname.startsWith('/connexion'));
    await page.waitForSelector('[data-testid="analyst-map"] canvas');
    await page.waitForSelector('[data-testid="cube-status"]:has-text("chargés")', { timeout: 60_000 });

    // Find Pertuis: typed in the search, the first hit taken with Enter.
    await tabTo(page, '#commune-search');
    await page.keyboard.type('Pertuis');
    await page.waitForSelector('.sillage-hits button:has-text("Pertuis (84)")');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /c=5\.\d+,43\.\d+/.test(location.search) && Number(/z=([\d.]+)/.exec(location.search)?.[1]) > 10, undefined, { timeout: 20_000 });
    await page.waitForSelector('[data-testid="cube-status"]:has-text("chargés")', { timeout: 60_000 });

    // Play (from the window's start, the month shown being its end): the month moves, the real rate is said.
    await tabTo(page, 'button:has-text("Lecture")');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="current-month"]')?.textContent !== 'janvier 2019'
      && document.querySelector('[data-testid="current-month"]')?.textContent !== 'décembre 2025', undefined, { timeout: 15_000 });
    await page.waitForSelector('[data-testid="playback-rate"]', { timeout: 10_000 });
    expect(await page.textContent('[data-testid="playback-rate"]')).toMatch(/Cadence réelle : [\d,]+ mois\/s/);
    expect(await focused(page)).toBe('Pause');
    await page.keyboard.press('Enter');
    await page.waitForSelector('button:has-text("Lecture")');

    // Back to the window's last month (End on the month slider), then the list of visible hexagons.
    await tabTo(page, '#month-slider', { backwards: true });
    await page.keyboard.press('End');
    await page.waitForSelector('[data-testid="current-month"]:has-text("décembre 2025")');
    await tabTo(page, '[data-testid="hex-list"] summary');
    await page.keyboard.press('Enter');
    const firstCell = page.locator('[data-testid="hex-list"] li button').first();
    await firstCell.waitFor();
    const label = (await firstCell.textContent())!;
    expect(label).toMatch(/^\d+ point\(s\), vers 43,\d+ N, 5,\d+ E$/);
    await tabTo(page, '[data-testid="hex-list"] li button');
    await page.keyboard.press('Enter');
    const panel = page.locator('.sillage-details');
    await panel.waitFor();
    await page.waitForFunction(() => /sel=hex(%3A|:)8/.test(location.search));
    // The panel's count is the list's for the month shown.
    await panel.locator('text=/\\d/').first().waitFor();
    expect(await panel.textContent()).toContain(label.split(' ')[0]);
    await page.screenshot({ path: `${screenshotDirectory}/clavier-liste-hexagones.png` });

    // The points of the view, listed too (points layer on), open the point's panel.
    await tabTo(page, '[data-testid="point-list"] summary');
    await page.keyboard.press('Enter');
    const firstPoint = page.locator('[data-testid="point-list"] li button').first();
    await firstPoint.waitFor({ timeout: 20_000 });
    const pointId = /Point n° (\d+)/.exec((await firstPoint.textContent())!)![1];
    await tabTo(page, '[data-testid="point-list"] li button');
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => location.search.includes(`sel=point%3A${id}`) || location.search.includes(`sel=point:${id}`), pointId);
    await page.context().close();
  }, 180_000);

  it('places a public report pin in Pertuis without a mouse and sends the report', async () => {
    const page = await newPage();
    await page.goto(`${url}/signaler`);
    await page.waitForSelector('[data-map-idle="true"]', { timeout: 30_000 });
    await tabTo(page, '#commune');
    await page.keyboard.type('Pertuis');
    await page.waitForSelector('button:has-text("Pertuis (84)")');
    await tabTo(page, 'button:has-text("Pertuis (84)")');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(900); // the map fits the commune
    await page.waitForSelector('[data-map-idle="true"]');
    await tabTo(page, 'button:has-text("Placer le repère au centre")');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="pin-status"]')?.textContent?.includes('Pertuis (84)'));
    await tabTo(page, '#seen-vente');
    await page.keyboard.press('Space');
    await tabTo(page, '#description');
    await page.keyboard.type('Vente le soir, vu sans souris.');
    await page.waitForSelector('button[type="submit"]:not([disabled])', { timeout: 10_000 });
    await tabTo(page, 'button[type="submit"]');
    await page.keyboard.press('Enter');
    const receipt = /SIG-[0-9A-HJ-NP-Z]{10}/.exec((await (await page.waitForSelector('[data-testid="receipt"]')).textContent())!)![0];
    const { rows } = await database.pool.query('SELECT commune_insee, seen, location_precision FROM public_reports WHERE receipt = $1', [receipt]);
    expect(rows[0]).toEqual({ commune_insee: '84089', seen: ['vente'], location_precision: 'pin' });
    await page.context().close();
  }, 90_000);
});

describe('the screens changed by issue 19', () => {
  it('draws the streets of the operator\'s offline basemap under the analysts\' map, at 1440 and 390 px', async () => {
    const username = await ensureUser(database.pool, 'national_analyst', []);
    for (const [width, height] of [[1440, 900], [390, 844]] as const) {
      const page = await newPage(width, height);
      await signInByRequest(page, url, username);
      await page.goto(`${url}/?c=${street.centre[0].toFixed(4)},${street.centre[1].toFixed(4)}&z=15&l=communes`);
      await page.waitForSelector('[data-testid="analyst-map"][data-map-idle="true"]', { timeout: 30_000 });
      await page.waitForFunction(() => (window as unknown as { sillageMap: { renderedBasemapStreets(): string[] } }).sillageMap.renderedBasemapStreets().length > 0, undefined, { timeout: 20_000 });
      expect(await page.evaluate(() => (window as unknown as { sillageMap: { renderedBasemapStreets(): string[] } }).sillageMap.renderedBasemapStreets())).toEqual(['Rue du Test Hors Ligne']);
      await page.screenshot({ path: `${screenshotDirectory}/fond-vectoriel-hors-ligne-${width}.png` });
      await page.context().close();
    }
  }, 120_000);

  it('picks months in French, at 1440 and 390 px', async () => {
    const username = await ensureUser(database.pool, 'national_analyst', []);
    for (const [width, height] of [[1440, 900], [390, 844]] as const) {
      const page = await newPage(width, height);
      await signInByRequest(page, url, username);
      await page.goto(`${url}/?du=2022-01&au=2024-06&m=2023-03`);
      await page.waitForSelector('[data-testid="analyst-map"] canvas');
      if (width < 500) await page.getByRole('button', { name: 'Commandes de la carte' }).click();
      await page.locator('#window-from-month').waitFor({ state: 'visible' });
      expect(await page.locator('#window-from-month option:checked').textContent()).toBe('janvier');
      expect(await page.locator('#window-to-month option:checked').textContent()).toBe('juin');
      // The end cannot be before the start: those months are not offered.
      await chooseMonth(page, 'window-to', '2022-03');
      expect(await page.locator('#window-to-month option[value="01"]').isDisabled()).toBe(false);
      await page.selectOption('#window-to-year', '2022');
      expect(await monthValue(page, 'window-to')).toBe('2022-03');
      expect(await page.locator('#window-from-month option[value="04"]').isDisabled()).toBe(true);
      await page.waitForFunction(() => location.search.includes('au=2022-03'));
      const box = (await page.locator('#window-to').boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      await page.screenshot({ path: `${screenshotDirectory}/mois-en-francais-${width}.png` });
      await page.context().close();
    }
  }, 120_000);

  it('keeps the operation options in the URL and restores them on reload', async () => {
    const { rows: [operation] } = await database.pool.query<{ id: string }>("SELECT id FROM operations WHERE name ILIKE '%Marseille%' ORDER BY id LIMIT 1");
    const page = await newPage();
    await signInByRequest(page, url, await ensureUser(database.pool, 'national_analyst', []));
    await page.goto(`${url}/operations/${operation.id}`);
    await page.waitForSelector('[data-testid="reading"]', { timeout: 120_000 });
    await page.fill('#buffer_rings', '4');
    await page.fill('#distance_km', '60');
    await page.click('button:has-text("Recalculer")');
    await page.waitForFunction(() => location.search === '?buffer_rings=4&distance_km=60');
    await page.waitForSelector('[data-testid="as-of"]:has-text("4 anneaux")', { timeout: 120_000 });
    await page.reload();
    await page.waitForSelector('[data-testid="as-of"]:has-text("4 anneaux")', { timeout: 120_000 });
    expect(await page.inputValue('#buffer_rings')).toBe('4');
    expect(await page.inputValue('#distance_km')).toBe('60');
    await page.screenshot({ path: `${screenshotDirectory}/operation-options-url.png` });
    await page.context().close();
  }, 300_000);

  it('dates the watch by the month shown (capped at the data), lists a departmental analyst\'s own towns and flies to a town', async () => {
    const { rows: [{ last }] } = await database.pool.query<{ last: string }>('SELECT max(effective_on)::text AS last FROM deal_point_status_events');
    const page = await newPage();
    await signInByRequest(page, url, await ensureUser(database.pool, 'departmental_analyst', ['84']));
    // The default month (the window's end) goes beyond the data: the watch reads its last day.
    await page.goto(`${url}/`);
    await page.waitForSelector('[data-testid="analyst-map"] canvas');
    await page.click('button:has-text("Veille des résurgences")');
    await page.waitForSelector('[data-testid="watch-title"]:has-text("Veille au")', { timeout: 60_000 });
    expect(await page.textContent('[data-testid="watch-title"]')).toBe(`Veille au ${last.slice(8, 10)}/${last.slice(5, 7)}/${last.slice(0, 4)} (dernier jour de données)`);
    await page.close();

    const earlier = await page.context().newPage();
    await earlier.goto(`${url}/?m=2024-09&du=2019-01&au=2025-12`);
    await earlier.waitForSelector('[data-testid="analyst-map"] canvas');
    await earlier.click('button:has-text("Veille des résurgences")');
    await earlier.waitForSelector('[data-testid="watch-title"]:has-text("Veille au 30/09/2024")', { timeout: 60_000 });
    const towns = await earlier.locator('[data-testid="watch-panel"] li button').allTextContents();
    expect(towns.every((t) => t.endsWith('(84)'))).toBe(true);
    await earlier.screenshot({ path: `${screenshotDirectory}/veille-departementale.png` });
    if (towns.length) {
      const zoomBefore = Number(/z=([\d.]+)/.exec(new URL(earlier.url()).search)?.[1] ?? '0');
      await earlier.locator('[data-testid="watch-panel"] li button').first().click();
      await earlier.waitForFunction((z) => Number(/z=([\d.]+)/.exec(location.search)?.[1] ?? '0') > z + 2, zoomBefore, { timeout: 20_000 });
      await earlier.waitForSelector('.sillage-details h2');
    }
    console.log(`watch of a Vaucluse analyst at the end of September 2024: ${towns.join('; ') || 'no town'}`);
    await earlier.context().close();
  }, 120_000);

  it('tells the deputy what the hidden hexagons are, and greys the suppressed months of a chart with « < 5 »', async () => {
    for (const [width, height] of [[1440, 900], [390, 844]] as const) {
      const page = await newPage(width, height);
      await signInByRequest(page, url, await ensureUser(database.pool, 'deputy', []));
      await page.goto(`${url}/?c=5.5,43.69&z=11&sel=commune:84089`);
      await page.waitForSelector('[data-testid="shown-total"]', { timeout: 60_000 });
      const headline = (await page.textContent('[data-testid="shown-total"]'))!;
      if (/masqués/.test(headline)) expect(headline).toMatch(/dans les hexagones publiés : [\d\s ]+, sans les [\d\s ]+ hexagones de moins de 5 points \(masqués, non comptés\)/);
      await page.waitForSelector('.sillage-details canvas', { timeout: 30_000 });
      const note = page.locator('.sillage-details [data-testid="suppressed-note"]');
      await note.waitFor({ timeout: 30_000 });
      expect(await note.textContent()).toMatch(/\d+ mois grisés « < 5 » : moins de 5 points, chiffre non publié\./);
      await page.screenshot({ path: `${screenshotDirectory}/depute-masques-${width}.png` });
      await page.context().close();
    }
  }, 120_000);
});
