/**
 * Every user, every screen, every device (issue 19), in a real Chromium: the analysts' map on a
 * phone (full width, controls in a sheet), axe-core scans of the main pages (no serious or
 * critical violation), a title and one h1 per page, the footer's mandatory links, unknown URLs,
 * and a shared link opened signed out that comes back after signing in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import type { Database } from '../../server/database/connection.js';
import { ensureUser, testPassword } from '../helpers/databases.js';
import { openScenarioSite, screenshotDirectory, settled, trackRequests, type ScenarioSite } from '../helpers/browser.js';
import type { Role } from '../../server/domain/access.js';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let site: ScenarioSite;
let database: Database;
let url: string;
let browser: Browser;

async function pageAs(role: Role | null, width = 1440, height = 900): Promise<Page> {
  // bypassCSP: the app's policy forbids injected scripts, and axe is one.
  const page = trackRequests(await (await browser.newContext({ viewport: { width, height }, locale: 'fr-FR', bypassCSP: true })).newPage());
  if (role) {
    await page.goto(`${url}/connexion`);
    await page.fill('#username', await ensureUser(database.pool, role, role === 'departmental_analyst' || role === 'prefect' ? ['84'] : []));
    await page.fill('#password', testPassword);
    await page.click('button[type="submit"]');
    await page.waitForURL((u) => !u.pathname.startsWith('/connexion'));
  }
  return page;
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run();
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

beforeAll(async () => {
  site = await openScenarioSite();
  ({ database, url, browser } = site);
}, 240_000);

afterAll(async () => site?.close());

describe('the analysts map on a phone (390 x 844)', () => {
  it('gives the map the whole width and opens its controls in a sheet, closed by its button', async () => {
    const page = await pageAs('national_analyst', 390, 844);
    await page.goto(`${url}/`);
    await page.waitForSelector('[data-testid="analyst-map"] canvas');
    const canvas = (await page.locator('[data-testid="analyst-map"] canvas').boundingBox())!;
    expect(canvas.width).toBeGreaterThanOrEqual(0.9 * 390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const opener = page.getByRole('button', { name: 'Commandes de la carte' });
    const box = (await opener.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(844); // within reach, at the bottom of the screen
    expect(await page.locator('#window-to').isVisible()).toBe(false);
    await page.screenshot({ path: `${screenshotDirectory}/carte-telephone.png` });
    await opener.click();
    await page.locator('#window-to').waitFor({ state: 'visible' });
    const to = (await page.locator('#window-to').boundingBox())!;
    expect(to.x + to.width).toBeLessThanOrEqual(390); // "Fin" not clipped
    await page.check('#cumulative', { force: true });
    expect(await page.isChecked('#cumulative')).toBe(true);
    await page.screenshot({ path: `${screenshotDirectory}/carte-telephone-commandes.png` });
    await page.getByRole('button', { name: 'Fermer' }).last().click();
    await page.locator('#window-to').waitFor({ state: 'hidden' });
    expect(await page.locator('h1').count()).toBe(1);
    await page.context().close();
  }, 60_000);
});

describe('accessibility of the main pages (axe-core)', () => {
  const plan: [Role | null, string[]][] = [
    [null, ['/', '/statistiques', '/signaler', '/connexion', '/accessibilite', '/mentions-legales', '/donnees-personnelles']],
    ['national_analyst', ['/', '/operations', '/points', '/instantanes', '/moderation']],
    ['deputy', ['/', '/instantanes']],
    ['admin', ['/admin/journal', '/admin/comptes']],
  ];
  for (const [role, paths] of plan) {
    for (const width of [1440, 390]) {
      it(`has no serious or critical violation, one h1 and its own title, as ${role ?? 'the public'} at ${width} px`, async () => {
        const page = await pageAs(role, width, width === 390 ? 844 : 900);
        const titles = new Set<string>();
        for (const path of paths) {
          await page.goto(url + path);
          await page.waitForSelector('h1');
          await settled(page);
          expect(await seriousViolations(page), `${path} at ${width}`).toEqual([]);
          expect(await page.locator('h1').count(), path).toBe(1);
          titles.add(await page.title());
          expect(await page.getByRole('link', { name: 'Contenu' }).count()).toBe(1);
          for (const name of ['Accessibilité : non conforme', 'Mentions légales', 'Données personnelles']) expect(await page.getByRole('link', { name }).count(), name).toBe(1);
        }
        expect(titles.size).toBe(paths.length);
        await page.context().close();
      }, 120_000);
    }
  }
});

describe('the flow between pages', () => {
  it('shows a French "page introuvable" for an unknown URL', async () => {
    const page = await pageAs(null);
    await page.goto(`${url}/nulle-part`);
    await page.waitForSelector('h1');
    expect(await page.textContent('h1')).toBe('Page introuvable');
    expect(await page.title()).toBe('Page introuvable — Sillage');
    await page.context().close();
  }, 30_000);

  it('brings a shared link opened signed out back after signing in, and says so on /connexion once signed in', async () => {
    const page = await pageAs(null);
    const username = await ensureUser(database.pool, 'national_analyst');
    // The page sends a signed-out reader to /connexion itself, which may abort the first load's navigation: wait on the address.
    await page.goto(`${url}/operations`, { waitUntil: 'commit' }).catch(() => {});
    await page.waitForFunction(() => location.pathname === '/connexion' && location.search.includes('suite='), undefined, { timeout: 20_000 });
    await page.waitForSelector('#username');
    await page.fill('#username', username);
    await page.fill('#password', testPassword);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${url}/operations`);
    await page.goto(`${url}/connexion`);
    await page.waitForSelector('[data-testid="already-signed-in"]');
    expect(await page.textContent('[data-testid="already-signed-in"]')).toContain(`déjà connecté en tant que ${username}`);
    await page.context().close();
  }, 60_000);

  it('tells a signed-in user without the role that the page is reserved, without asking to sign in', async () => {
    const page = await pageAs('deputy');
    await page.goto(`${url}/admin/journal`);
    await page.waitForSelector('h1');
    expect(await page.textContent('h1')).toBe('Accès réservé');
    expect(await page.textContent('main')).toContain('réservée aux administrateurs');
    expect(await page.locator('main a', { hasText: 'Se connecter' }).count()).toBe(0);
    await page.context().close();
  }, 30_000);
});
