/**
 * The map's view as held in the URL, so a view can be shared and reloaded (pure; no DOM).
 * ?c=lng,lat&z=zoom&l=layers&du=YYYY-MM&au=YYYY-MM&m=YYYY-MM&cumul=1&res=auto|5..9&ind=code&an=year&sel=kind:id&sources=K
 */
export const layerNames = ['hexagones', 'points', 'communes', 'departements', 'operations', 'tendances'] as const;
export type LayerName = (typeof layerNames)[number];

export interface ViewState {
  center: [number, number];
  zoom: number;
  layers: LayerName[];
  from: string;
  to: string;
  /** Month shown on the map, within from..to. */
  month: string;
  cumulative: boolean;
  /** H3 resolution, or 'auto' to follow the zoom. */
  resolution: 'auto' | number;
  indicator: string;
  year: number;
  selection: string | null;
  /** Deal points shown: those confirmed by at least this many independent sources (1: all). */
  minSources: number;
}

export const defaultView: ViewState = {
  center: [2.5, 46.6], zoom: 4.6, layers: ['hexagones', 'points', 'operations'],
  from: '2019-01', to: '2025-12', month: '2025-12', cumulative: false, resolution: 'auto',
  indicator: 'trafic_de_stupefiants', year: 2024, selection: null, minSources: 1,
};

/** Largest "confirmed by at least K sources" the map offers (the server takes up to 7). */
export const maxMinSources = 4;

const monthRe = /^(19|20)\d{2}-(0[1-9]|1[0-2])$/;

/** Reads a view from a query string; anything missing or malformed falls back to the default. */
export function parseView(search: string): ViewState {
  const params = new URLSearchParams(search);
  const view: ViewState = { ...defaultView, layers: [...defaultView.layers] };
  const center = params.get('c')?.split(',').map(Number);
  if (center && center.length === 2 && center.every(Number.isFinite) && Math.abs(center[0]) <= 180 && Math.abs(center[1]) <= 90) view.center = [center[0], center[1]];
  const zoom = Number(params.get('z'));
  if (params.has('z') && Number.isFinite(zoom) && zoom >= 0 && zoom <= 22) view.zoom = zoom;
  if (params.has('l')) view.layers = (params.get('l') ?? '').split(',').filter((l): l is LayerName => (layerNames as readonly string[]).includes(l));
  const from = params.get('du');
  const to = params.get('au');
  if (from && monthRe.test(from)) view.from = from;
  if (to && monthRe.test(to)) view.to = to;
  if (view.to < view.from) [view.from, view.to] = [view.to, view.from];
  const month = params.get('m');
  view.month = month && monthRe.test(month) ? month : view.to;
  if (view.month < view.from) view.month = view.from;
  if (view.month > view.to) view.month = view.to;
  view.cumulative = params.get('cumul') === '1';
  const resolution = Number(params.get('res'));
  view.resolution = Number.isInteger(resolution) && resolution >= 4 && resolution <= 9 ? resolution : 'auto';
  const indicator = params.get('ind');
  if (indicator && /^[a-z0-9_]+$/.test(indicator)) view.indicator = indicator;
  const year = Number(params.get('an'));
  if (Number.isInteger(year) && year >= 2016 && year <= 2100) view.year = year;
  const selection = params.get('sel');
  if (selection && /^(hex|point|commune|operation):[0-9A-Za-z]+$/.test(selection)) view.selection = selection;
  const sources = Number(params.get('sources'));
  if (Number.isInteger(sources) && sources >= 1 && sources <= maxMinSources) view.minSources = sources;
  return view;
}

export function serializeView(view: ViewState): string {
  const params = new URLSearchParams();
  params.set('c', `${view.center[0].toFixed(4)},${view.center[1].toFixed(4)}`);
  params.set('z', view.zoom.toFixed(2));
  params.set('l', view.layers.join(','));
  params.set('du', view.from);
  params.set('au', view.to);
  params.set('m', view.month);
  if (view.cumulative) params.set('cumul', '1');
  if (view.resolution !== 'auto') params.set('res', String(view.resolution));
  params.set('ind', view.indicator);
  params.set('an', String(view.year));
  if (view.selection) params.set('sel', view.selection);
  if (view.minSources > 1) params.set('sources', String(view.minSources));
  return `?${params.toString().replaceAll('%2C', ',').replaceAll('%3A', ':')}`;
}

/** H3 resolution for a zoom level, no finer than the role allows. */
export function resolutionForZoom(zoom: number, finest: number): number {
  const resolution = zoom < 5.5 ? 4 : zoom < 6.5 ? 5 : zoom < 7.5 ? 6 : zoom < 9 ? 7 : zoom < 11 ? 8 : 9;
  return Math.min(resolution, finest);
}

/** Finest H3 resolution the interface asks for, by role (the server enforces the same rule). */
export function finestResolutionFor(role: string | undefined): number {
  return role === 'national_analyst' ? 9 : role === 'deputy' ? 7 : 8;
}

/** Class breaks for a colour ramp: `classes` upper bounds from the positive values (quantiles, distinct). */
export function quantileBreaks(values: Iterable<number>, classes = 5): number[] {
  const sorted = [...values].filter((v) => v > 0).sort((a, b) => a - b);
  if (sorted.length === 0) return [1];
  const breaks: number[] = [];
  for (let i = 1; i <= classes; i += 1) {
    const value = sorted[Math.min(sorted.length - 1, Math.ceil((i / classes) * sorted.length) - 1)];
    if (!breaks.includes(value)) breaks.push(value);
  }
  return breaks;
}
