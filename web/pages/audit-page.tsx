/** Admin screen: the audit trail, filtered, exported as CSV. */
import { useEffect, useState } from 'react';
import { api, type AuditRow } from '../api/client';

const actionLabels: Record<string, string> = {
  read_precise: 'Lecture de données précises', read_aggregate: 'Lecture de données agrégées', analysis: 'Analyse (calcul)', export: 'Export',
  write: 'Écriture', sign_in: 'Connexion', sign_in_failed: 'Échec de connexion', sign_out: 'Déconnexion', activate: 'Activation de compte',
  moderate: 'Modération', admin: 'Administration',
};

export function AuditPage() {
  const [filters, setFilters] = useState({ from: '', to: '', username: '', action: '' });
  const [rows, setRows] = useState<AuditRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v)).toString();

  useEffect(() => {
    setRows(null);
    api<{ items: AuditRow[] }>(`/api/admin/audit?limit=200${query ? `&${query}` : ''}`).then((r) => setRows(r.items)).catch((e: Error) => setError(e.message));
  }, [query]);

  const field = (name: keyof typeof filters, label: string, type = 'text') => (
    <div className="fr-input-group fr-col-6 fr-col-md-3">
      <label className="fr-label" htmlFor={`filter-${name}`}>{label}</label>
      <input className="fr-input" id={`filter-${name}`} type={type} value={filters[name]} onChange={(e) => setFilters({ ...filters, [name]: e.target.value })} />
    </div>
  );

  return (
    <div>
      <h1>Journal des accès</h1>
      <p>Chaque lecture de données précises, chaque export et chaque écriture. Le journal ne peut être ni modifié ni effacé.</p>
      <div className="fr-grid-row fr-grid-row--gutters">
        {field('from', 'Du', 'date')}{field('to', 'Au', 'date')}{field('username', 'Identifiant')}
        <div className="fr-select-group fr-col-6 fr-col-md-3">
          <label className="fr-label" htmlFor="filter-action">Action</label>
          <select className="fr-select" id="filter-action" value={filters.action} onChange={(e) => setFilters({ ...filters, action: e.target.value })}>
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
            <thead><tr><th>Date</th><th>Identifiant</th><th>Rôle</th><th>Action</th><th>Requête</th><th>Zone</th><th>Période</th><th>Enregistrements</th><th>Statut</th></tr></thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>{new Date(row.occurred_at).toLocaleString('fr-FR')}</td><td>{row.username ?? '—'}</td><td>{row.role ?? '—'}</td>
                  <td>{actionLabels[row.action] ?? row.action}</td><td><code>{row.method} {row.route}</code></td><td>{row.area ?? '—'}</td>
                  <td>{row.time_window ?? '—'}</td><td>{row.record_count ?? '—'}</td><td>{row.status_code}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length === 0 && <p>Aucune entrée pour ces filtres.</p>}
        </div>
      )}
    </div>
  );
}
