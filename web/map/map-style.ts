/**
 * The map's style: sources, layers and their paint, as data. The adapter (map-adapter.ts) builds the
 * map from it and changes it only through its verbs (feature-state, global state, setData).
 */
import type { ExpressionSpecification, FilterSpecification, LayerSpecification, StyleSpecification } from 'maplibre-gl';
import marianneUrl from '@gouvfr/dsfr/dist/fonts/Marianne-Regular.woff2?url';
import { monthLabel } from '../../server/domain/months';

export interface StyleOptions {
  basemapUrl?: string | null;
  /** The pmtiles:// address of an offline vector basemap (the adapter registers the protocol). */
  basemapPmtilesUrl?: string | null;
  analyst?: boolean;
  pointTiles?: string | null;
}

/**
 * Layers of an offline vector basemap in the Protomaps basemap schema (source layers water,
 * landuse, roads, buildings; what `pmtiles extract` of a Protomaps build gives): water, parks,
 * streets with their names from zoom 14, buildings from zoom 14. Layers of other schemas draw nothing.
 */
function vectorBasemapLayers(): StyleSpecification['layers'] {
  const source = 'basemap-vector';
  const kind: ExpressionSpecification = ['get', 'kind'];
  // "zoom" may only feed a top-level interpolate: the casing gets its own, 1.5 px wider.
  const roadWidth = (extra: number): ExpressionSpecification => ['interpolate', ['exponential', 1.6], ['zoom'],
    10, ['match', kind, 'highway', 1.6 + extra, 'major_road', 1.1 + extra, 0.4 + extra],
    16, ['match', kind, 'highway', 12 + extra, 'major_road', 9 + extra, 'minor_road', 6 + extra, 2.5 + extra]];
  return [
    { id: 'basemap-landuse', type: 'fill', source, 'source-layer': 'landuse', filter: ['in', kind, ['literal', ['park', 'forest', 'wood', 'grass', 'nature_reserve', 'cemetery', 'garden', 'recreation_ground']]], paint: { 'fill-color': '#e3eedb', 'fill-opacity': 0.8 } },
    { id: 'basemap-water', type: 'fill', source, 'source-layer': 'water', paint: { 'fill-color': '#cfe0f1' } },
    { id: 'basemap-buildings', type: 'fill', source, 'source-layer': 'buildings', minzoom: 14, paint: { 'fill-color': '#e2e2e2', 'fill-outline-color': '#cecece' } },
    { id: 'basemap-roads-casing', type: 'line', source, 'source-layer': 'roads', minzoom: 10, filter: ['in', kind, ['literal', ['highway', 'major_road', 'medium_road', 'minor_road']]], layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': '#c5c5c5', 'line-width': roadWidth(1.5) } },
    { id: 'basemap-roads', type: 'line', source, 'source-layer': 'roads', minzoom: 10, layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': ['match', kind, 'highway', '#fde2c3', '#ffffff'] as ExpressionSpecification, 'line-width': roadWidth(0) } },
    { id: 'basemap-road-names', type: 'symbol', source, 'source-layer': 'roads', minzoom: 14, layout: { 'symbol-placement': 'line', 'text-field': ['get', 'name'], 'text-font': ['Marianne'], 'text-size': 11 }, paint: { 'text-color': '#555555', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 } },
  ];
}

export const empty: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Colours of the legend (DSFR palette). */
export const colours = {
  active: '#e1000f', reopened: '#fc5d00', dismantled: '#666666',
  hexRamp: ['#fee9e6', '#fcbfb7', '#f95c5e', '#ce0500', '#6e0500'],
  sizeClasses: { metropole: '#000091', grande_ville: '#6a6af4', ville_moyenne: '#fc5d00', petite_ville: '#b8fec9', rural: '#f5f5fe' } as Record<string, string>,
  rateRamp: ['#f5f5fe', '#cacafb', '#8585f6', '#313178', '#1b1b35'],
  operation: '#009081',
};

/**
 * Month test on a point's periods (active_from..active_until, reopened_from..reopened_until, months
 * as YYYY-MM text that compare like the months; a missing end is an open period), read against the
 * global state `month_key`/`start_key` (the same months as text).
 */
function inPeriod(period: 'active' | 'reopened', mode: 'month' | 'window'): ExpressionSpecification {
  const month: ExpressionSpecification = ['global-state', 'month_key'];
  const start: ExpressionSpecification = mode === 'month' ? month : ['global-state', 'start_key'];
  return ['all',
    ['has', `${period}_from`], ['<=', ['to-string', ['get', `${period}_from`]], month],
    ['any', ['!', ['has', `${period}_until`]], ['>=', ['to-string', ['get', `${period}_until`]], start]]];
}
const activeNow: ExpressionSpecification = ['any', inPeriod('active', 'month'), inPeriod('reopened', 'month')];
const pointFilter: FilterSpecification = ['case', ['global-state', 'cumulative'], ['any', inPeriod('active', 'window'), inPeriod('reopened', 'window')], activeNow];

/** Colours of the emerging hot spot patterns (hot: reds, cold: blues). */
export const patternColours: Record<string, string> = {
  new_hot: '#ffb7a5', consecutive_hot: '#ff8d7e', intensifying_hot: '#ce0500', persistent_hot: '#e1000f', diminishing_hot: '#f95c5e',
  sporadic_hot: '#fcc0b4', oscillating_hot: '#b34000', historical_hot: '#a94645',
  new_cold: '#bccdff', consecutive_cold: '#9a9aff', intensifying_cold: '#000091', persistent_cold: '#313178', diminishing_cold: '#6a6af4',
  sporadic_cold: '#cacafb', oscillating_cold: '#518fff', historical_cold: '#7f7fc8',
};

/** The style of a map: reference outlines, optional basemaps, and the analyst's layers when asked. */
export function baseStyle(options: StyleOptions): StyleSpecification {
  const style: StyleSpecification = {
    version: 8,
    'font-faces': { Marianne: [{ url: marianneUrl, 'unicode-range': ['U+0000-024F', 'U+2000-206F'] }] },
    state: { month: { default: 311 }, start: { default: 228 }, month_key: { default: monthLabel(311) }, start_key: { default: monthLabel(228) }, cumulative: { default: false } },
    sources: {
      departments: { type: 'geojson', data: empty },
      commune: { type: 'geojson', data: empty },
      pin: { type: 'geojson', data: empty },
      ...(options.basemapUrl ? { basemap: { type: 'raster' as const, tiles: [options.basemapUrl], tileSize: 256, attribution: 'Fond de carte externe (configuration)' } } : {}),
      ...(options.basemapPmtilesUrl ? { 'basemap-vector': { type: 'vector' as const, url: options.basemapPmtilesUrl, attribution: 'Fond de carte vectoriel hors ligne (fichier de l’exploitant) : © contributeurs OpenStreetMap' } } : {}),
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#dfe9f5' } },
      { id: 'departments-fill', type: 'fill', source: 'departments', paint: { 'fill-color': '#f6f6f6' } },
      ...(options.basemapUrl ? [{ id: 'basemap', type: 'raster' as const, source: 'basemap', paint: { 'raster-opacity': 0.6 } }] : []),
      ...(options.basemapPmtilesUrl ? vectorBasemapLayers() : []),
      { id: 'departments-line', type: 'line', source: 'departments', paint: { 'line-color': '#929292', 'line-width': 0.8 } },
      { id: 'commune-fill', type: 'fill', source: 'commune', paint: { 'fill-color': '#000091', 'fill-opacity': 0.08 } },
      { id: 'commune-line', type: 'line', source: 'commune', paint: { 'line-color': '#000091', 'line-width': 2 } },
      { id: 'pin', type: 'circle', source: 'pin', paint: { 'circle-radius': 9, 'circle-color': '#e1000f', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 3 } },
    ],
  };
  if (options.analyst) addAnalystLayers(style, options.pointTiles ?? null);
  return style;
}

export function hexColour(breaks: readonly number[]): ExpressionSpecification {
  const count: ExpressionSpecification = ['coalesce', ['feature-state', 'count'], 0];
  const stops: (number | string)[] = [];
  breaks.slice(0, -1).forEach((value, i) => stops.push(colours.hexRamp[i], value + 0.5));
  const ramp: ExpressionSpecification = stops.length ? ['step', count, ...stops, colours.hexRamp[Math.min(breaks.length - 1, colours.hexRamp.length - 1)]] as unknown as ExpressionSpecification : ['literal', colours.hexRamp[2]];
  return ['case', ['boolean', ['feature-state', 'suppressed'], false], '#b7b7b7', ramp];
}

function addAnalystLayers(style: StyleSpecification, pointTiles: string | null): void {
  Object.assign(style.sources, {
    'departments-rates': { type: 'geojson', data: empty },
    communes: { type: 'vector', tiles: [`${location.origin}/tiles/communes/{z}/{x}/{y}.mvt`], minzoom: 5, maxzoom: 12 },
    hexes: { type: 'geojson', data: empty, promoteId: 'h3' },
    operations: { type: 'geojson', data: empty },
    hotspots: { type: 'geojson', data: empty },
    areas: { type: 'geojson', data: empty },
    arcs: { type: 'geojson', data: empty },
    ...(pointTiles ? { points: { type: 'vector', tiles: [pointTiles], minzoom: 7, maxzoom: 14 } } : {}),
  });
  const text = { 'text-font': ['Marianne'], 'text-size': 12 };
  const under = style.layers.findIndex((l) => l.id === 'departments-line');
  style.layers.splice(under, 0,
    { id: 'departments-choropleth', type: 'fill', source: 'departments-rates', layout: { visibility: 'none' }, paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.85 } },
    { id: 'communes-fill', type: 'fill', source: 'communes', 'source-layer': 'communes', layout: { visibility: 'none' },
      paint: { 'fill-color': ['match', ['get', 'size_class'], ...Object.entries(colours.sizeClasses).flat(), '#ffffff'] as unknown as ExpressionSpecification, 'fill-opacity': 0.55 } },
    { id: 'communes-outline', type: 'line', source: 'communes', 'source-layer': 'communes', minzoom: 8, paint: { 'line-color': '#b0b0b0', 'line-width': 0.5 } },
  );
  const top = style.layers.findIndex((l) => l.id === 'commune-fill');
  style.layers.splice(top, 0,
    { id: 'hex-fill', type: 'fill', source: 'hexes', paint: {
      'fill-color': colours.hexRamp[2],
      'fill-opacity': ['case', ['boolean', ['feature-state', 'suppressed'], false], 0.6, ['>', ['coalesce', ['feature-state', 'count'], 0], 0], 0.72, 0],
    } },
    { id: 'hex-line', type: 'line', source: 'hexes', paint: {
      'line-color': '#ffffff', 'line-width': 0.6,
      'line-opacity': ['case', ['>', ['coalesce', ['feature-state', 'count'], 0], 0], 0.9, 0],
    } },
    { id: 'hotspots-fill', type: 'fill', source: 'hotspots', layout: { visibility: 'none' }, paint: {
      'fill-color': ['match', ['get', 'pattern'], ...Object.entries(patternColours).flat(), '#ffffff'] as unknown as ExpressionSpecification,
      'fill-opacity': 0.75, 'fill-outline-color': '#ffffff',
    } },
    { id: 'areas-fill', type: 'fill', source: 'areas', paint: { 'fill-color': ['match', ['get', 'role'], 'target', '#009081', '#fc5d00'] as unknown as ExpressionSpecification, 'fill-opacity': 0.15 } },
    { id: 'areas-line', type: 'line', source: 'areas', paint: { 'line-color': ['match', ['get', 'role'], 'target', '#006a60', '#fc5d00'] as unknown as ExpressionSpecification, 'line-width': 0.8 } },
    { id: 'arcs-line', type: 'line', source: 'arcs', filter: ['==', ['geometry-type'], 'LineString'], layout: { 'line-cap': 'round' }, paint: {
      'line-color': ['case', ['get', 'flagged'], '#e1000f', '#929292'] as unknown as ExpressionSpecification,
      'line-width': ['interpolate', ['linear'], ['get', 'linked'], 1, 1, 8, 6] as unknown as ExpressionSpecification,
      'line-opacity': ['case', ['get', 'flagged'], 0.9, 0.35] as unknown as ExpressionSpecification,
    } },
    { id: 'operations-fill', type: 'fill', source: 'operations', paint: { 'fill-color': colours.operation, 'fill-opacity': 0.08 } },
    { id: 'operations-line', type: 'line', source: 'operations', paint: {
      'line-color': colours.operation, 'line-width': 2.5, 'line-dasharray': [2, 1],
      'line-opacity': ['case', ['<=', ['get', 'start_month'], ['global-state', 'month']], 1, 0.35],
    } },
    ...(pointTiles ? [{ id: 'points', type: 'circle' as const, source: 'points', 'source-layer': 'deal_points', minzoom: 7, filter: pointFilter, paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 7, 2.5, 12, 5, 16, 8] as ExpressionSpecification,
      'circle-color': ['case', activeNow, ['case', inPeriod('reopened', 'month'), colours.reopened, colours.active], colours.dismantled] as ExpressionSpecification,
      'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1,
    } }] : []),
    { id: 'commune-labels', type: 'symbol', source: 'communes', 'source-layer': 'commune_labels', layout: {
      ...text, 'text-field': ['get', 'name'], 'symbol-sort-key': ['-', 0, ['get', 'population']], 'text-padding': 4,
    }, paint: { 'text-color': '#3a3a3a', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 } },
    { id: 'arcs-label', type: 'symbol', source: 'arcs', filter: ['all', ['==', ['geometry-type'], 'Point'], ['get', 'flagged']], layout: {
      ...text, 'text-field': ['concat', ['get', 'name'], ' (', ['to-string', ['get', 'linked']], ')'], 'text-anchor': 'left', 'text-offset': [0.6, 0],
    }, paint: { 'text-color': '#ce0500', 'text-halo-color': '#ffffff', 'text-halo-width': 2 } },
    { id: 'operations-label', type: 'symbol', source: 'operations', minzoom: 8, layout: {
      ...text, 'text-field': ['concat', ['get', 'name'], '\n', ['get', 'period']], 'text-anchor': 'top', 'text-offset': [0, 1],
    }, paint: { 'text-color': '#006a60', 'text-halo-color': '#ffffff', 'text-halo-width': 2 } },
  );
}

