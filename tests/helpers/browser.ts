/** Headless Chromium (Debian's) driven by playwright-core, and the built web client served by the real app. */
import { chromium, type Browser, type Page } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { readVersions, type Database } from '../../server/database/connection.js';
import { loadPlantedScenario } from './scenario-cache.js';
import { connect, emptyBusinessTables, testPassword } from './databases.js';

export const screenshotDirectory = new URL('../e2e/screenshots/', import.meta.url).pathname;

/** Builds the web client into dist/web (the benchmarks; the tests' global setup builds it once per run). */
export function buildWeb(): void {
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'], { stdio: 'inherit' });
  mkdirSync(screenshotDirectory, { recursive: true });
}

/**
 * The web client, built by the global setup when its sources changed (one build per run, before
 * any file serves dist/web: a rebuild under a running browser would pull its pages away).
 */
export async function ensureWebBuilt(): Promise<void> {
  mkdirSync(screenshotDirectory, { recursive: true });
  if (!existsSync('dist/web/index.html')) throw new Error('the global setup did not build the web client');
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
}

export interface ScenarioSite { database: Database; app: FastifyInstance; url: string; browser: Browser; close(): Promise<void> }

/**
 * The built web client served by the real app on the embedded database, loaded with the planted
 * demo scenario, and a Chromium to drive it (the end-to-end test files share this set-up).
 */
export async function openScenarioSite(configOverrides: Partial<Config> = {}): Promise<ScenarioSite> {
  await ensureWebBuilt();
  const database = connect('embedded');
  await emptyBusinessTables(database.pool);
  await loadPlantedScenario(database.pool);
  const app = await buildApp({ database, databaseVersions: await readVersions(database.pool), config: { ...loadConfig({}), ...configOverrides }, serveWeb: true });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await launchChromium();
  return {
    database, app, url, browser,
    async close() {
      await browser.close();
      await app.close();
      await database.close();
    },
  };
}

/**
 * Signs `username` in over HTTP and gives the page's browser context the session cookies, so that
 * the page's first navigation is the page under test. (Signing in through the form lands on the
 * map, and a test that then navigated away while the map was still starting saw elements of the
 * next page detached; the form itself is tested in every-screen and public-and-admin.)
 */
export async function signInByRequest(page: Page, url: string, username: string): Promise<void> {
  // The context's request API keeps the answer's cookies in the page's context.
  const response = await page.context().request.post(`${url}/api/auth/sign-in`, { data: { username, password: testPassword } });
  if (response.status() !== 200) throw new Error(`sign-in of ${username} answered ${response.status()}: ${await response.text()}`);
}

/** Chooses a YYYY-MM month in a MonthField (web/components/month-field.tsx): year, then month. */
export async function chooseMonth(page: Page, id: string, month: string): Promise<void> {
  const [year, number] = month.split('-');
  await page.selectOption(`#${id}-year`, year);
  await page.selectOption(`#${id}-month`, number);
  await page.waitForSelector(`#${id}[data-value="${month}"]`);
}

/** The YYYY-MM month a MonthField holds. */
export async function monthValue(page: Page, id: string): Promise<string | null> {
  return page.getAttribute(`#${id}`, 'data-value');
}

/**
 * Waits until the page has settled (rather than a fixed 1.5 s): no API request under way for 300 ms,
 * nothing left saying « Chargement », and the analysts' maps (`.sillage-map`) idle. (The load state
 * `networkidle` never came on the map pages: 30 s timeouts.)
 */
export async function settled(page: Page): Promise<void> {
  const inFlight = pending.get(page)!;
  for (let quiet = 0; quiet < 3;) {
    await page.waitForTimeout(100);
    quiet = inFlight.size === 0 ? quiet + 1 : 0;
  }
  await page.waitForFunction(() => ![...document.querySelectorAll('[role="status"]')].some((s) => s.textContent?.startsWith('Chargement'))
    && [...document.querySelectorAll('.sillage-map')].every((m) => (m as HTMLElement).dataset.mapIdle === 'true'), undefined, { timeout: 30_000 });
}

/** The API requests under way, per page. */
const pending = new WeakMap<Page, Set<unknown>>();

export function trackRequests(page: Page): Page {
  const inFlight = new Set<unknown>();
  pending.set(page, inFlight);
  page.on('request', (request) => { if (['fetch', 'xhr'].includes(request.resourceType())) inFlight.add(request); });
  page.on('requestfinished', (request) => inFlight.delete(request));
  page.on('requestfailed', (request) => inFlight.delete(request));
  return page;
}
