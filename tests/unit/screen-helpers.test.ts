/**
 * Pure parts of the screens: the operation page's options in its URL, and the keyboard's list of
 * the hexbins a view shows.
 */
import { describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import { operationParametersQuery, parseOperationParameters } from '../../web/operation-parameters.js';
import { visibleCells, type Cube } from '../../web/map/cube.js';

describe('operation options in the URL', () => {
  it('round-trips options and writes only those that differ from the defaults', () => {
    const params = { buffer_rings: 5, before_months: 6, after_months: 12, distance_km: 40, lag_months: 6 };
    const query = operationParametersQuery(params);
    expect(new URLSearchParams(query).toString()).toBe('buffer_rings=5&after_months=12&distance_km=40');
    expect(parseOperationParameters(query)).toEqual(params);
    expect(operationParametersQuery(parseOperationParameters(''))).toBe('');
  });
  it('falls back to the default of each malformed or out-of-range option', () => {
    const parsed = parseOperationParameters('?buffer_rings=0&before_months=2.5&after_months=abc&distance_km=301&lag_months=24');
    expect(parsed).toEqual({ buffer_rings: 3, before_months: 6, after_months: 6, distance_km: 100, lag_months: 24 });
  });
});

describe('the list of visible hexbins', () => {
  const pertuis = latLngToCell(43.694, 5.502, 7);
  const marseille = latLngToCell(43.296, 5.37, 7);
  const lyon = latLngToCell(45.76, 4.835, 7);
  const empty = latLngToCell(43.5, 5.45, 7);
  const cube: Cube = { resolution: 7, from: '2024-01', to: '2024-02', months: ['2024-01', '2024-02'], suppressed_below: 5, cells: [
    { h3: pertuis, active: [null, 7], cumulative: [null, 9] },
    { h3: marseille, active: [12, 30], cumulative: [12, 31] },
    { h3: lyon, active: [50, 50], cumulative: [50, 50] },
    { h3: empty, active: [0, 0], cumulative: [0, 0] },
  ] };
  const provence: [number, number, number, number] = [4.5, 43, 6, 44];
  it('keeps the cells of the view with points or suppressed, most points first, suppressed last', () => {
    const january = visibleCells(cube, 0, false, provence);
    expect(january.cells.map((c) => [c.h3, c.count])).toEqual([[marseille, 12], [pertuis, null]]);
    expect(january.total).toBe(2);
    const february = visibleCells(cube, 1, true, provence);
    expect(february.cells.map((c) => c.count)).toEqual([31, 9]);
    expect(february.cells[1].latitude).toBeCloseTo(43.694, 1);
  });
  it('caps the list and counts what it left out', () => {
    const capped = visibleCells(cube, 1, false, [-5, 41, 10, 51], 2);
    expect(capped.cells.map((c) => c.h3)).toEqual([lyon, marseille]);
    expect(capped.total).toBe(3);
  });
});
