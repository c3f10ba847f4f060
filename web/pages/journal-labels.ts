/**
 * The journal in French: what each entry touched (its area), which part of Sillage it read (its
 * route) and for which period, from the raw text the audit trail keeps. Pure functions.
 */

const areaKeys: Record<string, string> = {
  bbox: 'emprise', department: 'département', commune: 'commune', insee: 'commune', id: 'n°', user: 'compte', role: 'rôle',
  departments: 'départements', active: 'actif', deal_point: 'point de deal', deal_points: 'points de deal', merge: 'fusion', kept: 'point gardé',
  report: 'signalement', into: 'fusionné dans', removed_candidate: 'candidat retiré', access_token: 'jeton d’accès', via_token: 'par le jeton',
  resolution: 'résolution H3', snapshot: 'instantané', ranking: 'classement', criterion: 'critère', constituency: 'circonscription', format: 'format',
  z: 'zoom', x: 'x', y: 'y', awaiting_approval: 'compte en attente d’approbation',
};

const values: Record<string, string> = { true: 'oui', false: 'non' };

/** The tiles of a grouped read (the server's schema: a part is null when its address is out of range). */
export interface TileRange { z: number | null; x_min: number | null; x_max: number | null; y_min: number | null; y_max: number | null }

const span = (low: number, high: number) => (low === high ? `${low}` : `${low} à ${high}`);

/** "department=13&id=4" -> "département 13, n° 4"; a grouped tile read says its zoom and range. */
export function describeArea(area: string | null, tiles?: TileRange | null): string {
  const { z, x_min, x_max, y_min, y_max } = tiles ?? {};
  if (z != null && x_min != null && x_max != null && y_min != null && y_max != null) return `zoom ${z}, tuiles x ${span(x_min, x_max)}, y ${span(y_min, y_max)}`;
  if (!area) return '—';
  return area.split('&').map((part) => {
    const equal = part.indexOf('=');
    if (equal < 0) return areaKeys[part] ?? part;
    const key = part.slice(0, equal);
    const value = part.slice(equal + 1);
    return `${areaKeys[key] ?? key} ${values[value] ?? value.replace(/,/g, ', ')}`;
  }).join(', ');
}

const periodKeys: Record<string, string> = { at: 'au', from: 'du', to: 'au', year: 'année' };

/** "from=2024-01&to=2024-12" -> "du 2024-01 au 2024-12". */
export function describeTimeWindow(window: string | null): string {
  if (!window) return '—';
  return window.split('&').map((part) => {
    const [key, value = ''] = part.split('=');
    return `${periodKeys[key] ?? key} ${value}`;
  }).join(' ');
}

// Longest prefix first: the first that matches names the route.
const routeAreas: [string, string][] = ([
  ['/tiles/deal-points', 'Tuiles des points de deal'], ['/tiles/communes', 'Tuiles des communes'],
  ['/api/deal-points', 'Points de deal'], ['/api/observations', 'Observations'], ['/api/operations', 'Opérations'],
  ['/api/networks', 'Réseaux'], ['/api/imports', 'Imports'], ['/api/aggregates', 'Agrégats (hexagones)'], ['/api/analyses', 'Analyses'],
  ['/api/duplicates', 'Doublons'], ['/api/registry', 'Fiabilité du registre'], ['/api/moderation', 'Modération des signalements'],
  ['/api/public', 'Signalements du public'], ['/api/snapshots', 'Instantanés'], ['/api/sectors', 'Secteurs'], ['/api/rankings', 'Classement des secteurs'],
  ['/api/threat-reports', 'Notes de menace'], ['/api/action-plans', 'Plans d’action'], ['/api/statistics', 'Statistiques'],
  ['/api/exports', 'Exports'], ['/api/admin/audit', 'Journal des accès'], ['/api/admin', 'Administration des comptes'],
  ['/api/accounts', 'Approbation des comptes'], ['/api/access-tokens', 'Jetons d’accès SIG'], ['/api/auth', 'Connexion'], ['/ogc', 'API OGC (SIG)'],
] as [string, string][]).sort((a, b) => b[0].length - a[0].length);

/** The part of Sillage a route belongs to, in French ("Tuiles des points de deal"), or the route itself. */
export function describeRoute(route: string): string {
  return routeAreas.find(([prefix]) => route === prefix || route.startsWith(`${prefix}/`) || route.startsWith(`${prefix}.`) || route.startsWith(`${prefix}?`))?.[1] ?? route;
}

const methods: Record<string, string> = { GET: 'lecture', HEAD: 'lecture', POST: 'envoi', PUT: 'modification', PATCH: 'modification', DELETE: 'suppression' };

/** "GET" -> "lecture". */
export function describeMethod(method: string): string {
  return methods[method] ?? method;
}
