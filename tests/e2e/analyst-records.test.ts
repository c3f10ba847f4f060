/**
 * Analysts record their work in a real Chromium, on the demo scenario: an operation drawn on the
 * map, listed, its analysis opened; a deal point created by a click, moved by dragging, dismantled,
 * a stale write explained (409); a CSV with bad rows refused with its report, fixed and re-imported
 * without duplicates; a GeoPackage export read by GDAL's ogrinfo; export -> import changes nothing.
 * Screenshots of each new screen at 1440x900 and 390x844.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Database } from '../../server/database/connection.js';
import { ensureUser } from '../helpers/databases.js';
import { openScenarioSite, screenshotDirectory, settled, type ScenarioSite, signInByRequest, trackRequests } from '../helpers/browser.js';

let site: ScenarioSite;
let database: Database;
let url: string;
let browser: Browser;
const problems: string[] = [];
const desktop = { width: 1440, height: 900 };
const phone = { width: 390, height: 844 };

async function analystPage(path: string, viewport = desktop): Promise<Page> {
  const username = await ensureUser(database.pool, 'national_analyst');
  const page = trackRequests(await browser.newPage({ viewport, locale: 'fr-FR', acceptDownloads: true }));
  page.on('pageerror', (error) => problems.push(`${path}: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error' && !/status of 4(09|22)/.test(message.text())) problems.push(`${path}: ${message.text()}`); });
  await signInByRequest(page, url, username);
  await page.goto(url + path);
  return page;
}

async function shoot(path: string, name: string, ready: string): Promise<void> {
  for (const [viewport, suffix] of [[desktop, '1440'], [phone, '390']] as const) {
    const page = await analystPage(path, viewport);
    await page.waitForSelector(ready);
    await settled(page);
    await page.screenshot({ path: `${screenshotDirectory}/${name}-${suffix}.png`, fullPage: false });
    await page.close();
  }
}

const douanePoints = async () => (await database.pool.query<{ external_id: string | null; version: number; lon: number; lat: number }>(
  "SELECT external_id, version, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM deal_points WHERE source_code = 'douane' AND dataset = 'real' ORDER BY id")).rows;

beforeAll(async () => {
  site = await openScenarioSite();
  ({ database, url, browser } = site);
}, 240_000);
afterAll(async () => site?.close());

describe('analysts record their work', () => {
  it('draws an operation, lists it and opens its analysis', async () => {
    const page = await analystPage('/operations?nouvelle=1');
    await page.fill('#operation-name', 'Place nette test Pertuis');
    await page.selectOption('#operation-kind', 'place_nette');
    await page.fill('#operation-started_on', '2023-06-01');
    await page.fill('#operation-ended_on', '2023-06-03');
    await page.fill('#operation-arrests', '4,5');
    await page.click('button[type="submit"]');
    // Errors are shown on the fields, nothing is sent.
    await expect(page.textContent('#operation-arrests-error')).resolves.toContain('entier');
    await expect(page.textContent('[data-testid="target-error"]')).resolves.toContain('Dessinez');
    await page.fill('#operation-arrests', '12');
    const map = (await page.$('[data-testid="draw-map"] canvas'))!;
    await page.waitForTimeout(800);
    const box = (await map.boundingBox())!;
    for (const [dx, dy] of [[-40, -30], [40, -30], [40, 30], [-40, 30]]) await page.mouse.click(box.x + box.width / 2 + dx, box.y + box.height / 2 + dy);
    await expect(page.textContent('[data-testid="draw-map"] + p')).resolves.toContain('4 sommets');
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="operation-saved"]');
    const href = await page.getAttribute('[data-testid="analysis-link"]', 'href');
    const id = Number(/\/operations\/(\d+)/.exec(href!)![1]);
    const { rows } = await database.pool.query('SELECT name, arrests, department_code, ST_NPoints(target) AS points FROM operations WHERE id = $1', [id]);
    expect(rows[0]).toMatchObject({ name: 'Place nette test Pertuis', arrests: 12, points: 5 });
    await page.screenshot({ path: `${screenshotDirectory}/operations-form-1440.png` });

    await page.goto(`${url}/operations?department=${rows[0].department_code}&kind=place_nette`);
    await page.waitForSelector(`[data-testid="operation-table"] tr[data-id="${id}"]`);
    // The list's export takes the list's filters.
    const [listed] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="operation-exports"] a[href^="/api/exports/operations.csv"]')]);
    const listedCsv = readFileSync((await listed.path())!, 'utf8');
    expect(listedCsv.startsWith('\uFEFFid;source;external_id;name;kind;')).toBe(true);
    expect(listedCsv).toContain('Place nette test Pertuis');
    expect(listedCsv.trim().split('\r\n').slice(1).every((l) => l.includes(';place_nette;'))).toBe(true);
    await page.click(`[data-testid="operation-table"] tr[data-id="${id}"] a[href="/operations/${id}"]`);
    await page.waitForURL(`${url}/operations/${id}`);
    await page.waitForFunction(() => /Place nette test Pertuis/.test(document.querySelector('h1')?.textContent ?? ''), undefined, { timeout: 60_000 });
    await page.close();
    await shoot('/operations', 'operations-list', '[data-testid="operation-table"] tbody tr');
    await shoot(`/operations?modifier=${id}`, 'operations-edit', '[data-testid="draw-map"] + p:has-text("4 sommets")');
  }, 180_000);

  it('edits a multipolygon operation keeping every polygon, and adds one', async () => {
    const square = (x: number, y: number, h = 0.01) => [[[x - h, y - h], [x + h, y - h], [x + h, y + h], [x - h, y + h], [x - h, y - h]]];
    // Two parts, the first with a hole: every ring must survive the edit.
    const target = { type: 'MultiPolygon', coordinates: [[...square(5.50, 43.69, 0.02), ...square(5.50, 43.69, 0.005).map((ring) => [...ring].reverse())], square(5.58, 43.69)] };
    const { rows: [created] } = await database.pool.query<{ id: number }>(
      `INSERT INTO operations (name, kind, started_on, ended_on, target, dataset) VALUES ('Deux secteurs Pertuis', 'place_nette', '2024-04-01', '2024-04-03', ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)), 'real') RETURNING id`, [JSON.stringify(target)]);
    const page = await analystPage(`/operations?modifier=${created.id}`);
    await page.waitForSelector('[data-testid="area-status"]:has-text("2 polygones · 8 sommets")');
    await page.fill('#operation-arrests', '3');
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="operation-saved"]');
    const parts = async () => (await database.pool.query(
      `SELECT ST_NumGeometries(target) AS parts, ST_NRings(target) AS rings, ST_HausdorffDistance(target, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326))) < 1e-6 AS same, arrests FROM operations WHERE id = $1`, [created.id, JSON.stringify(target)])).rows[0];
    expect(await parts()).toMatchObject({ parts: 2, rings: 3, same: true, arrests: 3 });
    // A third polygon drawn beside them: all three are saved.
    const canvas = (await page.$('[data-testid="draw-map"] canvas'))!;
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    for (const [dx, dy] of [[-20, 60], [20, 60], [0, 90]]) await page.mouse.click(box.x + box.width / 2 + dx, box.y + box.height / 2 + dy);
    await page.waitForSelector('[data-testid="area-status"]:has-text("3 polygones · 11 sommets")');
    await page.click('button[type="submit"]');
    await page.waitForFunction(() => /enregistrée/.test(document.querySelector('[data-testid="operation-saved"]')?.textContent ?? ''));
    await page.waitForTimeout(500);
    const after = (await database.pool.query(
      `SELECT ST_NumGeometries(target) AS parts, ST_NRings(target) AS rings, ST_HausdorffDistance(ST_GeometryN(target, 1), ST_GeometryN(ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)), 1)) < 1e-6 AND ST_HausdorffDistance(ST_GeometryN(target, 2), ST_GeometryN(ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)), 2)) < 1e-6 AS keeps, version FROM operations WHERE id = $1`, [created.id, JSON.stringify(target)])).rows[0];
    expect(after).toMatchObject({ parts: 3, rings: 4, keeps: true, version: 3 });
    await page.close();
  }, 180_000);

  it('composes an operation\'s area from two communes and from H3 cells, and shows it on the map', async () => {
    const page = await analystPage('/operations?nouvelle=1');
    await page.fill('#operation-name', 'Pertuis et Villelaure');
    await page.fill('#operation-started_on', '2024-04-01');
    await page.fill('#operation-ended_on', '2024-04-02');
    await page.click('label[for="area-mode-communes"]');
    for (const [name, insee] of [['Pertuis', '84089'], ['Villelaure', '84147']]) {
      await page.fill('#area-commune-search', name);
      await page.click(`[data-testid="commune-hits"] button[data-insee="${insee}"]`);
      await page.waitForSelector(`[data-testid="chosen-communes"] button:has-text("${insee}")`);
    }
    await page.waitForSelector('[data-testid="area-status"]:has-text("1 polygone")');
    // An arrondissement cannot be chosen (no outline in the reference data).
    await page.fill('#area-commune-search', 'Marseille 1er');
    await page.waitForSelector('[data-testid="commune-hits"] button[data-insee="13201"][disabled]');
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-testid="operation-saved"]');
    const href = await page.getAttribute('[data-testid="analysis-link"]', 'href');
    const id = Number(/\/operations\/(\d+)/.exec(href!)![1]);
    const { rows: [stored] } = await database.pool.query(
      `SELECT department_code, ST_Area(target::geography) / (SELECT ST_Area(ST_Union(geom)::geography) FROM communes WHERE insee IN ('84089', '84147')) AS ratio FROM operations WHERE id = $1`, [id]);
    expect(stored.department_code).toBe('84');
    expect(stored.ratio).toBeCloseTo(1, 3);
    await page.screenshot({ path: `${screenshotDirectory}/operations-communes-1440.png` });
    await page.close();

    // Seen on the analysts' map, as a drawn operation is.
    const map = await analystPage(`/?c=5.49,43.71&z=10.5&l=operations&m=2024-04`);
    await map.waitForFunction((wanted) => {
      const m = (window as any).sillageMap?.map;
      return !!m && m.loaded() && m.queryRenderedFeatures(undefined, { layers: ['operations-fill'] }).some((f: any) => Number(f.id ?? f.properties.id) === wanted);
    }, id, { timeout: 60_000 });
    await map.screenshot({ path: `${screenshotDirectory}/operations-communes-map-1440.png` });
    await map.close();

    // H3 cells: two clicked cells at resolution 8 become the area.
    const cells = await analystPage('/operations?nouvelle=1');
    await cells.fill('#operation-name', 'Cellules Pertuis');
    await cells.fill('#operation-started_on', '2024-05-01');
    await cells.click('label[for="area-mode-h3"]');
    const canvas = (await cells.$('[data-testid="draw-map"] canvas'))!;
    await canvas.scrollIntoViewIfNeeded();
    await cells.waitForTimeout(800);
    const box = (await canvas.boundingBox())!;
    await cells.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await cells.mouse.click(box.x + box.width / 2 + 120, box.y + box.height / 2);
    await cells.waitForSelector('[data-testid="h3-count"]:has-text("2 cellules")');
    await cells.click('button[type="submit"]');
    await cells.waitForSelector('[data-testid="operation-saved"]');
    const cellsHref = await cells.getAttribute('[data-testid="analysis-link"]', 'href');
    const { rows: [hex] } = await database.pool.query(`SELECT ST_NPoints(target) AS points, ST_NumGeometries(target) AS parts, round((ST_Area(target::geography) / 1e6)::numeric, 2) AS km2 FROM operations WHERE id = $1`, [Number(/(\d+)$/.exec(cellsHref!)![1])]);
    // Two cells of about 0.74 km² each, 6 vertices (+ closing) each unless they touch.
    expect(Number(hex.km2)).toBeGreaterThan(1.2);
    expect(Number(hex.km2)).toBeLessThan(1.8);
    await cells.close();
    await shoot('/operations?nouvelle=1', 'operations-new', '[data-testid="area-status"]');
  }, 240_000);

  it('creates a point by clicking the map, moves it by dragging, dismantles it, explains a 409', async () => {
    const page = await analystPage('/points?source=douane&dataset=real');
    await page.waitForSelector('[data-testid="point-count"]');
    const canvas = (await page.$('[data-testid="points-map"] canvas'))!;
    await page.waitForTimeout(1000);
    const box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForSelector('[data-testid="new-point-form"]');
    await page.selectOption('#new-source', 'douane');
    await page.fill('#new-external-id', 'DOU-UI-1');
    await page.fill('#new-first-seen', '2023-01-10');
    await page.click('label[for="new-product-crack"]');
    expect(await page.isChecked('#new-product-crack')).toBe(true);
    await page.click('[data-testid="new-point-form"] button[type="submit"]');
    await page.waitForSelector('[data-testid="point-details"][data-version="1"]');
    let [point] = await douanePoints();
    expect(point).toMatchObject({ external_id: 'DOU-UI-1', version: 1 });

    // Drag it 60 px to the east.
    await page.waitForTimeout(500);
    // The form scrolled the page: measure the map again where it is now.
    await canvas.scrollIntoViewIfNeeded();
    const mapBox = (await canvas.boundingBox())!;
    const at = await page.evaluate(([lon, lat]) => (window as any).sillagePointEditor.project(lon, lat), [point.lon, point.lat]);
    await page.mouse.move(mapBox.x + at.x, mapBox.y + at.y);
    await page.mouse.down();
    for (let step = 1; step <= 6; step++) await page.mouse.move(mapBox.x + at.x + step * 10, mapBox.y + at.y);
    await page.mouse.up();
    await page.waitForSelector('[data-testid="point-details"][data-version="2"]');
    const [moved] = await douanePoints();
    expect(moved.version).toBe(2);
    expect(moved.lon).toBeGreaterThan(point.lon);
    expect(Math.abs(moved.lat - point.lat)).toBeLessThan(0.0005);
    point = moved;

    await page.selectOption('#change-status', 'dismantled');
    await page.fill('#change-date', '2024-02-01');
    await page.click('[data-testid="status-form"] button[type="submit"]');
    await page.waitForSelector('[data-testid="point-details"][data-version="3"]');
    await expect(page.textContent('[data-testid="point-history"]')).resolves.toMatch(/démantelé/);
    await page.fill('#observation-date', '2024-03-01');
    await page.selectOption('#observation-level', '1');
    await page.click('[data-testid="observation-form"] button[type="submit"]');
    await page.waitForFunction(() => /observation, activité faible/.test(document.querySelector('[data-testid="point-history"]')?.textContent ?? ''));
    await page.screenshot({ path: `${screenshotDirectory}/points-details-1440.png` });

    // Someone else saves first: the page's version is stale, the refusal says so and offers a reload.
    await database.pool.query("UPDATE deal_points SET version = version + 1 WHERE external_id = 'DOU-UI-1'");
    await page.selectOption('#change-status', 'reopened');
    await page.click('[data-testid="status-form"] button[type="submit"]');
    await page.waitForSelector('[data-testid="point-error"]');
    await expect(page.textContent('[data-testid="point-error"]')).resolves.toContain('modifié entre-temps');
    await page.click('[data-testid="reload"]');
    await page.waitForSelector('[data-testid="point-details"][data-version="4"]');
    await page.close();
    await shoot('/points?source=douane&dataset=real', 'points', '[data-testid="point-table"] tbody tr');
  }, 180_000);

  it('refuses a CSV with bad rows with its report, then imports the fixed file once', async () => {
    const good = ['external_id;source;lat;lon;first_seen_on;products', 'DOU-CSV-1;douane;43,6931;5,5345;2022-01-01;crack', 'DOU-CSV-2;douane;43,8369;5,0413;2022-02-01;cocaine'];
    const bad = [...good, 'DOU-CSV-3;douane;43,29;;2022-03-01;', 'DOU-CSV-4;douane;43,29;5,38;2022-03-01;tabac'].join('\n');
    const page = await analystPage('/imports');
    await page.setInputFiles('#import-file', { name: 'points-douane.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.waitForSelector('[data-testid="import-preview"]');
    await expect(page.textContent('[data-testid="preview-facts"]')).resolves.toMatch(/séparateur « ; », virgule décimale/);
    await page.click('[data-testid="run-import"]');
    await page.waitForSelector('[data-testid="rejected-table"]');
    const rejected = await page.$$eval('[data-testid="rejected-table"] tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rejected.map((r) => [r[0], r[1]])).toEqual([['4', 'lat/lon'], ['5', 'products']]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="download-report"]')]);
    const report = readFileSync((await download.path())!, 'utf8');
    expect(report.startsWith('\uFEFFligne;champ;motif\r\n4;lat/lon;')).toBe(true);
    expect(report).toContain('5;products;');
    expect((await douanePoints()).filter((p) => p.external_id?.startsWith('DOU-CSV'))).toHaveLength(0);
    await page.screenshot({ path: `${screenshotDirectory}/imports-rejected-1440.png` });

    for (const expected of [/2 créée\(s\), 0 mise\(s\) à jour, 0 inchangée/, /0 créée\(s\), 0 mise\(s\) à jour, 2 inchangée/]) {
      await page.setInputFiles('#import-file', { name: 'points-douane-corrige.csv', mimeType: 'text/csv', buffer: Buffer.from(good.join('\n')) });
      await page.waitForSelector('[data-testid="run-import"]:not([disabled])');
      await page.click('[data-testid="run-import"]');
      await page.waitForSelector('[data-testid="import-report"]');
      await expect(page.textContent('[data-testid="import-report"]')).resolves.toMatch(expected);
    }
    expect((await douanePoints()).filter((p) => p.external_id?.startsWith('DOU-CSV'))).toHaveLength(2);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="import-history"] tbody tr').length >= 3);
    const history = await page.$$eval('[data-testid="import-history"] tbody tr', (rows) => rows.slice(0, 3).map((r) => r.textContent));
    expect(history[0]).toMatch(/points-douane-corrige\.csv.*importé/);
    expect(history[2]).toMatch(/points-douane\.csv.*refusé/);
    await page.close();
    await shoot('/imports', 'imports', '[data-testid="import-history"]');
  }, 180_000);

  it('shows the progress of a large import while the server works', async () => {
    const lines = ['external_id;source;lat;lon;first_seen_on;products'];
    for (let i = 0; i < 30_000; i++) lines.push(`GN-PRG-${i};gendarmerie;${(43.75 + (i % 150) * 0.003).toFixed(5)};${(4.95 + Math.floor(i / 150) * 0.004).toFixed(5)};2023-01-01;crack`);
    const page = await analystPage('/imports');
    await page.setInputFiles('#import-file', { name: 'grand-fichier.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
    await page.waitForSelector('[data-testid="run-import"]:not([disabled])');
    await page.click('[data-testid="run-import"]');
    // Rows processed / total, from the server, before the end.
    const shown = await page.waitForFunction(() => {
      const text = document.querySelector('[data-testid="import-progress-text"]')?.textContent ?? '';
      const bar = document.querySelector('#import-progress-bar');
      const done = Number(bar?.getAttribute('data-done') ?? 0);
      // Midway: some rows processed, not all (the reading phase ends at once, the checks and writes go by batches).
      return /[\d\u202f ]+ \/ 30[\u202f ]000 lignes/.test(text) && done > 0 && done < 30_000 && !document.querySelector('[data-testid="import-report"]') ? text : null;
    }, undefined, { timeout: 60_000, polling: 50 });
    expect(await shown.jsonValue()).toMatch(/^(Vérification|Écriture)[^:]*: [\d\u202f ]+ \/ 30[\u202f ]000 lignes$/);
    const value = await page.getAttribute('#import-progress-bar', 'data-total');
    expect(value).toBe('30000');
    await page.screenshot({ path: `${screenshotDirectory}/imports-progress-1440.png` });
    await page.waitForSelector('[data-testid="import-report"]', { timeout: 120_000 });
    await expect(page.textContent('[data-testid="import-report"]')).resolves.toMatch(/30[\u202f ]?000 ligne|30000 ligne/);
    await page.close();
  }, 240_000);

  it('exports a GeoPackage that ogrinfo reads, and a GeoJSON that re-imports unchanged', async () => {
    const page = await analystPage('/points?source=douane&dataset=real');
    await page.waitForSelector('[data-testid="point-table"] tbody tr');
    const [gpkg] = await Promise.all([page.waitForEvent('download'), page.click('a[href^="/api/exports/deal-points.gpkg"]')]);
    const file = (await gpkg.path())!;
    const summary = execFileSync('ogrinfo', ['-so', '-al', file], { encoding: 'utf8' });
    expect(summary).toMatch(/Feature Count: 3/);
    expect(summary).toMatch(/Geometry: Point/);
    const audited = await database.pool.query("SELECT record_count, area FROM audit_log WHERE route = '/api/exports/deal-points.gpkg' ORDER BY id DESC LIMIT 1");
    expect(audited.rows[0]).toMatchObject({ record_count: 3, area: 'format=gpkg&scope=all' });

    const [geojson] = await Promise.all([page.waitForEvent('download'), page.click('a[href^="/api/exports/deal-points.geojson"]')]);
    const before = await douanePoints();
    await page.goto(`${url}/imports`);
    await page.setInputFiles('#import-file', { name: 'export.geojson', mimeType: 'application/geo+json', buffer: readFileSync((await geojson.path())!) });
    await page.waitForSelector('[data-testid="run-import"]');
    await page.click('[data-testid="run-import"]');
    await page.waitForSelector('[data-testid="import-report"]');
    await expect(page.textContent('[data-testid="import-report"]')).resolves.toMatch(/3 ligne\(s\).*0 créée\(s\), 0 mise\(s\) à jour, 3 inchangée/);
    expect(await douanePoints()).toEqual(before);
    await page.close();
    expect(problems).toEqual([]);
  }, 180_000);
});
