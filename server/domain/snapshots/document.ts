/**
 * The stamped area snapshot as stored (pure): its parameters, the aggregated figures already
 * disclosure-controlled, canonical JSON and the SHA-256 of data and parameters. Every output
 * format (PDF, PNG, CSV, GeoJSON) is drawn from this document alone, so a snapshot reopened after
 * the data changed gives the same bytes.
 */
import { publishedCount, suppressionThreshold } from '../disclosure.js';

export const snapshotMethodVersion = 'sillage-instantane-1.0';

export type SnapshotArea =
  | { kind: 'communes'; communes: string[] }
  | { kind: 'department'; department: string }
  | { kind: 'france' }
  | { kind: 'drawn'; polygon: GeoJSON.Polygon };

export interface SnapshotParameters {
  area: SnapshotArea;
  /** First and last month of the period, YYYY-MM. */
  from: string; to: string;
  /** H3 resolution of the map's cells (never finer than 7). */
  map_resolution: number;
}

/** A published count: a number (0 or >= 5, perturbed) or null for "< 5". */
export type Published = number | null;

/** `suppressed_units`: for a chosen area's total (sum of its published units), how many units were "< 5" each month. */
export interface SnapshotSeries { key: string; label: string; values: Published[]; suppressed_units?: number[] }
export interface SnapshotCell { h3: string; count: Published }
export interface SnapshotOperation { name: string; kind: string; started_on: string; ended_on: string; department_code: string; distance_km: number }
export interface SnapshotIndicator { scope: 'zone' | 'department' | 'france'; code: string; name: string; year: number; indicator: string; count: number | null; rate_per_1000: number | null }

export interface SnapshotData {
  area: {
    label: string; kind: SnapshotArea['kind'];
    communes: { insee: string; name: string; department_code: string; size_class: string; population: number }[];
    departments: { code: string; name: string }[];
    /** Outline to draw (public reference geometry, simplified; France: the departments collected). */
    outline: GeoJSON.Polygon | GeoJSON.MultiPolygon | GeoJSON.GeometryCollection<GeoJSON.Polygon | GeoJSON.MultiPolygon> | null;
  };
  vintage: { deal_points: string; public_reports: string; ssmsi: string; geography: string };
  months: string[];
  series: SnapshotSeries[];
  size_classes: { code: string; label: string; count: Published }[] | null;
  operations: SnapshotOperation[];
  reports: { received: Published; accepted: Published };
  indicators: SnapshotIndicator[];
  map: { resolution: number; month: string; cells: SnapshotCell[] };
  disclosure: string;
}

export interface SnapshotDocument {
  format: 'sillage-instantane';
  id: string;
  created_at: string;
  method_version: string;
  parameters: SnapshotParameters;
  data: SnapshotData;
  sha256: string;
}

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Publishes monthly counts with their cell keys ("< 5" as null, others perturbed). */
export function publishedSeries(values: readonly number[], keys: readonly number[]): Published[] {
  return values.map((value, i) => publishedCount(value, keys[i]));
}

/**
 * A number the French way, the same in Node and every browser: thousands separated by a no-break
 * space, a decimal comma. @example frenchNumber(12345.678, 2) === '12\u00a0345,68'
 */
export function frenchNumber(value: number, decimals = 0): string {
  const [whole, fraction] = Math.abs(value).toFixed(decimals).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  const trimmed = fraction?.replace(/0+$/, '');
  return `${value < 0 ? '−' : ''}${grouped}${trimmed ? `,${trimmed}` : ''}`;
}

/** A published count in words: "< 5", or the number in French. */
export function countLabel(count: Published): string {
  return count === null ? `< ${suppressionThreshold}` : frenchNumber(count);
}

/** "janvier 2019 – décembre 2025". */
export function periodLabel(from: string, to: string): string {
  const name = (month: string) => {
    const [year, number] = month.split('-').map(Number);
    return `${frenchMonths[number - 1]} ${year}`;
  };
  return `${name(from)} – ${name(to)}`;
}

const frenchMonths = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/** The creation time in French, in UTC (the same text wherever the file is opened). */
export function frenchTimestamp(iso: string): string {
  const [date, time] = iso.split('T');
  const [year, month, day] = date.split('-');
  return `${day}/${month}/${year} à ${time.slice(0, 5)} UTC`;
}

/** Method and definitions in plain French, printed in the PDF and shown on the page. */
export function methodParagraphs(data: SnapshotData): string[] {
  return [
    'Point de deal : lieu de vente de rue où des vendeurs sont présents chaque jour. Sillage enregistre des lieux et leur activité, jamais des personnes.',
    'Point actif un mois donné : point dont le statut était « actif » ou « rouvert » au moins un jour de ce mois. Les chiffres de début et de fin sont ceux du premier et du dernier mois de la période.',
    `Protection des petits effectifs : tout effectif de 1 à 4 est affiché « < ${suppressionThreshold} » ; les autres sont légèrement perturbés (de −2 à +2, méthode de la clé de cellule de l’Australian Bureau of Statistics, recommandée par Eurostat), de façon toujours identique pour un même ensemble de points. Le total d’une zone dessinée ou d’une liste de communes est la somme des valeurs publiées de ses cellules ou de ses communes, celles à « < ${suppressionThreshold} » n’étant pas comptées (leur nombre est indiqué) : deux instantanés qui se recouvrent ne révèlent ainsi par différence aucun petit effectif.`,
    'Zones : une commune, une liste de communes ou un département sont comptés par commune entière ; une zone dessinée est comptée en cellules hexagonales H3 entières de résolution 7 (environ 5 km²). La carte montre toujours des cellules H3 entières (jamais plus fines que la résolution 7), y compris leur partie hors de la zone.',
    'Opérations : seules les opérations terminées figurent ; celles qui sont en cours ne sont ni nommées ni comptées hors de leur département.',
    'Indicateurs SSMSI : personnes mises en cause pour trafic et pour usage de stupéfiants, pour 1 000 habitants (base départementale du service statistique ministériel de la sécurité intérieure, Licence Ouverte).',
    `Empreinte : SHA-256 des données agrégées et des paramètres ; l’instantané est conservé tel quel et son lien permanent rouvre exactement le même contenu. ${data.disclosure}`,
  ];
}
