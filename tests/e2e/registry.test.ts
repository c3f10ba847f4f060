/**
 * In a real Chromium: an analyst reviews the duplicates two services reported in Seine-Saint-Denis
 * (the registry variant of the scenario), sees a pair side by side on the small map, merges it
 * after confirming, and undoes the merge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { readVersions, type Database } from '../../server/database.js';
import { readScenarioGeography, loadScenario } from '../../server/services/scenario.js';
import { generateScenario } from '../../server/domain/scenario/generate.js';
import { serializeScenario } from '../../server/domain/scenario/serialize.js';
import { connect, emptyBusinessTables, ensureUser } from '../helpers/databases.js';
import { buildWeb, launchChromium, screenshotDirectory, signInThroughForm } from '../helpers/browser.js';
import { createReport } from '../../server/services/public-reports.js';

let database: Database;
let app: FastifyInstance;
let url: string;
let browser: Browser;
const problems: string[] = [];

beforeAll(async () => {
  await buildWeb();
  database = connect('embedded');
  await emptyBusinessTables(database.pool);
  const geography = readScenarioGeography();
  const full = generateScenario({ seed: 20190101, variant: 'planted', communes: geography.communes, trafficking: geography.trafficking, duplicates: { share: 0.15 } });
  const points = full.points.filter((p) => p.department === '93');
  const kept = new Set(points.map((p) => `${p.source}|${p.externalId}`));
  await loadScenario(database.pool, serializeScenario({ ...full, points, observations: full.observations.filter((o) => kept.has(`${o.pointSource}|${o.pointExternalId}`)) }));
  app = await buildApp({ database, databaseVersions: await readVersions(database.pool), config: loadConfig({}), serveWeb: true });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await database?.close();
});

async function signedInPage(role: 'national_analyst' | 'admin', viewport = { width: 1440, height: 900 }): Promise<Page> {
  const username = await ensureUser(database.pool, role);
  const page = await browser.newPage({ viewport, locale: 'fr-FR' });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  await signInThroughForm(page, url, username);
  return page;
}

const renderedLabels = (page: Page) => page.evaluate(() => (window as unknown as { duplicateMap: { renderedComparedLabels(): string[] } }).duplicateMap.renderedComparedLabels());

describe('the duplicate review', () => {
  it('shows a proposed pair side by side on the map, merges it after confirmation, and undoes the merge', async () => {
    const page = await signedInPage('national_analyst');
    await page.goto(`${url}/doublons?departement=93`);
    await page.waitForSelector('[data-testid="duplicate-proposals"] button');
    const { rows: [{ n: pointsBefore }] } = await database.pool.query('SELECT count(*)::int AS n FROM deal_points');
    const proposals = await page.locator('[data-testid="duplicate-proposals"] button').count();
    expect(proposals).toBeGreaterThan(20);
    await page.locator('[data-testid="duplicate-proposals"] button').first().click();
    await page.waitForSelector('[data-testid="point-b"]');
    await page.waitForSelector('[data-testid="duplicate-map"][data-map-idle="true"]', { timeout: 30_000 });
    await page.waitForFunction(() => (window as unknown as { duplicateMap?: { renderedComparedLabels(): string[] } }).duplicateMap?.renderedComparedLabels().length === 2);
    const labels = await renderedLabels(page);
    expect(labels[0]).toMatch(/^A · /);
    expect(labels[1]).toMatch(/^B · /);
    // The URL names the pair, so it can be shared.
    const shown = new URL(page.url());
    const [a, b] = [Number(shown.searchParams.get('a')), Number(shown.searchParams.get('b'))];
    expect(a).toBeGreaterThan(0);
    await page.screenshot({ path: `${screenshotDirectory}/doublons.png`, fullPage: true });

    // Merging asks first; going back changes nothing.
    await page.click('button:has-text("Fusionner dans A")');
    await page.waitForSelector('[role="alertdialog"]');
    await page.click('button:has-text("Revenir")');
    expect((await database.pool.query('SELECT count(*)::int AS n FROM deal_points')).rows[0].n).toBe(pointsBefore);
    await page.click('button:has-text("Fusionner dans A")');
    await page.click('[role="alertdialog"] button:has-text("Confirmer")');
    await page.waitForSelector('.fr-alert--success:has-text("fusionné")');
    const { rows: identifiers } = await database.pool.query('SELECT deal_point_id FROM deal_point_identifiers WHERE deal_point_id IN ($1, $2)', [a, b]);
    expect(identifiers.map((r) => Number(r.deal_point_id))).toEqual([a, a]);
    // The merged pair leaves the list.
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="duplicate-proposals"] button').length === n, proposals - 1);
    await page.waitForSelector('[data-testid="merges"] tbody tr');

    await page.click('.fr-alert--success button:has-text("Annuler la fusion")');
    await page.waitForSelector('.fr-alert--success:has-text("Fusion annulée")');
    await page.waitForSelector('[data-testid="point-b"]');
    const { rows: restored } = await database.pool.query('SELECT deal_point_id FROM deal_point_identifiers WHERE deal_point_id IN ($1, $2) ORDER BY deal_point_id', [a, b]);
    expect(restored.map((r) => Number(r.deal_point_id))).toEqual([a, b].sort((x, y) => x - y));
    expect(await page.textContent('[data-testid="merges"]')).toContain('annulée');
    await page.waitForSelector('[data-testid="duplicate-map"][data-map-idle="true"]');
    await page.screenshot({ path: `${screenshotDirectory}/doublons-annulee.png`, fullPage: true });
    await page.close();

    const phone = await signedInPage('national_analyst', { width: 390, height: 844 });
    await phone.goto(`${url}/doublons?departement=93&a=${a}&b=${b}`);
    await phone.waitForSelector('[data-testid="point-b"]');
    await phone.waitForSelector('[data-testid="duplicate-map"][data-map-idle="true"]', { timeout: 30_000 });
    await phone.screenshot({ path: `${screenshotDirectory}/doublons-mobile.png`, fullPage: true });
    await phone.close();
    expect(problems).toEqual([]);
  }, 120_000);
});

describe('the moderation of public reports', () => {
  it('shows a report on its small map, accepts it after confirmation, undoes the decision and lists the history', async () => {
    // Two reports of one spot in Saint-Denis, 20 m apart.
    const { receipt } = await createReport(database.pool, { longitude: 2.3590, latitude: 48.9362, precision: 'pin', seen: ['vente'], timesOfDay: ['soiree'], description: 'Vente au pied de la tour' });
    const { receipt: other } = await createReport(database.pool, { longitude: 2.3592, latitude: 48.9363, precision: 'pin', seen: ['guetteurs'], timesOfDay: [], description: null });
    const page = await signedInPage('national_analyst');
    await page.goto(`${url}/moderation`);
    await page.click(`[data-testid="report"] button:has-text("${receipt}")`);
    await page.waitForSelector('[data-testid="report-map"][data-map-idle="true"]', { timeout: 30_000 });
    await page.waitForFunction(() => ((window as unknown as { moderationMap?: { renderedComparedLabels(): string[] } }).moderationMap?.renderedComparedLabels().length ?? 0) >= 2);
    const labels = await page.evaluate(() => (window as unknown as { moderationMap: { renderedComparedLabels(): string[] } }).moderationMap.renderedComparedLabels());
    expect(labels).toEqual(expect.arrayContaining(['Ce signalement', other]));
    await page.screenshot({ path: `${screenshotDirectory}/moderation-carte.png`, fullPage: true });
    await page.locator('[data-testid="report-detail"] button', { hasText: /Créer un point candidat|Rattacher au point/ }).click();
    await page.waitForSelector('[role="alertdialog"]');
    await page.click('[role="alertdialog"] button:has-text("Confirmer")');
    await page.waitForSelector(`.fr-alert--success:has-text("${receipt} accepté")`);
    expect((await database.pool.query('SELECT status FROM public_reports WHERE receipt = $1', [receipt])).rows[0].status).toBe('accepted');
    await page.click('.fr-alert--success button:has-text("Annuler cette décision")');
    await page.waitForSelector('.fr-alert--success:has-text("Décision annulée")');
    expect((await database.pool.query('SELECT status, deal_point_id FROM public_reports WHERE receipt = $1', [receipt])).rows[0]).toEqual({ status: 'pending', deal_point_id: null });
    await page.waitForSelector('[data-testid="decision-history"] li:nth-child(2)');
    expect(await page.textContent('[data-testid="decision-history"]')).toMatch(/Accepté par .*Décision annulée par/s);
    // Rejecting asks for a reason from the list.
    await page.click('[data-testid="report-detail"] button:has-text("Rejeter…")');
    await page.selectOption('#reject-reason', 'sans_activite');
    await page.fill('#reject-text', 'Patrouille sans constat');
    await page.screenshot({ path: `${screenshotDirectory}/moderation-rejet.png`, fullPage: true });
    await page.click('[role="alertdialog"] button:has-text("Confirmer")');
    await page.waitForSelector(`.fr-alert--success:has-text("${receipt} rejeté")`);
    expect((await database.pool.query('SELECT rejection_reason FROM public_reports WHERE receipt = $1', [receipt])).rows[0].rejection_reason).toBe('Lieu sans activité constatée : Patrouille sans constat');
    await page.close();

    // The reporter follows the receipt: examined, nothing more.
    const visitor = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'fr-FR' });
    await visitor.goto(`${url}/signaler/suivi?recepisse=${receipt}`);
    expect(await (await visitor.waitForSelector('[data-testid="receipt-status"]')).textContent()).toMatch(/^Examiné/);
    await visitor.screenshot({ path: `${screenshotDirectory}/suivi-signalement-mobile.png` });
    await visitor.close();

    const phone = await signedInPage('national_analyst', { width: 390, height: 844 });
    await phone.goto(`${url}/moderation`);
    await phone.click(`[data-testid="report"] button:has-text("${other}")`);
    await phone.waitForSelector('[data-testid="report-map"][data-map-idle="true"]', { timeout: 30_000 });
    await phone.screenshot({ path: `${screenshotDirectory}/moderation-mobile.png`, fullPage: true });
    await phone.goto(`${url}/fiabilite?departement=93&mois=6`);
    await phone.waitForSelector('[data-testid="reliability-table"] tbody tr');
    await phone.screenshot({ path: `${screenshotDirectory}/fiabilite-mobile.png` });
    await phone.close();
    const wide = await signedInPage('national_analyst');
    await wide.goto(`${url}/fiabilite?departement=93&mois=6&sources=1`);
    await wide.waitForSelector('[data-testid="reliability-table"] tbody tr');
    expect(await wide.textContent('[data-testid="reliability-summary"]')).toMatch(/points? au/);
    await wide.screenshot({ path: `${screenshotDirectory}/fiabilite.png` });
    await wide.close();
    expect(problems).toEqual([]);
  }, 120_000);
});

describe('the admin accounts screen', () => {
  it('creates a deputy account with its communes and shows the activation code once; deactivates after confirmation', async () => {
    const page = await signedInPage('admin');
    await page.goto(`${url}/admin/comptes`);
    await page.waitForSelector('[data-testid="accounts-table"] tbody tr');
    await page.fill('#account-username', 'depute.vaucluse5');
    await page.selectOption('#account-role', 'deputy');
    await page.fill('#account-communes', '84089, 84031');
    await page.click('button:has-text("Créer le compte")');
    const code = await page.waitForSelector('[data-testid="activation-code"]');
    expect(await code.textContent()).toMatch(/depute\.vaucluse5.*[A-Z0-9]{4}/s);
    const { rows: [user] } = await database.pool.query(`SELECT id, role, password_hash, activation_hash IS NOT NULL AS has_code FROM users WHERE username = 'depute.vaucluse5'`);
    expect(user).toMatchObject({ role: 'deputy', password_hash: null, has_code: true });
    await page.waitForSelector('[data-testid="accounts-table"] tr:has-text("depute.vaucluse5")');
    await page.screenshot({ path: `${screenshotDirectory}/admin-comptes.png`, fullPage: true });
    await page.click('button:has-text("Désactiver depute.vaucluse5")');
    await page.click('[role="alertdialog"] button:has-text("Confirmer")');
    await page.waitForSelector('.fr-alert--success:has-text("désactivé")');
    expect((await database.pool.query(`SELECT active FROM users WHERE username = 'depute.vaucluse5'`)).rows[0].active).toBe(false);
    const { rows: journal } = await database.pool.query(`SELECT route FROM audit_log WHERE action = 'admin' AND route LIKE '/api/admin/users%' ORDER BY id`);
    expect(journal.map((j) => j.route)).toEqual(expect.arrayContaining(['/api/admin/users', '/api/admin/users/:id/constituency', '/api/admin/users/:id']));
    await page.close();
    const phone = await signedInPage('admin', { width: 390, height: 844 });
    await phone.goto(`${url}/admin/comptes`);
    await phone.waitForSelector('[data-testid="accounts-table"] tbody tr');
    await phone.screenshot({ path: `${screenshotDirectory}/admin-comptes-mobile.png` });
    await phone.close();
    expect(problems).toEqual([]);
  }, 90_000);
});
