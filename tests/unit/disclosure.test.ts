import { describe, expect, it } from 'vitest';
import { cellToBoundary, cellToLatLng, latLngToCell } from 'h3-js';
import {
  addKey, bboxCellArea, cellOverlapsBbox, disclosureFor, keyModulus, perturbation, perturbationTable, polygonCells, publishedCount,
} from '../../server/domain/disclosure.js';
import { retryAfterSeconds } from '../../server/domain/sign-in-limits.js';
import { eventDateProblem } from '../../server/domain/dates.js';
import { crsOf } from '../../server/domain/geojson-checks.js';
import type { Principal } from '../../server/domain/access.js';

const who = (role: Principal['role'], departments: string[] = []): Principal => ({ userId: 1, username: 'x', role, departments });

describe('cell-key perturbation (hand-computed)', () => {
  it('reads the perturbation table at the cell key', () => {
    // Cumulative probabilities 0.1, 0.3, 0.7, 0.9, 1.0 over keys / 2^31.
    expect(perturbation(0)).toBe(-2);
    expect(perturbation(Math.floor(0.0999 * keyModulus))).toBe(-2);
    expect(perturbation(Math.floor(0.1001 * keyModulus))).toBe(-1);
    expect(perturbation(Math.floor(0.5 * keyModulus))).toBe(0);
    expect(perturbation(Math.floor(0.8 * keyModulus))).toBe(1);
    expect(perturbation(keyModulus - 1)).toBe(2);
  });
  it('publishes 0 as 0, 1-4 as "< 5", 5 and more perturbed but never below 5', () => {
    expect(publishedCount(0, 123)).toBe(0);
    for (let n = 1; n < 5; n++) expect(publishedCount(n, 999)).toBeNull();
    expect(publishedCount(5, 0)).toBe(5); // 5 - 2 is clamped to 5
    expect(publishedCount(12, 0)).toBe(10);
    expect(publishedCount(12, keyModulus - 1)).toBe(14);
  });
  it('has zero mean and the stated frequencies over uniform keys', () => {
    const counts = new Map<number, number>();
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const d = perturbation(Math.floor(((i * 2654435761) % keyModulus + keyModulus) % keyModulus));
      counts.set(d, (counts.get(d) ?? 0) + 1);
    }
    for (const { d, p } of perturbationTable) expect(Math.abs(counts.get(d)! / n - p)).toBeLessThan(0.01);
    expect(perturbationTable.reduce((s, { d, p }) => s + d * p, 0)).toBeCloseTo(0, 10);
  });
  it('adds keys modulo 2^31, so the same set gives the same key in any order', () => {
    const keys = [2147483000, 1234567, 99, 2000000000];
    const forward = keys.reduce(addKey, 0);
    const backward = [...keys].reverse().reduce(addKey, 0);
    expect(forward).toBe(backward);
    expect(forward).toBe(keys.reduce((s, k) => s + k, 0) % keyModulus);
  });
});

describe('whole units', () => {
  it('protects each role as the README says', () => {
    expect(disclosureFor(who('national_analyst'), null)).toEqual({ unitResolution: null, perturb: false });
    expect(disclosureFor(who('deputy'), ['84'])).toEqual({ unitResolution: 7, perturb: true });
    expect(disclosureFor(who('departmental_analyst', ['84']), ['84'])).toEqual({ unitResolution: null, perturb: false });
    expect(disclosureFor(who('departmental_analyst', ['84']), null)).toEqual({ unitResolution: 8, perturb: false });
    expect(disclosureFor(who('prefect', ['84']), ['13'])).toEqual({ unitResolution: 8, perturb: false });
    expect(disclosureFor(null, null).perturb).toBe(true);
  });
  it('selects the cells a bbox overlaps, whatever lies inside them', () => {
    const cell = latLngToCell(43.6931, 5.5345, 7); // Pertuis
    const ring = cellToBoundary(cell, true);
    const [y, x] = cellToLatLng(cell);
    // A tiny box anywhere inside the cell selects that cell only.
    const tiny = bboxCellArea([x - 1e-5, y - 1e-5, x + 1e-5, y + 1e-5], 7);
    expect(tiny.accepts(cell)).toBe(true);
    // A box far away does not; a box containing the whole cell does; a box crossing one edge does.
    expect(cellOverlapsBbox(cell, [x + 1, y + 1, x + 1.1, y + 1.1])).toBe(false);
    expect(cellOverlapsBbox(cell, [x - 0.1, y - 0.1, x + 0.1, y + 0.1])).toBe(true);
    const [ax, ay] = ring[0];
    const [bx, by] = ring[1];
    const mid = [(ax + bx) / 2, (ay + by) / 2];
    expect(cellOverlapsBbox(cell, [mid[0] - 1e-6, mid[1] - 1e-6, mid[0] + 1e-6, mid[1] + 1e-6])).toBe(true);
    // The widened envelope holds every overlapping cell.
    const [w, s, e, n] = tiny.envelope;
    for (const [vx, vy] of ring) expect(vx >= w && vx <= e && vy >= s && vy <= n).toBe(true);
  });
  it('snaps a polygon to the whole cells it touches', () => {
    const square: GeoJSON.Polygon = { type: 'Polygon', coordinates: [[[5.53, 43.69], [5.531, 43.69], [5.531, 43.691], [5.53, 43.691], [5.53, 43.69]]] };
    expect(polygonCells(square, 7)).toEqual([latLngToCell(43.6905, 5.5305, 7)]);
  });
});

describe('sign-in failure windows', () => {
  it('waits until the oldest failure leaves the window, at least a second', () => {
    expect(retryAfterSeconds(0, 60_000)).toBe(60);
    expect(retryAfterSeconds(59_500, 60_000)).toBe(1);
    expect(retryAfterSeconds(30_200, 60_000)).toBe(30);
    expect(retryAfterSeconds(61_000, 60_000)).toBe(1);
  });
});

describe('plausible input', () => {
  it('accepts event dates from 2000 to today + 31 days', () => {
    expect(eventDateProblem('2024-02-29', '2026-12-01')).toBeNull();
    expect(eventDateProblem('2027-01-01', '2026-12-01')).toBeNull();
    expect(eventDateProblem('2027-01-02', '2026-12-01')).toMatch(/must not be after 2027-01-01/);
    expect(eventDateProblem('1999-12-31', '2026-12-01')).toMatch(/before 2000-01-01/);
    expect(eventDateProblem('2024-02-30', '2026-12-01')).toMatch(/not a date/);
  });
  it('accepts WGS 84 GeoJSON only', () => {
    expect(crsOf(undefined)).toBeNull();
    expect(crsOf({ type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } })).toBeNull();
    expect(crsOf({ type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::2154' } })).toMatch(/EPSG::2154 are not supported.*ogr2ogr/);
  });
});
