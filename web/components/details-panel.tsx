/** Side panel for a clicked hexbin, deal point, commune or operation, with a monthly chart. */
import { useEffect, useEffectEvent, useState } from 'react';
import { get, type GetRoutes } from '../api/routes';
import type { Selection } from '../map/map-adapter';
import type { Cube } from '../map/cube';
import type { ViewState } from '../map/view-state';
import { monthIndex, monthOfDate, monthRange } from '../../server/domain/months';
import { LineChart, type Series } from './chart';
import { frenchDate, frenchMonth, sizeClassNames } from '../format';

import { frenchLabel, operationKindLabels as operationKinds, productLabels, sourceLabels, statusLabels } from '../labels';

interface Panel { title: string; link?: { href: string; label: string }; facts: [string, string][]; chart: { title: string; months: string[]; series: Series[]; marker?: number | null } | null; history?: { status: string; effective_on: string }[] }

export function DetailsPanel({ selection, cube, view, precise, operations, onClose }: {
  selection: Selection; cube: Cube | null; view: ViewState; precise: boolean; operations: GetRoutes['/api/operations'] | null; onClose: () => void;
}) {
  const [panel, setPanel] = useState<Panel | null>(null);
  const [error, setError] = useState<string | null>(null);
  const monthOffset = monthIndex(view.month) - monthIndex(view.from);
  const { from, to } = view;
  // The month shown is read when the panel loads: playing through the months does not reload it.
  const shownMonth = useEffectEvent(() => view.month);

  useEffect(() => {
    let cancelled = false;
    setPanel(null);
    setError(null);
    load(selection, cube, { from, to, month: shownMonth() }, precise, operations)
      .then((p) => { if (!cancelled) setPanel(p); })
      .catch((e: Error) => { if (!cancelled) setError(e.message); });
    return () => { cancelled = true; };
  }, [selection, cube, from, to, precise, operations]);

  return (
    <aside className="sillage-details" aria-label="Détails" data-testid="details-panel">
      <button type="button" className="fr-btn--close fr-btn" title="Fermer le panneau" onClick={onClose}>Fermer</button>
      {error && <div className="fr-alert fr-alert--error fr-alert--sm" role="alert"><p>{error}</p></div>}
      {!panel && !error && <p role="status">Chargement…</p>}
      {panel && (
        <>
          <h2 className="fr-h6 fr-mb-1w">{panel.title}</h2>
          {panel.link && precise && <p className="fr-mb-1w"><a className="fr-link fr-icon-arrow-right-line fr-link--icon-right" href={panel.link.href}>{panel.link.label}</a></p>}
          <dl className="sillage-facts">
            {panel.facts.map(([label, value]) => <div key={label}><dt>{label}</dt><dd>{value}</dd></div>)}
          </dl>
          {panel.history && (
            <ol className="fr-text--xs sillage-history" aria-label="Historique des statuts">
              {panel.history.map((h) => <li key={`${h.status}${h.effective_on}`}>{frenchDate(h.effective_on)} : {statusLabels[h.status] ?? h.status}</li>)}
            </ol>
          )}
          {panel.chart && <LineChart title={panel.chart.title} months={panel.chart.months} series={panel.chart.series} markerIndex={panel.chart.marker ?? monthOffset} height={160} />}
        </>
      )}
    </aside>
  );
}

/** The panel's months: the map's window and the month it shows. */
type PanelWindow = Pick<ViewState, 'from' | 'to' | 'month'>;

function series(query: { commune: string } | { operation: number }, view: PanelWindow) {
  return get('/api/aggregates/deal-points/series', { query: { from: view.from, to: view.to, ...query } });
}

