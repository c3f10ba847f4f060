/**
 * In a real Chromium: an analyst reviews the duplicates two services reported in Seine-Saint-Denis
 * (the registry variant of the scenario), sees a pair side by side on the small map, merges it
 * after confirming, and undoes the merge; the analysts' map keeps the points confirmed by at least
 * K sources; candidate points from accepted reports are confirmed or discarded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { readVersions, type Database } from '../../server/database/connection.js';
import { readScenarioGeography, loadScenario } from '../../server/services/scenario.js';
import { generateScenario } from '../../server/domain/scenario/generate.js';
import { serializeScenario } from '../../server/domain/scenario/serialize.js';
import { connect, emptyBusinessTables, ensureUser } from '../helpers/databases.js';
import { ensureWebBuilt, launchChromium, screenshotDirectory, signInByRequest } from '../helpers/browser.js';
import { acceptReport, createReport } from '../../server/services/public-reports.js';

let database: Database;
let app: FastifyInstance;
let url: string;
let browser: Browser;
const problems: string[] = [];

beforeAll(async () => {
  await ensureWebBuilt();
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
  await signInByRequest(page, url, username);
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

describe('the map of points confirmed by several sources', () => {
  it('draws only the points with at least K independent sources, K held in the URL', async () => {
    const page = await signedInPage('national_analyst');
    const renderedIds = () => page.evaluate(() => (window as unknown as { sillageMap: { renderedPointIds(): number[] } }).sillageMap.renderedPointIds());
    const idle = async () => {
      await page.waitForSelector('[data-testid="analyst-map"][data-map-idle="true"]', { timeout: 30_000 });
      await page.waitForTimeout(300);
      await page.waitForSelector('[data-testid="analyst-map"][data-map-idle="true"]', { timeout: 30_000 });
    };
    await page.goto(`${url}/?c=2.3590,48.9362&z=13.5&l=points`);
    await idle();
    const all = await renderedIds();
    expect(all.length).toBeGreaterThan(5);
    // A second service observes three of the points drawn: they have two sources.
    const confirmed = all.slice(0, 3);
    for (const id of confirmed) {
      await database.pool.query(`INSERT INTO deal_point_observations (deal_point_id, observed_on, activity_level, source_code) VALUES ($1, '2025-11-28', 2, 'douane') ON CONFLICT DO NOTHING`, [id]);
    }
    const { rows } = await database.pool.query('SELECT id FROM deal_points WHERE id = ANY($1) AND deal_point_sources_count(id) >= 2 ORDER BY id', [all]);
    const expected = rows.map((r) => Number(r.id));
    expect(expected).toEqual(expect.arrayContaining(confirmed));
    expect(expected.length).toBeLessThan(all.length);
    await page.selectOption('#min-sources', '2');
    await page.waitForURL(/sources=2/);
    await page.waitForFunction((n) => (window as unknown as { sillageMap: { renderedPointIds(): number[] } }).sillageMap.renderedPointIds().length === n, expected.length, { timeout: 30_000 });
    await idle();
    expect(await renderedIds()).toEqual(expected);
    await page.screenshot({ path: `${screenshotDirectory}/carte-sources-2.png` });
    // Back to every point: the URL forgets K.
    await page.selectOption('#min-sources', '1');
    await page.waitForFunction((n) => (window as unknown as { sillageMap: { renderedPointIds(): number[] } }).sillageMap.renderedPointIds().length === n, all.length, { timeout: 30_000 });
    expect(page.url()).not.toContain('sources=');
    await page.close();
    // A shared URL restores K, on a phone too.
    const phone = await signedInPage('national_analyst', { width: 390, height: 844 });
    await phone.goto(`${url}/?c=2.3590,48.9362&z=13.5&l=points&sources=2`);
    await phone.waitForSelector('[data-testid="analyst-map"][data-map-idle="true"]', { timeout: 30_000 });
    expect(await phone.inputValue('#min-sources')).toBe('2');
    await phone.waitForFunction(() => (window as unknown as { sillageMap: { renderedPointIds(): number[] } }).sillageMap.renderedPointIds().length > 0, undefined, { timeout: 30_000 });
    const shown = await phone.evaluate(() => (window as unknown as { sillageMap: { renderedPointIds(): number[] } }).sillageMap.renderedPointIds());
    expect(shown.every((id) => expected.includes(id))).toBe(true);
    await phone.screenshot({ path: `${screenshotDirectory}/carte-sources-2-mobile.png` });
    await phone.close();
    expect(problems).toEqual([]);
  }, 120_000);
});

describe('candidate points from accepted reports', () => {
  it('lists the candidates, confirms one (active from its report) and discards another, each after confirmation', async () => {
    // Two spots of Seine-Saint-Denis with no deal point within 150 m: accepted, they make candidates.
    const { rows: spots } = await database.pool.query(
      `SELECT lon, lat FROM (SELECT 2.30 + (i % 30) * 0.01 AS lon, 48.86 + (i / 30) * 0.01 AS lat FROM generate_series(0, 899) i) g
       WHERE EXISTS (SELECT 1 FROM communes c WHERE c.department_code = '93' AND ST_Contains(c.geom, ST_SetSRID(ST_MakePoint(lon, lat), 4326)))
         AND NOT EXISTS (SELECT 1 FROM deal_points d WHERE d.geom && ST_Expand(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 0.003)
                           AND ST_DWithin(d.geom::geography, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography, 150))
         AND NOT EXISTS (SELECT 1 FROM public_reports r WHERE ST_DWithin(r.geom::geography, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography, 300))
       ORDER BY lat, lon LIMIT 2`);
    expect(spots.length).toBe(2);
    const username = await ensureUser(database.pool, 'national_analyst');
    const { rows: [{ id: analystId }] } = await database.pool.query('SELECT id FROM users WHERE username = $1', [username]);
    const candidates: { id: number; receipt: string }[] = [];
    for (const spot of spots) {
      const { receipt } = await createReport(database.pool, { longitude: Number(spot.lon), latitude: Number(spot.lat), precision: 'pin', seen: ['vente'], timesOfDay: ['nuit'], description: null });
      const { rows: [{ id }] } = await database.pool.query('SELECT id FROM public_reports WHERE receipt = $1', [receipt]);
      const accepted = await acceptReport(database.pool, Number(id), Number(analystId), null);
      expect(accepted.created_candidate).toBe(true);
      candidates.push({ id: Number(accepted.deal_point_id), receipt });
    }
    // The first has waited 45 days: it is marked as old; the second, created today, is not.
    await database.pool.query(`UPDATE deal_points SET created_at = now() - interval '45 days' WHERE id = $1`, [candidates[0].id]);
    const page = await signedInPage('national_analyst');
    await page.goto(`${url}/moderation`);
    const first = page.locator('[data-testid="candidate"]', { hasText: `Point candidat n° ${candidates[0].id}` });
    await first.waitFor();
    expect(await first.textContent()).toContain(candidates[0].receipt);
    expect(await first.locator('[data-testid="old-candidate"]').textContent()).toBe('en attente depuis 45 jours');
    expect(await page.locator('[data-testid="candidate"]', { hasText: `Point candidat n° ${candidates[1].id}` }).locator('[data-testid="old-candidate"]').count()).toBe(0);
    // Its small map: the candidate itself, labelled, and the caption's counts of what lies within 300 m.
    await first.locator(`button:has-text("Voir le point n° ${candidates[0].id} sur une carte")`).click();
    await first.locator('[data-testid="candidate-map"]').waitFor();
    await page.waitForFunction((id) => {
      const map = (window as unknown as { candidateMap?: { renderedComparedLabels(): string[] } }).candidateMap;
      return map?.renderedComparedLabels().includes(`Candidat n° ${id}`);
    }, candidates[0].id, { timeout: 20_000 });
    const { rows: [near] } = await database.pool.query(
      `SELECT count(*)::int AS n FROM deal_points d, public_reports r WHERE r.receipt = $1 AND d.verification = 'confirmed' AND ST_DWithin(d.geom::geography, r.geom::geography, 300)`, [candidates[0].receipt]);
    expect(await first.locator('figcaption').textContent()).toBe(`Point candidat en bleu ; à moins de 300 m : ${near.n} point${near.n > 1 ? 's' : ''} confirmé${near.n > 1 ? 's' : ''} (gris) et 0 autre signalement (orange).`);
    await page.screenshot({ path: `${screenshotDirectory}/moderation-candidats.png`, fullPage: true });
    await first.locator(`button:has-text("Confirmer le point n° ${candidates[0].id}")`).click();
    await first.locator('[role="alertdialog"]').waitFor();
    await first.locator('[role="alertdialog"] button:has-text("Confirmer")').click();
    await page.waitForSelector(`[data-testid="candidates"] .fr-alert--success:has-text("Point n° ${candidates[0].id} confirmé")`);
    const { rows: [point] } = await database.pool.query(
      `SELECT d.verification, (SELECT array_agg(e.status || ' ' || e.effective_on::text) FROM deal_point_status_events e WHERE e.deal_point_id = d.id) AS events,
              (SELECT to_char(reported_on, 'YYYY-MM-DD') FROM public_reports WHERE receipt = $2) AS reported_on
       FROM deal_points d WHERE d.id = $1`, [candidates[0].id, candidates[0].receipt]);
    expect(point).toEqual({ verification: 'confirmed', events: [`active ${point.reported_on}`], reported_on: point.reported_on });
    await page.locator('[data-testid="candidate"]', { hasText: `Point candidat n° ${candidates[0].id}` }).waitFor({ state: 'detached' });

    const second = page.locator('[data-testid="candidate"]', { hasText: `Point candidat n° ${candidates[1].id}` });
    await second.locator('button:has-text("Écarter")').click();
    await second.locator('#discard-reason').fill('Patrouille de nuit : rien constaté');
    await second.locator('[role="alertdialog"] button:has-text("Confirmer")').click();
    await page.waitForSelector(`[data-testid="candidates"] .fr-alert--success:has-text("Point candidat n° ${candidates[1].id} écarté")`);
    expect((await database.pool.query('SELECT 1 FROM deal_points WHERE id = $1', [candidates[1].id])).rows).toEqual([]);
    expect((await database.pool.query('SELECT status, rejection_reason FROM public_reports WHERE receipt = $1', [candidates[1].receipt])).rows[0])
      .toEqual({ status: 'rejected', rejection_reason: 'Lieu sans activité constatée : Point candidat écarté : Patrouille de nuit : rien constaté' });
    const { rows: journal } = await database.pool.query(`SELECT route, area FROM audit_log WHERE route LIKE '/api/moderation/candidates/%' ORDER BY id DESC LIMIT 2`);
    expect(journal.map((j) => j.route)).toEqual(['/api/moderation/candidates/:id/discard', '/api/moderation/candidates/:id/confirm']);
    await page.close();
    const phone = await signedInPage('national_analyst', { width: 390, height: 844 });
    await phone.goto(`${url}/moderation`);
    await phone.waitForSelector('[data-testid="candidates"] h2');
    await phone.screenshot({ path: `${screenshotDirectory}/moderation-candidats-mobile.png` });
    await phone.close();
    expect(problems).toEqual([]);
  }, 120_000);
});
