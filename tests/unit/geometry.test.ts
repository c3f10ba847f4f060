import { describe, expect, it } from 'vitest';
import { coordinateProblem, isInFranceExtent } from '../../server/domain/france-extent.js';
import { lambert93ToLongitudeLatitude, parseDecimal } from '../../server/domain/coordinates.js';
import { isValidTile, tileBounds, tilePosition } from '../../server/domain/tile-coordinates.js';
import { areaProblems, pointProblems } from '../../server/domain/geojson-checks.js';
import { h3CellsAt } from '../../server/domain/h3-cells.js';
import { normalizeSearchText } from '../../server/domain/text-search.js';
import { isCalendarDate } from '../../server/domain/dates.js';
import { cellToParent, getResolution } from 'h3-js';

describe('France extents', () => {
  it('accepts metropolitan and overseas places, refuses the rest', () => {
    expect(isInFranceExtent(5.5345, 43.6931)).toBe(true); // Pertuis
    expect(isInFranceExtent(9.45, 42.7)).toBe(true); // Bastia
    expect(isInFranceExtent(55.45, -20.88)).toBe(true); // Saint-Denis (La Réunion)
    expect(isInFranceExtent(-52.33, 4.93)).toBe(true); // Cayenne
    expect(isInFranceExtent(0, 0)).toBe(false);
    expect(isInFranceExtent(13.4, 52.5)).toBe(false); // Berlin
  });
  it('explains swapped coordinates and out-of-range numbers', () => {
    expect(coordinateProblem(43.6931, 5.5345)).toMatch(/outside France's extents.*longitude, latitude/);
    expect(coordinateProblem(5, 95)).toMatch(/latitude 95 is outside -90..90/);
    expect(coordinateProblem(Number.NaN, 43)).toMatch(/longitude must be a finite number/);
    expect(coordinateProblem(5.5345, 43.6931)).toBeNull();
  });
});

describe('Lambert-93', () => {
  it('maps the projection origin to 3°E 46.5°N', () => {
    expect(lambert93ToLongitudeLatitude(700000, 6600000)).toEqual([3, 46.5]);
  });
  it('keeps the central meridian at 3°E and grows northwards', () => {
    const [longitude, south] = lambert93ToLongitudeLatitude(700000, 6300000);
    const [, north] = lambert93ToLongitudeLatitude(700000, 6900000);
    expect(longitude).toBeCloseTo(3, 7);
    expect(south).toBeLessThan(46.5);
    expect(north).toBeGreaterThan(46.5);
    // 300 km along the meridian is about 2.7° of latitude.
    expect(46.5 - south).toBeGreaterThan(2.6);
    expect(46.5 - south).toBeLessThan(2.8);
  });
});

describe('parseDecimal', () => {
  it('reads decimal points and French decimal commas', () => {
    expect(parseDecimal('43,6931')).toBe(43.6931);
    expect(parseDecimal(' -5.25 ')).toBe(-5.25);
    expect(parseDecimal('1e3')).toBe(1000);
    expect(parseDecimal('12,5,3')).toBeNull();
    expect(parseDecimal('abc')).toBeNull();
    expect(parseDecimal('')).toBeNull();
  });
});

describe('tile coordinates', () => {
  it('places the origin at the centre of tile 0/0/0 and the corner at 0,0', () => {
    expect(tilePosition(0, 0, { z: 0, x: 0, y: 0 })).toEqual([2048, 2048]);
    expect(tilePosition(-180, 85.0511287798, { z: 0, x: 0, y: 0 })).toEqual([0, 0]);
  });
  it('places lon 90, lat -66.51326 (y = 3/4 of the world) at the centre of tile 1/1/1', () => {
    expect(tilePosition(90, -66.51326044311186, { z: 1, x: 1, y: 1 })).toEqual([2048, 2048]);
  });
  it('bounds the world tile by the Web Mercator limits', () => {
    const [w, s, e, n] = tileBounds({ z: 0, x: 0, y: 0 });
    expect([w, e]).toEqual([-180, 180]);
    expect(n).toBeCloseTo(85.0511, 4);
    expect(s).toBeCloseTo(-85.0511, 4);
  });
  it('refuses tiles outside the pyramid', () => {
    expect(isValidTile({ z: 2, x: 3, y: 3 })).toBe(true);
    expect(isValidTile({ z: 2, x: 4, y: 0 })).toBe(false);
    expect(isValidTile({ z: 23, x: 0, y: 0 })).toBe(true);
    expect(isValidTile({ z: 31, x: 0, y: 0 })).toBe(false);
  });
});

describe('GeoJSON checks', () => {
  it('names the failing path of a bad point', () => {
    expect(pointProblems({ type: 'Point', coordinates: [5.53] }, 'location')).toEqual([{ field: 'location.coordinates', reason: 'a position must be [longitude, latitude]' }]);
    expect(pointProblems({ type: 'LineString', coordinates: [] }, 'location')[0].field).toBe('location.type');
    expect(pointProblems({ type: 'Point', coordinates: [5.5345, 43.6931] }, 'location')).toEqual([]);
  });
  it('refuses open or short rings', () => {
    const open = { type: 'Polygon', coordinates: [[[5.5, 43.6], [5.6, 43.6], [5.6, 43.7], [5.5, 43.7]]] };
    expect(areaProblems(open, 'target')[0]).toEqual({ field: 'target.coordinates.0', reason: 'a linear ring must end where it starts' });
    const short = { type: 'Polygon', coordinates: [[[5.5, 43.6], [5.6, 43.6], [5.5, 43.6]]] };
    expect(areaProblems(short, 'target')[0].reason).toMatch(/at least 4 positions/);
    expect(areaProblems({ type: 'Point', coordinates: [5, 43] }, 'target')[0].field).toBe('target.type');
  });
});

describe('H3 cells', () => {
  it('stores nested cells at resolutions 7, 8 and 9', () => {
    const cells = h3CellsAt(5.5345, 43.6931);
    expect(getResolution(cells.h3_r7)).toBe(7);
    expect(getResolution(cells.h3_r9)).toBe(9);
    expect(cellToParent(cells.h3_r9, 8)).toBe(cells.h3_r8);
    expect(cellToParent(cells.h3_r8, 7)).toBe(cells.h3_r7);
  });
});

describe('small helpers', () => {
  it('folds names for search', () => {
    expect(normalizeSearchText("L'Haÿ-les-Roses")).toBe('l hay les roses');
    expect(normalizeSearchText('  Salon-de-Provence ')).toBe('salon de provence');
  });
  it('accepts only real calendar dates', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('2024-13-01')).toBe(false);
    expect(isCalendarDate('01/02/2024')).toBe(false);
  });
});