async function load(selection: Selection, cube: Cube | null, view: PanelWindow, precise: boolean, operations: GetRoutes['/api/operations'] | null): Promise<Panel> {
  if (selection.kind === 'hex') {
    const cell = cube?.cells.find((c) => c.h3 === selection.h3);
    const offset = cube ? monthIndex(view.month) - monthIndex(cube.from) : -1;
    const count = cell ? cell.active[offset] : 0;
    return {
      title: `Hexagone H3 (résolution ${cube?.resolution ?? '?'})`,
      facts: [['Cellule', selection.h3], [`Points actifs en ${frenchMonth(view.month)}`, count === null ? `< ${cube?.suppressed_below}` : String(count ?? 0)],
        ['Points distincts sur la fenêtre', cell ? String(cell.cumulative.at(-1) ?? '< 5') : '0']],
      chart: cell && cube ? { title: 'Points actifs par mois dans l’hexagone', months: cube.months, series: [{ label: 'Actifs', values: cell.active, colour: '#e1000f' }, { label: 'Cumulé', values: cell.cumulative, colour: '#000091', dashed: true }] } : null,
    };
  }
  if (selection.kind === 'point') {
    if (!precise) throw new Error('Les points précis ne sont pas accessibles à votre rôle.');
    const point = await get('/api/deal-points/:id', { params: { id: selection.id } });
    const p = point.properties;
    const observations = await get('/api/observations', { query: { deal_point_id: selection.id, limit: 1000 } });
    const months = monthRange(monthIndex(view.from), monthIndex(view.to));
    const sums = new Map<string, { total: number; n: number }>();
    for (const o of observations.items) {
      if (o.activity_level === null) continue;
      const key = o.observed_on.slice(0, 7);
      const entry = sums.get(key) ?? { total: 0, n: 0 };
      sums.set(key, { total: entry.total + o.activity_level, n: entry.n + 1 });
    }
    return {
      title: `Point de deal n° ${selection.id}`,
      facts: [
        ['Commune', `${p.commune_name} (${p.commune_insee}), ${sizeClassNames[p.size_class] ?? p.size_class}`],
        ['Statut actuel', p.status ? statusLabels[p.status] ?? p.status : '—'],
        ['Produits', p.products.map((code) => productLabels[code] ?? code).join(', ') || '—'],
        ['Source', `${frenchLabel(sourceLabels, p.source)}${p.external_id ? ` (réf. ${p.external_id})` : ''}`],
        ['Observations', String(observations.items.length)],
        ...(p.dataset === 'synthetic' ? [['Jeu de données', 'synthétique (démonstration)'] as [string, string]] : []),
      ],
      history: p.status_history,
      chart: { title: 'Niveau d’activité observé (moyenne mensuelle, 0 à 4)', months, series: [{ label: 'Activité', values: months.map((m) => { const s = sums.get(m); return s ? Number((s.total / s.n).toFixed(2)) : null; }), colour: '#e1000f' }] },
    };
  }
  if (selection.kind === 'commune') {
    const commune = await get('/api/communes/:insee', { params: { insee: selection.insee } });
    const c = commune.properties;
    const monthly = await series({ commune: c.insee }, view);
    return {
      title: `${c.name} (${c.department_code})`,
      facts: [['Code INSEE', c.insee], ['Population', c.population === null ? 'inconnue' : c.population.toLocaleString('fr-FR')], ['Taille', sizeClassNames[c.size_class] ?? c.size_class]],
      chart: { title: 'Points de deal actifs par mois dans la commune', months: monthly.months, series: [{ label: 'Actifs', values: monthly.series[0].active, colour: '#e1000f' }] },
    };
  }
  const feature = operations?.features.find((f) => Number(f.id) === selection.id);
  if (!feature) throw new Error(`Opération ${selection.id} introuvable.`);
  const o = feature.properties;
  const monthly = await series({ operation: selection.id }, view);
  const start = monthOfDate(o.started_on) - monthIndex(view.from);
  const number = (key: 'arrests' | 'cannabis_seized_kg' | 'cocaine_seized_kg', unit = '') => (o[key] === null || o[key] === undefined ? null : `${Number(o[key]).toLocaleString('fr-FR')}${unit}`);
  return {
    title: o.name,
    link: { href: `/operations/${selection.id}`, label: 'Analyser l’opération (effet, sillage, déplacements)' },
    facts: ([
      ['Type', operationKinds[o.kind] ?? o.kind], ['Début', o.started_on], ['Fin', o.ended_on ?? 'en cours'], ['Département', o.department_code],
      ['Interpellations', number('arrests')], ['Cannabis saisi', number('cannabis_seized_kg', ' kg')], ['Cocaïne saisie', number('cocaine_seized_kg', ' kg')],
    ] as [string, string | null][]).filter((f): f is [string, string] => f[1] !== null),
    chart: { title: 'Points actifs par mois dans la zone ciblée (trait : début de l’opération)', months: monthly.months, series: [{ label: 'Actifs dans la zone', values: monthly.series[0].active, colour: '#009081' }], marker: start >= 0 && start < monthly.months.length ? start : null },
  };
}
