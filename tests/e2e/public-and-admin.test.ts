/**
 * In a real Chromium: a member of the public reports a deal point from the map (no account) and
 * gets a receipt; an admin signs in and reads the audit trail, which has recorded it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Database } from '../../server/database/connection.js';
import { ensureUser, testPassword } from '../helpers/databases.js';
import { openScenarioSite, screenshotDirectory, type ScenarioSite } from '../helpers/browser.js';

let site: ScenarioSite;
let database: Database;
let url: string;
let browser: Browser;
const problems: string[] = [];

async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  page.on('pageerror', (error) => problems.push(`${path}: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`${path}: ${message.text()}`); });
  await page.goto(url + path);
  return page;
}

beforeAll(async () => {
  site = await openScenarioSite({ reportRateLimitPerMinute: 100 });
  ({ database, url, browser } = site);
}, 240_000);

afterAll(async () => site?.close());

describe('the home page', () => {
  it('says the data are synthetic and leads to the report page and the sign-in', async () => {
    const page = await openPage('/');
    await page.waitForSelector('[data-testid="synthetic-banner"]');
    expect(await page.textContent('[data-testid="synthetic-banner"]')).toMatch(/Données de démonstration synthétiques : \d[\d\s\u202f]* points/);
    expect(await page.getAttribute('a:has-text("Signaler un point de deal suspecté")', 'href')).toBe('/signaler');
    expect(await page.getAttribute('a:has-text("Statistiques publiques")', 'href')).toBe('/statistiques');
    await page.screenshot({ path: `${screenshotDirectory}/accueil.png` });
    await page.close();
  }, 30_000);
});

describe('the navigation on a phone (390 x 844)', () => {
  it('hides the links behind a menu button that opens them, marks the current page and closes on Escape', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'fr-FR' });
    page.on('pageerror', (error) => problems.push(`phone menu: ${error.message}`));
    await page.goto(`${url}/statistiques`);
    const navigation = page.getByRole('navigation', { name: 'Menu principal' });
    await page.waitForSelector('[data-testid="synthetic-banner"]');
    expect(await navigation.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.getByRole('button', { name: 'Menu' }).click();
    await navigation.waitFor({ state: 'visible' });
    expect(await navigation.getByRole('link').allTextContents()).toEqual(['Statistiques', 'Signaler un point de deal']); // the public's two pages
    expect(await navigation.getByRole('link', { name: 'Statistiques' }).getAttribute('aria-current')).toBe('page');
    expect(await page.getByRole('link', { name: 'Se connecter' }).first().isVisible()).toBe(true);
    await page.screenshot({ path: `${screenshotDirectory}/menu-telephone.png` });
    await page.keyboard.press('Escape');
    await navigation.waitFor({ state: 'hidden' });
    await page.close();
  }, 30_000);
});

describe('the public report page', () => {
  it('places a pin in Pertuis from the commune search, sends the report and shows the receipt', async () => {
    const page = await openPage('/signaler');
    await page.waitForSelector('[data-testid="synthetic-banner"]');
    await page.waitForSelector('[data-map-idle="true"]', { timeout: 30_000 });
    await page.fill('#commune', 'Pertuis');
    await page.click('button:has-text("Pertuis (84)")');
    await page.waitForTimeout(900);
    await page.waitForSelector('[data-map-idle="true"]');
    const box = (await page.locator('[data-testid="report-map"]').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction(() => document.querySelector('[data-testid="pin-status"]')?.textContent?.includes('Pertuis (84)'));
    await page.check('#seen-vente', { force: true });
    await page.check('#seen-guetteurs', { force: true });
    await page.check('#time-soiree', { force: true });
    await page.fill('#description', 'Vente chaque soir près de la place, guetteurs à l’entrée de la rue.');
    await page.waitForSelector('button[type="submit"]:not([disabled])', { timeout: 10_000 });
    await page.screenshot({ path: `${screenshotDirectory}/signaler.png`, fullPage: true });
    await page.click('button[type="submit"]');
    const receipt = await page.waitForSelector('[data-testid="receipt"]');
    const text = (await receipt.textContent())!;
    const number = /SIG-[0-9A-HJ-NP-Z]{10}/.exec(text)?.[0];
    expect(number).toBeDefined();
    await page.screenshot({ path: `${screenshotDirectory}/signaler-recepisse.png` });
    const { rows } = await database.pool.query('SELECT commune_insee, seen, times_of_day, location_precision FROM public_reports WHERE receipt = $1', [number]);
    expect(rows[0]).toEqual({ commune_insee: '84089', seen: ['vente', 'guetteurs'], times_of_day: ['soiree'], location_precision: 'pin' });
    await page.close();
  }, 60_000);

  it('shows the API error when the form is incomplete', async () => {
    const page = await openPage('/signaler');
    await page.waitForSelector('button[type="submit"]:not([disabled])', { timeout: 10_000 });
    await page.click('button[type="submit"]');
    await page.waitForSelector('.fr-alert--error');
    expect(await page.textContent('.fr-alert--error')).toContain('Placez un repère');
    await page.close();
  }, 30_000);
});

describe('the admin screens', () => {
  it('signs in and lists the audit trail, with a CSV export', async () => {
    const username = await ensureUser(database.pool, 'admin');
    const page = await openPage('/connexion');
    await page.fill('#username', username);
    await page.fill('#password', 'not the password');
    await page.click('button[type="submit"]');
    await page.waitForSelector('.fr-alert--error');
    expect(await page.textContent('.fr-alert--error')).toContain('Identifiant inconnu ou mot de passe erroné');
    await page.fill('#password', testPassword);
    await page.click('button[type="submit"]');
    await page.waitForURL('**/admin/journal');
    await page.waitForSelector('[data-testid="audit-table"] tbody tr');
    const rows = await page.locator('[data-testid="audit-table"] tbody tr').count();
    expect(rows).toBeGreaterThan(1);
    // Routes, areas and actions read in French (the raw route in the cell's title).
    expect(await page.textContent('[data-testid="audit-table"]')).toContain('Signalements du public (envoi)');
    expect(await page.locator('[data-testid="audit-table"] td[title="POST /api/public/reports"]').count()).toBeGreaterThan(0);
    await page.selectOption('#filter-action', 'sign_in_failed');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="audit-table"] tbody tr')].every((r) => r.textContent?.includes('Échec de connexion')));
    await page.selectOption('#filter-action', '');
    await page.waitForSelector('[data-testid="audit-table"] tbody tr');
    await page.screenshot({ path: `${screenshotDirectory}/journal.png`, fullPage: false });
    // A partial username filters the table and the CSV export alike; "exact" asks for the whole name.
    await page.fill('#filter-username', 'ADMIN');
    await page.waitForFunction(() => { const rows = [...document.querySelectorAll('[data-testid="audit-table"] tbody tr')]; return rows.length > 0 && rows.every((r) => r.children[1].textContent === 'test.admin'); });
    let href = (await page.getAttribute('[data-testid="csv-export"]', 'href'))!;
    expect(href).toContain('username_contains=ADMIN');
    let csv = await page.request.get(url + href);
    expect(csv.headers()['content-type']).toMatch(/text\/csv/);
    const [header, ...lines] = (await csv.text()).replace(/^\ufeff/, '').trim().split('\n');
    expect(header).toBe('id;occurred_at;username;role;action;method;route;status_code;area;time_window;record_count;session_ref');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.split(';')[2] === 'test.admin')).toBe(true);
    await page.click('label[for="filter-username-exact"]');
    // Nobody is called "ADMIN" exactly: the table empties.
    await page.waitForSelector('[data-testid="audit-empty"]');
    href = (await page.getAttribute('[data-testid="csv-export"]', 'href'))!;
    expect(href).toContain('username=ADMIN');
    csv = await page.request.get(url + href);
    expect((await csv.text()).replace(/^\ufeff/, '').trim().split('\n').length).toBe(1);
    await page.fill('#filter-username', 'test.admin');
    await page.waitForSelector('[data-testid="audit-table"] tbody tr');
    await page.screenshot({ path: `${screenshotDirectory}/journal-filtered.png`, fullPage: false });
    await page.close();
  }, 60_000);

  it('lets a user activate an account the admin created, with a password of their own', async () => {
    const admin = await ensureUser(database.pool, 'admin');
    const username = `depute.nouveau.${Date.now() % 100000}`;
    const request = (await browser.newContext()).request;
    const adminSession = await request.post(`${url}/api/auth/sign-in`, { data: { username: admin, password: testPassword } });
    const csrf = (await adminSession.json()).csrf_token;
    const invited = await request.post(`${url}/api/admin/users`, { data: { username, role: 'deputy' }, headers: { 'x-csrf-token': csrf } });
    expect(invited.status()).toBe(201);
    const { activation_code } = await invited.json();
    expect(activation_code).toMatch(/^[A-Z2-9-]{23}$/);
    const page = await openPage(`/activer?identifiant=${username}`);
    expect(await page.inputValue('#username')).toBe(username);
    await page.fill('#code', activation_code);
    await page.fill('#password', 'court');
    await page.fill('#confirmation', 'court');
    await page.click('button[type="submit"]');
    await page.waitForSelector('.fr-alert--error');
    expect(await page.textContent('.fr-alert--error')).toContain('au moins 12 caractères');
    await page.fill('#password', 'mon mot de passe à moi');
    await page.fill('#confirmation', 'mon mot de passe à moi');
    await page.screenshot({ path: `${screenshotDirectory}/activation.png` });
    await page.click('button[type="submit"]');
    await page.waitForSelector('.fr-alert--success');
    // Not yet: a second person must approve the account (the admin alone never opens data with it).
    await page.click('.fr-alert--success a');
    await page.waitForURL('**/connexion**');
    await page.fill('#password', 'mon mot de passe à moi');
    await page.click('button[type="submit"]');
    await page.waitForSelector('.fr-alert--error');
    expect(await page.textContent('.fr-alert--error')).toContain('attend la validation');
    // An OFAST analyst approves it on the accounts screen.
    const ofastContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    await ofastContext.request.post(`${url}/api/auth/sign-in`, { data: { username: await ensureUser(database.pool, 'national_analyst'), password: testPassword } });
    const approver = await ofastContext.newPage();
    approver.on('pageerror', (error) => problems.push(`/comptes: ${error.message}`));
    await approver.goto(`${url}/comptes`);
    const row = approver.locator('[data-testid="pending-accounts"] li', { hasText: username });
    await row.waitFor();
    await approver.screenshot({ path: `${screenshotDirectory}/comptes.png` });
    approver.once('dialog', (dialog) => dialog.accept());
    await row.locator('button:has-text("Valider le compte")').click();
    await approver.waitForSelector(`text=Compte ${username} validé.`);
    await approver.close();
    await page.goto(`${url}/connexion?identifiant=${username}`);
    await page.waitForURL('**/connexion**');
    expect(await page.inputValue('#username')).toBe(username);
    await page.fill('#password', 'mon mot de passe à moi');
    await page.click('button[type="submit"]');
    await page.waitForURL((u) => u.pathname === '/');
    await page.close();
  }, 60_000);

  it('lets the Vaucluse CROSS accept the report sent from the public page', async () => {
    const username = await ensureUser(database.pool, 'departmental_analyst', ['84']);
    const page = await openPage('/connexion?suite=/moderation');
    await page.fill('#username', username);
    await page.fill('#password', testPassword);
    await page.click('button[type="submit"]');
    await page.waitForURL('**/moderation');
    const cluster = page.locator('[data-testid="report-cluster"]', { hasText: 'Pertuis (84)' });
    await cluster.waitFor();
    await page.screenshot({ path: `${screenshotDirectory}/moderation.png`, fullPage: true });
    const first = cluster.locator('[data-testid="report"] button').first();
    const receipt = /SIG-[0-9A-HJ-NP-Z]{10}/.exec((await first.textContent())!)![0];
    await first.click();
    await page.locator('[data-testid="report-detail"] button', { hasText: /Créer un point candidat|Rattacher au point/ }).first().click();
    await page.click('[role="alertdialog"] button:has-text("Confirmer")');
    await page.waitForSelector(`.fr-alert--success:has-text("${receipt} accepté")`);
    const { rows } = await database.pool.query(`SELECT r.status, d.verification, d.source_code FROM public_reports r JOIN deal_points d ON d.id = r.deal_point_id WHERE r.receipt = $1`, [receipt]);
    expect(rows[0]).toMatchObject({ status: 'accepted' });
    // The list reloads after the notice: wait for the accepted report to leave the pending list.
    await expect.poll(() => page.locator('[data-testid="report"]', { hasText: receipt }).count(), { timeout: 10_000 }).toBe(0);
    await page.close();
  }, 60_000);

  it('raised no error in the browser console', () => {
    // The wrong-password answer (401) and the not-yet-approved sign-in (403) are expected console errors.
    expect(problems.filter((p) => !p.includes('401') && !p.includes('status of 403'))).toEqual([]);
  });
});
