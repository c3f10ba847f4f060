/**
 * The analysts' map in a real Chromium, on the demo scenario: the map idles, hexbins render with
 * the counts the API gives for the month shown, moving the window or playing changes them,
 * clicking opens panels, a shared URL restores the view, deputies see suppressed aggregates only,
 * and API errors are shown.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { cellToLatLng } from 'h3-js';
import type { Database } from '../../server/database/connection.js';
import { ensureUser } from '../helpers/databases.js';
import { chooseMonth, monthValue, openScenarioSite, screenshotDirectory, signInByRequest, type ScenarioSite } from '../helpers/browser.js';
import type { Role } from '../../server/domain/access.js';

let site: ScenarioSite;
let database: Database;
let url: string;
let browser: Browser;
const problems: string[] = [];

interface Hex { h3: string; count: number; suppressed: boolean }
interface CubeBody { from: string; months: string[]; cells: { h3: string; active: (number | null)[]; cumulative: (number | null)[] }[] }

async function signedInPage(role: Role, path: string, departments: string[] = []): Promise<Page> {
  const username = await ensureUser(database.pool, role, departments);
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, locale: 'fr-FR' });
  page.on('pageerror', (error) => problems.push(`${path}: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error' && !message.text().includes('status of 422')) problems.push(`${path}: ${message.text()}`); });
  await signInByRequest(page, url, username);
  await page.goto(url + path);
  return page;
}

/** Waits until the map is idle with the hexbins of the month shown. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('[data-testid="cube-status"]')?.textContent?.includes('Chargement'));
  await page.waitForSelector('[data-testid="analyst-map"][data-map-idle="true"]', { timeout: 30_000 });
  await page.waitForTimeout(300);
  await page.waitForSelector('[data-testid="analyst-map"][data-map-idle="true"]', { timeout: 30_000 });
}

const renderedHexes = (page: Page) => page.evaluate(() => (window as unknown as { sillageMap: { renderedHexes(): Hex[] } }).sillageMap.renderedHexes());
const fetchJson = <T,>(page: Page, path: string) => page.evaluate(async (p) => (await fetch(p)).json(), path) as Promise<T>;

/** The rendered counts equal the cube's values for `month` (cells with no point are not drawn). */
async function expectRenderedCountsMatchApi(page: Page, resolution: number, from: string, to: string, month: string, cumulative = false) {
  const cube = await fetchJson<CubeBody>(page, `/api/aggregates/deal-points/cube?resolution=${resolution}&from=${from}&to=${to}`);
  const offset = cube.months.indexOf(month);
  expect(offset).toBeGreaterThanOrEqual(0);
  const expected = new Map(cube.cells.map((c) => [c.h3, (cumulative ? c.cumulative : c.active)[offset]]));
  const rendered = await renderedHexes(page);
  const drawn = rendered.filter((h) => h.count > 0 || h.suppressed);
  expect(drawn.length).toBeGreaterThan(20);
  for (const hex of drawn) expect(hex.suppressed ? null : hex.count, hex.h3).toBe(expected.get(hex.h3));
  return { drawn, expected };
}

beforeAll(async () => {
  site = await openScenarioSite();
  ({ database, url, browser } = site);
}, 240_000);

afterAll(async () => site?.close());

