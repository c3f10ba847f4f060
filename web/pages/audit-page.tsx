/**
 * Admin screen: the audit trail, filtered (an exact or partial username), paged, exported as CSV
 * under the same filters. Tile reads are grouped into one row per session, hour and zoom level,
 * with the range of tiles read; areas, routes, actions and roles read in French.
 */
import { useEffect, useMemo, useState } from 'react';
import { roleLabels } from '../api/client';
import { get, type GetRoutes } from '../api/routes';
import { describeArea, describeMethod, describeRoute, describeTimeWindow } from './journal-labels';

type GroupedRow = GetRoutes['/api/admin/audit/grouped']['items'][number];
const pageSize = 50;

const actionLabels: Record<string, string> = {
  read_precise: 'Lecture de données précises', read_aggregate: 'Lecture de données agrégées', analysis: 'Analyse (calcul)', export: 'Export',
  write: 'Écriture', sign_in: 'Connexion', sign_in_failed: 'Échec de connexion', sign_out: 'Déconnexion', activate: 'Activation de compte',
  moderate: 'Modération', admin: 'Administration',
};

export function AuditPage() {
  const [filters, setFilters] = useState({ from: '', to: '', username: '', action: '' });
  const [exactUsername, setExactUsername] = useState(false);
  const [rows, setRows] = useState<GroupedRow[] | null>(null);
  const [offset, setOffset] = useState(0);
  const [nextOffset, setNextOffset] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const query = new URLSearchParams(Object.entries({ ...filters, username: exactUsername ? filters.username : '', username_contains: exactUsername ? '' : filters.username })
    .filter(([, v]) => v.trim())).toString();
  // Asked again when the query's text changes, not on every render.
  const filterQuery = useMemo(() => Object.fromEntries(new URLSearchParams(query)), [query]);
  // A changed filter starts again from the first page.
  const changeFilters = (next: typeof filters) => { setFilters(next); setOffset(0); };

  useEffect(() => {
    setRows(null);
    get('/api/admin/audit/grouped', { query: { limit: pageSize, offset, ...filterQuery } })
      .then((r) => { setRows(r.items); setNextOffset(r.next_offset); }).catch((e: Error) => setError(e.message));
  }, [filterQuery, offset]);

  const field = (name: keyof typeof filters, label: string, type = 'text') => (
    <div className="fr-input-group fr-col-6 fr-col-md-3">
      <label className="fr-label" htmlFor={`filter-${name}`}>{label}</label>
      <input className="fr-input" id={`filter-${name}`} type={type} value={filters[name]} onChange={(e) => changeFilters({ ...filters, [name]: e.target.value })} />
    </div>
  );

  return (
    <div>
      <h1>Journal des accès</h1>
      <p>Chaque lecture de données précises, chaque export et chaque écriture. Le journal ne peut être ni modifié ni effacé.
        Les tuiles de carte lues sont regroupées par session, heure et niveau de zoom. L’export CSV reprend les filtres.</p>
      <div className="fr-grid-row fr-grid-row--gutters">
        {field('from', 'Du', 'date')}{field('to', 'Au', 'date')}
        <div className="fr-input-group fr-col-6 fr-col-md-3">
          <label className="fr-label" htmlFor="filter-username">{exactUsername ? 'Identifiant exact' : 'Identifiant (ou une partie)'}</label>
          <input className="fr-input" id="filter-username" type="text" value={filters.username} onChange={(e) => changeFilters({ ...filters, username: e.target.value })} />
          <div className="fr-checkbox-group fr-checkbox-group--sm fr-mt-1w">
            <input type="checkbox" id="filter-username-exact" checked={exactUsername} onChange={(e) => { setExactUsername(e.target.checked); setOffset(0); }} />
            <label className="fr-label" htmlFor="filter-username-exact">Identifiant exact</label>
          </div>
        </div>
        <div className="fr-select-group fr-col-6 fr-col-md-3">
          <label className="fr-label" htmlFor="filter-action">Action</label>
          <select className="fr-select" id="filter-action" value={filters.action} onChange={(e) => changeFilters({ ...filters, action: e.target.value })}>
            <option value="">Toutes</option>
            {Object.entries(actionLabels).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
        </div>
      </div>
      <p><a className="fr-btn fr-btn--secondary" data-testid="csv-export" href={`/api/admin/audit?format=csv&limit=10000${query ? `&${query}` : ''}`}>Exporter en CSV</a></p>
      {error && <div className="fr-alert fr-alert--error" role="alert"><p>{error}</p></div>}
      {!rows && !error && <p role="status">Chargement du journal…</p>}
      {rows && (
        <div className="fr-table fr-table--no-caption">
          <table data-testid="audit-table">
            <caption>Journal</caption>
            <thead><tr><th>Date</th><th>Identifiant</th><th>Session</th><th>Rôle</th><th>Action</th><th>Partie lue</th><th>Zone</th><th>Période</th><th>Enregistrements</th><th>Statut</th></tr></thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>{row.grouped ? `${new Date(row.first_at).toLocaleString('fr-FR')} – ${new Date(row.occurred_at).toLocaleTimeString('fr-FR')}` : new Date(row.occurred_at).toLocaleString('fr-FR')}</td>
                  <td>{row.username ?? '—'}</td>
                  <td>{row.session_ref ? <span title="Référence de session (non réversible)">{row.session_ref.slice(0, 6)}</span> : '—'}</td>
                  <td>{row.role ? roleLabels[row.role] ?? row.role : '—'}</td>
                  <td>{actionLabels[row.action] ?? row.action}{row.grouped ? ` : ${row.entries} tuile${row.entries > 1 ? 's' : ''} de carte` : ''}</td>
                  <td title={`${row.method} ${row.route}`}>{describeRoute(row.route)} ({describeMethod(row.method)})</td>
                  <td>{describeArea(row.area, row.tiles)}</td>
                  <td>{describeTimeWindow(row.time_window)}</td><td>{row.record_count ?? '—'}</td><td>{row.status_code}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 && <p data-testid="audit-empty">Aucune entrée pour ces filtres.</p>}
          <nav className="fr-mt-2w" aria-label="Pages du journal">
            <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm">
              <li><button type="button" className="fr-btn fr-btn--secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - pageSize))}>Page précédente</button></li>
              <li><span className="fr-mx-2w" data-testid="audit-page-number">Page {Math.floor(offset / pageSize) + 1}</span></li>
              <li><button type="button" className="fr-btn fr-btn--secondary" disabled={nextOffset === null} onClick={() => nextOffset !== null && setOffset(nextOffset)}>Page suivante</button></li>
            </ul>
          </nav>
        </div>
      )}
    </div>
  );
}
