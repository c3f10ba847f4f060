/**
 * Benchmark (Chromium, full national scenario on a fresh embedded database): time to the first
 * idle map, and JS time per playback tick at national and department zoom — our tick
 * (feature-state + global state) against the baseline of calling setData with a rebuilt
 * FeatureCollection each tick. Prints the figures and the ratios.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadConfig } from '../server/config.js';
import { prepareDatabase } from '../server/server.js';
import { buildApp } from '../server/app.js';
import { readVersions } from '../server/database/connection.js';
import { ensureUser, testPassword } from '../tests/helpers/databases.js';
import { buildWeb, launchChromium } from '../tests/helpers/browser.js';

const ticks = 36;
const scratch = mkdtempSync(join(tmpdir(), 'sillage-bench-map-'));
console.log('Preparing an embedded database with the demo scenario…');
const database = await prepareDatabase({ ...loadConfig({}), dataDirectory: scratch, databaseUrl: null, loadDemo: true });
buildWeb();
const app = await buildApp({ database, databaseVersions: await readVersions(database.pool), config: loadConfig({}), serveWeb: true });
const url = await app.listen({ host: '127.0.0.1', port: 0 });
const username = await ensureUser(database.pool, 'national_analyst');
const browser = await launchChromium();

async function openMap(path: string): Promise<{ page: Page; firstIdleMs: number }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await page.goto(`${url}/connexion`);
  await page.fill('#username', username);
  await page.fill('#password', testPassword);
  await page.click('button[type="submit"]');
  await page.waitForURL(`${url}/`);
  const started = Date.now();
  await page.goto(url + path);
  await page.waitForFunction(() => document.querySelector('[data-testid="cube-status"]')?.textContent?.includes('chargés'), undefined, { timeout: 60_000 });
  await page.waitForSelector('[data-testid="analyst-map"][data-map-idle="true"]', { timeout: 60_000 });
  return { page, firstIdleMs: Date.now() - started };
}

/** Runs `ticks` playback ticks in the page, with the cube the page would hold. */
async function measureTicks(page: Page, resolution: number, bbox: string | null, mode: 'feature-state' | 'setData') {
  return page.evaluate(async ({ resolution, bbox, mode, ticks }) => {
    const map = (window as unknown as { sillageMap: {
      showMonth(m: number, s: number, c: boolean, counts: Map<string, number | null>): void;
      showMonthBySetData(counts: Map<string, number | null>): void; setHexCells(cells: string[]): Promise<void>; nextIdle(): Promise<void>;
    } }).sillageMap;
    const cube = await (await fetch(`/api/aggregates/deal-points/cube?resolution=${resolution}&from=2019-01&to=2025-12${bbox ? `&bbox=${bbox}` : ''}`)).json() as { cells: { h3: string; active: (number | null)[] }[] };
    if (mode === 'feature-state') await map.setHexCells(cube.cells.map((c) => c.h3));
    await map.nextIdle().catch(() => {});
    const js: number[] = [];
    const toIdle: number[] = [];
    for (let tick = 0; tick < ticks; tick += 1) {
      const offset = 48 + tick;
      const counts = new Map(cube.cells.map((c) => [c.h3, c.active[offset] ?? 0]));
      const start = performance.now();
      if (mode === 'feature-state') map.showMonth(228 + offset, 228, false, counts);
      else map.showMonthBySetData(counts);
      js.push(performance.now() - start);
      await map.nextIdle();
      toIdle.push(performance.now() - start);
    }
    js.sort((a, b) => a - b);
    toIdle.sort((a, b) => a - b);
    // (No named helper here: tsx would wrap it in a __name() the page does not have.)
    return { cells: cube.cells.length, jsMedian: js[Math.floor(ticks / 2)], jsMax: js[ticks - 1], idleMedian: toIdle[Math.floor(ticks / 2)] };
  }, { resolution, bbox, mode, ticks });
}

const results: string[] = [];
const national = await openMap('/?l=hexagones');
results.push(`time to first idle map, national view (scenario: 6,685 points)   : ${national.firstIdleMs} ms`);
const department = await openMap('/?c=5.25,43.45&z=9.3&l=hexagones,points');
results.push(`time to first idle map, Bouches-du-Rhône view (points + hexbins) : ${department.firstIdleMs} ms`);

for (const [label, page, resolution, bbox] of [
  ['national zoom, H3 res 4', national.page, 4, null],
  ['national zoom, H3 res 7 (finest national cube)', national.page, 7, null],
  ['department zoom, H3 res 8', department.page, 8, '4.2,42.9,6.3,44.0'],
] as const) {
  const ours = await measureTicks(page, resolution, bbox, 'feature-state');
  const baseline = await measureTicks(page, resolution, bbox, 'setData');
  results.push(`${label} (${ours.cells} cells, ${ticks} ticks):`);
  results.push(`  feature-state tick : JS median ${ours.jsMedian.toFixed(2)} ms (max ${ours.jsMax.toFixed(1)}), to idle median ${ours.idleMedian.toFixed(1)} ms`);
  results.push(`  setData baseline   : JS median ${baseline.jsMedian.toFixed(2)} ms (max ${baseline.jsMax.toFixed(1)}), to idle median ${baseline.idleMedian.toFixed(1)} ms`);
  results.push(`  ratio baseline/ours: JS ${(baseline.jsMedian / Math.max(ours.jsMedian, 0.01)).toFixed(1)}x, to idle ${(baseline.idleMedian / Math.max(ours.idleMedian, 0.01)).toFixed(1)}x`);
}

// Playback as the user sees it: the months really reached per second against the speed chosen.
for (const speed of [2, 8]) {
  await national.page.goto(`${url}/?l=hexagones,points,operations&du=2019-01&au=2025-12&m=2019-01`);
  await national.page.waitForSelector('[data-testid="analyst-map"][data-map-idle="true"]', { timeout: 60_000 });
  await national.page.selectOption('#speed', String(speed));
  // Measured in the page, months reached in the URL.
  const measured = await national.page.evaluate(async () => {
    // (No named helper here: tsx would wrap it in a __name() the page does not have.)
    // Months shown (in the URL) 1 s and 6 s after the click: the steady rate, without the
    // constant delay of the first draw.
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Lecture')!;
    button.click();
    const seen: { at: number; label: string }[] = [];
    for (const wait of [1000, 5000]) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      seen.push({ at: performance.now(), label: new URLSearchParams(location.search).get('m') ?? '' });
    }
    const [a, b] = seen;
    const months = (Number(b.label.slice(0, 4)) - Number(a.label.slice(0, 4))) * 12 + Number(b.label.slice(5, 7)) - Number(a.label.slice(5, 7));
    return { months, seconds: (b.at - a.at) / 1000 };
  });
  const rateText = (await national.page.textContent('[data-testid="playback-rate"]')) ?? '';
  await national.page.click('button:has-text("Pause")');
  const rate = measured.months / measured.seconds;
  const [startMonth, endMonth, elapsed] = ['from 1 s after the click,', `${measured.months} months`, measured.seconds];
  results.push(`playback at ${speed} mois/s, national view, ${startMonth} ${endMonth} in ${elapsed.toFixed(1)} s: ${rate.toFixed(2)} months/s (ratio to the label ${(rate / speed).toFixed(2)}); page says "${rateText}"`);
}

await browser.close();
await app.close();
await database.close();
rmSync(scratch, { recursive: true, force: true });
console.log('\nMap benchmark (headless Chromium 156, SwiftShader WebGL, 1440x1000)');
for (const line of results) console.log(`  ${line}`);