/** Sectors coloured by rank class (property rank_class: 0 best fifth .. 4, -1 not ranked); the selected one outlined. */
export function sectorLayers(): LayerSpecification[] {
  const ramp = [...colours.hexRamp].reverse();
  return [
    { id: 'sectors-fill', type: 'fill', source: 'sectors', paint: { 'fill-color': ['match', ['get', 'rank_class'], 0, ramp[0], 1, ramp[1], 2, ramp[2], 3, ramp[3], 4, ramp[4], '#f6f6f6'], 'fill-opacity': 0.8 } },
    { id: 'sectors-line', type: 'line', source: 'sectors', paint: { 'line-color': ['case', ['boolean', ['get', 'selected'], false], '#000091', '#929292'], 'line-width': ['case', ['boolean', ['get', 'selected'], false], 3, 0.5] } },
  ];
}

/** Points compared side by side (role a, b or nearby; a short label), A labelled to the left of its point and B to the right. */
export function comparedLayers(): LayerSpecification[] {
  return [
    { id: 'compared-points', type: 'circle', source: 'compared', paint: {
      'circle-radius': ['match', ['get', 'role'], 'nearby', 5, 9] as unknown as ExpressionSpecification,
      'circle-color': ['match', ['get', 'role'], 'a', '#000091', 'b', '#fc5d00', '#929292'] as unknown as ExpressionSpecification,
      'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2,
    } },
    { id: 'compared-labels', type: 'symbol', source: 'compared', filter: ['!=', ['get', 'role'], 'nearby'], layout: {
      // Two points 5 m apart keep readable labels.
      'text-font': ['Marianne'], 'text-size': 13, 'text-field': ['get', 'label'], 'text-allow-overlap': true,
      'text-anchor': ['match', ['get', 'role'], 'a', 'right', 'left'] as unknown as ExpressionSpecification,
      'text-offset': ['match', ['get', 'role'], 'a', ['literal', [-1, 0]], ['literal', [1, 0]]] as unknown as ExpressionSpecification,
    }, paint: { 'text-color': '#161616', 'text-halo-color': '#ffffff', 'text-halo-width': 2 } },
  ];
}

/** Departments coloured by a rate; `breaks` are upper bounds (inclusive): a class starts just above the previous bound; no rate: white. */
export function rateColour(breaks: readonly number[]): ExpressionSpecification {
  const stops: (number | string)[] = [];
  breaks.slice(0, -1).forEach((value, i) => stops.push(colours.rateRamp[i], value + 1e-9));
  const ramp = stops.length ? ['step', ['get', 'rate'], ...stops, colours.rateRamp[Math.min(breaks.length - 1, colours.rateRamp.length - 1)]] : ['literal', colours.rateRamp[2]];
  return ['case', ['==', ['get', 'rate'], null], '#ffffff', ramp] as unknown as ExpressionSpecification;
}

/** The features of a collection that have a geometry (the reference data has departments without an outline). */
export function drawable(collection: GeoJSON.FeatureCollection<GeoJSON.Geometry | null>): GeoJSON.FeatureCollection {
  return { type: 'FeatureCollection', features: collection.features.filter((f): f is GeoJSON.Feature => f.geometry !== null) };
}
