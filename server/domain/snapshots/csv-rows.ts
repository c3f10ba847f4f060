/**
 * A snapshot as spreadsheet rows (pure): one table `section;code;libelle;mois;valeur;unite`, INSEE
 * codes for communes and departments, "< 5" for suppressed counts. The service writes it with `;`
 * and a UTF-8 BOM (what French spreadsheets expect).
 */
import { countLabel, periodLabel, type Published, type SnapshotDocument } from './document.js';

export const csvColumns = ['section', 'code', 'libelle', 'mois', 'valeur', 'unite'] as const;
export type CsvRow = [string, string, string, string, string, string];

const value = (count: Published) => (count === null ? '< 5' : String(count));

/** A cell that would start a spreadsheet formula gets a leading apostrophe (OWASP CSV injection). */
export function neutralisedCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function snapshotCsvRows(document: SnapshotDocument): CsvRow[] {
  const { data, parameters } = document;
  const rows: CsvRow[] = [
    ['instantane', document.id, 'identifiant', '', document.id, ''],
    ['instantane', document.id, 'empreinte SHA-256 (données et paramètres)', '', document.sha256, ''],
    ['instantane', document.id, 'créé le (UTC)', '', document.created_at, ''],
    ['instantane', document.id, 'version de la méthode', '', document.method_version, ''],
    ['instantane', document.id, 'zone', '', data.area.label, ''],
    ['instantane', document.id, 'période', `${parameters.from}/${parameters.to}`, periodLabel(parameters.from, parameters.to), ''],
    ['instantane', document.id, 'lien permanent', '', `/instantanes/${document.id}`, ''],
    ['instantane', document.id, 'protection des effectifs', '', data.disclosure, ''],
    ['source', 'points_de_deal', 'points de deal (état de la base)', '', data.vintage.deal_points, ''],
    ['source', 'signalements', 'signalements publics (état de la base)', '', data.vintage.public_reports, ''],
    ['source', 'ssmsi', 'statistiques SSMSI', '', data.vintage.ssmsi, ''],
    ['source', 'geographie', 'contours et communes', '', data.vintage.geography, ''],
  ];
  for (const commune of data.area.communes) rows.push(['zone_commune', commune.insee, commune.name, '', String(commune.population), 'habitants']);
  for (const series of data.series) {
    series.values.forEach((count, i) => rows.push(['serie_mensuelle', series.key, series.label, data.months[i], value(count), 'points actifs']));
  }
  for (const size of data.size_classes ?? []) rows.push(['taille_commune', size.code, size.label, data.map.month, value(size.count), 'points actifs']);
  for (const cell of data.map.cells) rows.push(['carte_h3', cell.h3, `cellule H3 r${data.map.resolution}`, data.map.month, value(cell.count), 'points actifs']);
  for (const operation of data.operations) {
    rows.push(['operation', operation.department_code, operation.name, `${operation.started_on}/${operation.ended_on}`, String(operation.distance_km), 'km de la zone']);
  }
  rows.push(['signalements', 'recus', 'signalements publics reçus', `${parameters.from}/${parameters.to}`, value(data.reports.received), 'signalements']);
  rows.push(['signalements', 'acceptes', 'dont acceptés par la CROSS', `${parameters.from}/${parameters.to}`, value(data.reports.accepted), 'signalements']);
  for (const indicator of data.indicators) {
    rows.push(['ssmsi', indicator.code, `${indicator.name} — ${indicator.indicator}`, String(indicator.year),
      indicator.rate_per_1000 === null ? 'non diffusé' : indicator.rate_per_1000.toFixed(2).replace('.', ','), 'pour 1 000 habitants']);
  }
  return rows.map((row) => row.map(neutralisedCell) as CsvRow);
}

export { countLabel };
