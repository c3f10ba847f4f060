import { describe, expect, it } from 'vitest';
import { defaultView, finestResolutionFor, parseView, quantileBreaks, resolutionForZoom, serializeView } from '../../web/map/view-state.js';
import { parseSelection, selectionKey } from '../../web/map/selection-key.js';

describe('map view in the URL', () => {
  it('round-trips a view', () => {
    const view = { ...defaultView, center: [5.3698, 43.2965] as [number, number], zoom: 10.5, layers: ['points' as const, 'communes' as const], from: '2023-01', to: '2024-12', month: '2024-03', cumulative: true, resolution: 8, year: 2023, selection: 'hex:881f9000fffffff', minSources: 3 };
    expect(parseView(serializeView(view))).toEqual(view);
  });
  it('falls back to defaults on malformed values and keeps the month inside the window', () => {
    const view = parseView('?c=abc&z=99&l=points,bogus&du=2024-13&au=2020-06&m=2030-01&res=12&ind=DROP%20TABLE&an=1900&sel=x');
    expect(view.center).toEqual(defaultView.center);
    expect(view.zoom).toBe(defaultView.zoom);
    expect(view.layers).toEqual(['points']);
    expect([view.from, view.to, view.month]).toEqual(['2019-01', '2020-06', '2020-06']);
    expect(view.resolution).toBe('auto');
    expect(view.indicator).toBe(defaultView.indicator);
    expect(view.year).toBe(defaultView.year);
    expect(view.selection).toBeNull();
    expect(view.minSources).toBe(1);
  });
  it('keeps "confirmed by at least K sources" in the URL only when it filters', () => {
    expect(serializeView(defaultView)).not.toContain('sources=');
    expect(serializeView({ ...defaultView, minSources: 2 })).toContain('sources=2');
    expect(parseView('?sources=2').minSources).toBe(2);
    for (const bad of ['0', '9', 'deux', '2.5']) expect(parseView(`?sources=${bad}`).minSources, bad).toBe(1);
  });
  it('swaps an inverted window', () => {
    expect(parseView('?du=2024-06&au=2021-01')).toMatchObject({ from: '2021-01', to: '2024-06', month: '2024-06' });
  });
});

describe('resolution and colour classes', () => {
  it('follows the zoom, capped by the role', () => {
    expect([4, 6, 7, 8, 10, 12].map((z) => resolutionForZoom(z, 9))).toEqual([4, 5, 6, 7, 8, 9]);
    expect(resolutionForZoom(12, finestResolutionFor('deputy'))).toBe(7);
    expect(resolutionForZoom(12, finestResolutionFor('departmental_analyst'))).toBe(8);
  });
  it('computes distinct quantile breaks of positive values', () => {
    expect(quantileBreaks([0, 1, 1, 1, 2, 3, 5, 8, 13, 21])).toEqual([1, 2, 5, 13, 21]);
    expect(quantileBreaks([0, 0])).toEqual([1]);
    expect(quantileBreaks([4, 4, 4])).toEqual([4]);
  });
});

describe('cube lookups', async () => {
  const { countsAt, totalAt } = await import('../../web/map/cube.js');
  const cube = { resolution: 7, from: '2024-01', to: '2024-02', months: ['2024-01', '2024-02'], suppressed_below: 5, cells: [
    { h3: 'a', active: [3, null], cumulative: [3, 7] },
    { h3: 'b', active: [0, 6], cumulative: [0, 6] },
  ] };
  it('keeps suppressed counts unknown (null), never zero', () => {
    expect([...countsAt(cube, 1, false)]).toEqual([['a', null], ['b', 6]]);
    expect(totalAt(cube, 1, false)).toEqual({ total: 6, suppressedCells: 1 });
    expect(totalAt(cube, 1, true)).toEqual({ total: 13, suppressedCells: 0 });
  });
  it('exports the hexbins as the map shows them: "< 5" kept, empty months left out', async () => {
    const { cubeCsv, cubeMonthGeoJson } = await import('../../web/map/cube.js');
    expect(cubeCsv(cube, false)).toBe('\uFEFFcellule_h3;resolution;mois;points_actifs\r\na;7;2024-01;3\r\na;7;2024-02;< 5\r\nb;7;2024-02;6\r\n');
    expect(cubeCsv(cube, true).split('\r\n')[0]).toBe('\uFEFFcellule_h3;resolution;mois;points_actifs_cumules');
    const square = (): GeoJSON.Polygon => ({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] });
    const month = cubeMonthGeoJson(cube, 1, false, square);
    expect(month.features.map((f) => f.properties)).toEqual([
      { cellule_h3: 'a', resolution: 7, mois: '2024-02', points_actifs: null, masque: true },
      { cellule_h3: 'b', resolution: 7, mois: '2024-02', points_actifs: 6, masque: false },
    ]);
    expect(cubeMonthGeoJson(cube, 0, false, square).features.map((f) => f.id)).toEqual(['a']);
  });
});

describe('basemap configuration', async () => {
  const { loadConfig } = await import('../../server/config.js');
  it('is optional, and refused when it is not a tile template', () => {
    expect(loadConfig({}).basemapUrl).toBeNull();
    expect(loadConfig({ SILLAGE_BASEMAP_URL: 'https://tiles.example.fr/{z}/{x}/{y}.png' }).basemapUrl).toBe('https://tiles.example.fr/{z}/{x}/{y}.png');
    expect(() => loadConfig({ SILLAGE_BASEMAP_URL: 'https://tiles.example.fr/tile.png' })).toThrow(/SILLAGE_BASEMAP_URL/);
  });
});

describe('the map\'s selection in the URL', () => {
  it('writes each kind as kind:id and reads it back (a commune is named by its code until its panel loads)', () => {
    expect(selectionKey({ kind: 'hex', h3: '881f9000fffffff' })).toBe('hex:881f9000fffffff');
    expect(selectionKey({ kind: 'commune', insee: '84089', name: 'Pertuis' })).toBe('commune:84089');
    expect(selectionKey({ kind: 'point', id: 12 })).toBe('point:12');
    expect(selectionKey({ kind: 'operation', id: 3 })).toBe('operation:3');
    expect(selectionKey(null)).toBeNull();
    expect(parseSelection('hex:881f9000fffffff')).toEqual({ kind: 'hex', h3: '881f9000fffffff' });
    expect(parseSelection('commune:84089')).toEqual({ kind: 'commune', insee: '84089', name: '84089' });
    expect(parseSelection('point:12')).toEqual({ kind: 'point', id: 12 });
    expect(parseSelection('operation:3')).toEqual({ kind: 'operation', id: 3 });
    expect(parseSelection('region:93')).toBeNull();
    expect(parseSelection(null)).toBeNull();
  });
});