describe('the analysts\' map', () => {
  it('idles with hexbins whose counts are the API\'s, and follows the time window', async () => {
    const page = await signedInPage('national_analyst', '/');
    await settled(page);
    // National zoom: resolution 4 over all of France.
    const december = await expectRenderedCountsMatchApi(page, 4, '2019-01', '2025-12', '2025-12');
    const total = Number((await page.textContent('[data-testid="shown-total"] strong'))!.replace(/\s/g, ''));
    expect(total).toBe([...december.expected.values()].reduce((s: number, v) => s + (v ?? 0), 0));
    await page.screenshot({ path: `${screenshotDirectory}/carte-nationale.png` });

    // Typing a new window end moves the month shown; the counts become those of December 2020.
    await chooseMonth(page, 'window-to', '2020-12');
    await settled(page);
    expect(await page.textContent('[data-testid="current-month"]')).toBe('décembre 2020');
    const counts2020 = await expectRenderedCountsMatchApi(page, 4, '2019-01', '2020-12', '2020-12');
    expect(counts2020.drawn.map((h) => h.count)).not.toEqual(december.drawn.map((h) => h.count));
    expect(page.url()).toContain('au=2020-12');

    // Cumulative mode counts distinct points since the window start.
    await page.click('label[for="cumulative"]');
    await settled(page);
    await expectRenderedCountsMatchApi(page, 4, '2019-01', '2020-12', '2020-12', true);
    await page.click('label[for="cumulative"]');
    await page.close();
  }, 120_000);

  it('plays month by month, without fetching the cube again', async () => {
    const page = await signedInPage('national_analyst', '/?du=2023-01&au=2024-12&m=2023-01');
    await settled(page);
    const cubeRequests: string[] = [];
    page.on('request', (request) => { if (request.url().includes('/deal-points/cube')) cubeRequests.push(request.url()); });
    expect(await page.textContent('[data-testid="current-month"]')).toBe('janvier 2023');
    // 2 months a second: the 24 months last 12 s, so the pause never lands after the last month (at 8
    // a second on a busy machine it did, and the click on "Pause" then restarted playback).
    await page.selectOption('#speed', '2');
    await page.click('button:has-text("Lecture")');
    await page.waitForFunction(() => document.querySelector('[data-testid="current-month"]')?.textContent !== 'janvier 2023');
    // The address follows the month played (waited for: on a busy machine a render can lag the click).
    await page.waitForFunction(() => (new URL(location.href).searchParams.get('m') ?? '') > '2023-01', undefined, { timeout: 10_000 });
    await page.waitForTimeout(600);
    await page.click('button:has-text("Pause")');
    const month = new URL(page.url()).searchParams.get('m')!;
    expect(month > '2023-01').toBe(true);
    await settled(page);
    expect(cubeRequests).toEqual([]);
    await expectRenderedCountsMatchApi(page, 4, '2023-01', '2024-12', month);
    await page.close();
  }, 60_000);

  it('opens the panel of a clicked hexbin, with its monthly chart', async () => {
    const page = await signedInPage('national_analyst', '/?c=5.40,43.32&z=9.5&l=hexagones,operations&m=2024-06');
    await settled(page);
    const hexes = (await renderedHexes(page)).filter((h) => h.count > 0).sort((a, b) => b.count - a.count);
    const target = hexes[0];
    const [lat, lng] = cellToLatLng(target.h3);
    const position = await page.evaluate(([x, y]) => (window as unknown as { sillageMap: { project(p: [number, number]): { x: number; y: number } } }).sillageMap.project([x, y]), [lng, lat]);
    const box = (await page.locator('[data-testid="analyst-map"]').boundingBox())!;
    await page.mouse.click(box.x + position.x, box.y + position.y);
    const panel = page.locator('[data-testid="details-panel"]');
    await panel.locator('h2').waitFor();
    expect(await panel.locator('h2').textContent()).toContain('Hexagone H3 (résolution 8)');
    expect(await panel.textContent()).toContain(target.h3);
    expect(await panel.textContent()).toContain(`Points actifs en juin 2024${target.count}`);
    expect(await panel.locator('canvas').count()).toBe(1);
    expect(page.url()).toContain(`sel=hex:${target.h3}`);
    await page.screenshot({ path: `${screenshotDirectory}/carte-panneau-hexagone.png` });
    await page.close();
  }, 60_000);

  it('restores a shared view from its URL, with points, communes by size class and the panel', async () => {
    const shared = '/?c=5.5000,43.7000&z=11.00&l=points,communes,operations&du=2022-01&au=2025-06&m=2024-12&sel=commune:84089';
    const page = await signedInPage('national_analyst', shared);
    await settled(page);
    const view = await page.evaluate(() => (window as unknown as { sillageMap: { view(): { center: [number, number]; zoom: number } } }).sillageMap.view());
    expect(view.zoom).toBeCloseTo(11, 1);
    expect(view.center[0]).toBeCloseTo(5.5, 2);
    expect(view.center[1]).toBeCloseTo(43.7, 2);
    expect(await monthValue(page, 'window-from')).toBe('2022-01');
    expect(await monthValue(page, 'window-to')).toBe('2025-06');
    expect(await page.textContent('[data-testid="current-month"]')).toBe('décembre 2024');
    expect(await page.isChecked('#layer-points')).toBe(true);
    expect(await page.isChecked('#layer-hexagones')).toBe(false);
    expect(await page.isChecked('#layer-communes')).toBe(true);
    const panel = page.locator('[data-testid="details-panel"]');
    await panel.locator('h2:has-text("Pertuis")').waitFor();
    expect(await panel.textContent()).toContain('ville moyenne');
    // The points drawn are those active in December 2024, as the list endpoint says.
    const ids = await page.evaluate(() => (window as unknown as { sillageMap: { renderedPointIds(): number[] } }).sillageMap.renderedPointIds());
    expect(ids.length).toBeGreaterThan(3);
    const listed = await fetchJson<{ features: { id: number }[] }>(page, '/api/deal-points?commune=84089&at=2024-12-15&status=active&status=reopened&limit=1000');
    for (const id of listed.features.map((f) => f.id)) expect(ids).toContain(id);
    // The export of the view: the points of the visible area active in the month shown.
    const href = await page.getAttribute('[data-testid="map-view-export"] a:has-text("GEOJSON")', 'href');
    expect(href).toMatch(/^\/api\/exports\/deal-points\.geojson\?bbox=.*&from=2024-12-01&to=2024-12-31/);
    const exported = await fetchJson<{ features: { id: number; geometry: { coordinates: [number, number] } }[] }>(page, href!);
    const bbox = new URLSearchParams(href!.split('?')[1]).get('bbox')!.split(',').map(Number);
    for (const id of listed.features.map((f) => f.id)) expect(exported.features.map((f) => f.id)).toContain(id);
    for (const f of exported.features) {
      expect(f.geometry.coordinates[0]).toBeGreaterThanOrEqual(bbox[0]);
      expect(f.geometry.coordinates[0]).toBeLessThanOrEqual(bbox[2]);
    }
    await page.screenshot({ path: `${screenshotDirectory}/carte-pertuis-partagee.png` });
    await page.close();
  }, 60_000);

  it('finds a commune by name and flies to it; shows departments by an SSMSI rate', async () => {
    const page = await signedInPage('national_analyst', '/?l=hexagones,departements');
    await settled(page);
    await page.fill('#commune-search', 'Carpentras');
    await page.click('.sillage-hits button:has-text("Carpentras")');
    await page.locator('[data-testid="details-panel"] h2:has-text("Carpentras")').waitFor();
    await settled(page);
    const view = await page.evaluate(() => (window as unknown as { sillageMap: { view(): { center: [number, number]; zoom: number } } }).sillageMap.view());
    expect(view.zoom).toBeGreaterThan(10);
    expect(Math.abs(view.center[0] - 5.05)).toBeLessThan(0.1);
    expect(Math.abs(view.center[1] - 44.05)).toBeLessThan(0.1);
    await page.goto(`${url}/?l=departements&ind=trafic_de_stupefiants&an=2024`);
    await settled(page);
    expect(await page.inputValue('#indicator')).toBe('trafic_de_stupefiants');
    await page.waitForSelector('[data-testid="rate-legend"] li');
    expect(await page.locator('[data-testid="rate-legend"] li').count()).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: `${screenshotDirectory}/carte-departements-ssmsi.png` });
    await page.close();
  }, 60_000);

  it('gives deputies aggregated hexbins only, small counts masked', async () => {
    const page = await signedInPage('deputy', '/?c=5.2,43.8&z=8&l=hexagones');
    await settled(page);
    expect(await page.locator('#layer-points').count()).toBe(0);
    const hexes = await renderedHexes(page);
    expect(hexes.some((h) => h.suppressed)).toBe(true);
    expect(hexes.filter((h) => !h.suppressed && h.count > 0 && h.count < 5)).toEqual([]);
    expect(await page.textContent('.sillage-legend')).toContain('< 5 (masqué)');
    // The hexbins' export holds what the map plays: every small count written "< 5", the rest the cube's.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="hexbin-export"] button:has-text("CSV")')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFFcellule_h3;resolution;mois;points_actifs\r\n')).toBe(true);
    const rows = csv.trim().split('\r\n').slice(1).map((line) => line.split(';'));
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.filter((r) => r[3] !== '< 5' && Number(r[3]) < 5)).toEqual([]);
    expect(rows.some((r) => r[3] === '< 5')).toBe(true);
    const shownMonth = new URL(page.url()).searchParams.get('m') ?? '2025-12';
    // The cube the page loaded, asked again.
    const cube = await page.evaluate(async () => {
      const loaded = performance.getEntriesByType('resource').map((e) => e.name).filter((name) => name.includes('/deal-points/cube')).at(-1)!;
      return (await fetch(loaded)).json();
    }) as { months: string[]; cells: { h3: string; active: (number | null)[] }[] };
    const offset = cube.months.indexOf(shownMonth);
    const fromApi = new Map(cube.cells.filter((c) => c.active[offset] !== 0).map((c) => [c.h3, c.active[offset] === null ? '< 5' : String(c.active[offset])]));
    expect(new Map(rows.filter((r) => r[2] === shownMonth).map((r) => [r[0], r[3]]))).toEqual(fromApi);
    await page.screenshot({ path: `${screenshotDirectory}/carte-depute.png` });
    await page.close();
  }, 60_000);

  it('shows the API\'s error message instead of swallowing it', async () => {
    const page = await signedInPage('national_analyst', '/');
    await page.route('**/api/aggregates/deal-points/cube**', (route) => route.fulfill({ status: 422, contentType: 'application/json', body: JSON.stringify({ error: 'invalid_input', message: 'querystring.to: the window may span at most 240 months', details: [] }) }));
    await chooseMonth(page, 'window-from', '2020-01');
    await page.waitForSelector('.sillage-error');
    expect(await page.textContent('.sillage-error')).toContain('the window may span at most 240 months');
    await page.close();
  }, 60_000);

  it('opens an operation\'s analysis from its panel: reading, before/after hexbins, WDQ card, wake, size-class shift', async () => {
    const { rows } = await database.pool.query<{ id: string }>("SELECT id FROM operations WHERE name LIKE '%Marseille%'");
    const id = Number(rows[0].id);
    const page = await signedInPage('national_analyst', `/?c=5.37,43.35&z=11&l=operations&sel=operation:${id}`);
    await page.locator('[data-testid="details-panel"] a:has-text("Analyser l’opération")').click();
    await page.waitForURL(`${url}/operations/${id}`);
    await page.waitForSelector('[data-testid="analysis-progress"]', { state: 'detached', timeout: 60_000 });
    expect(await page.textContent('[data-testid="reading"] h2')).toBe('Déplacement');
    expect(await page.textContent('[data-testid="reading"]')).toContain('Pertuis');
    // Nîmes's wake (November 2023, ended) overlaps and reaches Cavaillon and Carpentras: the reading says so.
    expect(await page.textContent('[data-testid="reading"]')).toMatch(/Prudence : un autre sillage recouvre celui-ci, l’opération « Place nette Nîmes \(Pissevin\) » \(début le 14\/11\/2023, à \d+ km\), dont la portée couvre .*Carpentras/);
    expect(await page.textContent('[data-testid="wdq-card"]')).toContain('WDD (Wheeler et Ratcliffe, 2018)');
    // The buffer's test names its reference and how many, its levels, and the placebo dates as an indication.
    expect(await page.textContent('[data-testid="wdq-card"]')).toMatch(/comparée à \d+ quartiers témoins de taille comparable aux mêmes dates \(p = .* ; seuils : 5 % pour une baisse \(test unilatéral\), 1,25 % pour une hausse.*à titre indicatif, par rapport à ses \d+ mois sans opération/);
    expect(await page.textContent('[data-testid="as-of"]')).toContain('Données lues au');
    const flagged = await page.locator('[data-testid="destinations"] tr.sillage-flagged td:first-child').allTextContents();
    expect(flagged).toContain('Pertuis (84089)');
    expect(flagged.length).toBeGreaterThanOrEqual(3);
    expect(await page.locator('[data-testid="before-after-map"]').count()).toBe(2);
    expect(await page.textContent('[data-testid="shift"]')).toContain('Ville moyenne');
    await page.waitForFunction(() => [...document.querySelectorAll('.sillage-map')].every((m) => (m as HTMLElement).dataset.mapIdle === 'true'), undefined, { timeout: 30_000 });
    await page.screenshot({ path: `${screenshotDirectory}/operation-marseille.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('[data-testid="wdq-card"]').screenshot({ path: `${screenshotDirectory}/operation-marseille-effect-390.png` });
    await page.locator('[data-testid="reading"]').screenshot({ path: `${screenshotDirectory}/operation-marseille-reading-390.png` });
    await page.setViewportSize({ width: 1440, height: 1000 });
    // Changing a parameter recomputes.
    await page.fill('#lag_months', '2');
    await page.click('button:has-text("Recalculer")');
    await page.waitForSelector('[data-testid="analysis-progress"]');
    await page.waitForSelector('[data-testid="analysis-progress"]', { state: 'detached', timeout: 60_000 });
    expect(await page.textContent('[data-testid="wake-card"]')).toContain('dans les 2 mois');
    await page.close();
  }, 120_000);

  it('runs emerging hot spots with progress and draws them with their legend; lists the watch', async () => {
    const page = await signedInPage('national_analyst', '/?l=tendances&du=2022-01&au=2024-09');
    await page.waitForSelector('[data-testid="hotspot-progress"]');
    await page.waitForSelector('[data-testid="hotspot-legend"]', { timeout: 120_000 });
    await settled(page);
    expect(await page.textContent('[data-testid="hotspot-legend"]')).toMatch(/chaud|froid|aucune tendance/);
    await page.screenshot({ path: `${screenshotDirectory}/carte-tendances.png` });
    await page.click('button:has-text("Veille des résurgences")');
    const panel = page.locator('[data-testid="watch-panel"]');
    await panel.locator('h3').first().waitFor({ timeout: 60_000 });
    // The watch at the end of September 2024: Pertuis rose after Marseille XXL (March 2024).
    expect(await panel.locator('h2').textContent()).toBe('Veille au 30/09/2024'); // the month's end, not a 28th
    expect(await panel.textContent()).toContain('Pertuis (84)');
    await page.screenshot({ path: `${screenshotDirectory}/carte-veille.png` });
    await page.close();
  }, 180_000);

  it('raised no page error', () => {
    expect(problems).toEqual([]);
  });
});
