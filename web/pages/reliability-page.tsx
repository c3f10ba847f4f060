/**
 * The reliability review (`/fiabilite`, measure 2): deal points with the number of independent
 * sources that reported or observed them, their last confirmation and the time since the last
 * observation; active points unconfirmed for N months are flagged. Filters in the URL
 * (`?departement=93&mois=6&sources=2&signales=1`).
 */
import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { get, type GetRoutes } from '../api/routes';
import { frenchDate } from '../format';
import { serviceLabels } from './duplicates-page';

type Answer = GetRoutes['/api/registry/reliability'];

function readFilters() {
  const q = new URLSearchParams(location.search);
  const number = (name: string, fallback: number) => (/^[1-9][0-9]{0,2}$/.test(q.get(name) ?? '') ? Number(q.get(name)) : fallback);
  return { department: q.get('departement') ?? '', months: number('mois', 6), sources: number('sources', 1), flaggedOnly: q.get('signales') === '1' };
}

export function ReliabilityPage() {
  const [filters, setFilters] = useState(readFilters);
  const [draft, setDraft] = useState(filters);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const query = new URLSearchParams();
    if (filters.department) query.set('departement', filters.department);
    query.set('mois', String(filters.months));
    query.set('sources', String(filters.sources));
    if (filters.flaggedOnly) query.set('signales', '1');
    history.replaceState(null, '', `/fiabilite?${query}`);
    setError(null);
    get('/api/registry/reliability', { query: { unconfirmed_months: filters.months, min_sources: filters.sources, flagged: filters.flaggedOnly, limit: 300, department: filters.department || null } }).then(setAnswer).catch((e) => { setAnswer(null); setError(e instanceof ApiError ? e.message : (e as Error).message); });
  }, [filters]);

  return (
    <div>
      <h1>Fiabilité des points de deal</h1>
      <p>
        Pour chaque point : le nombre de sources indépendantes qui l’ont signalé ou observé, sa dernière confirmation (observation ou
        changement de statut) et l’ancienneté de sa dernière observation. Un point actif sans confirmation depuis le nombre de mois choisi
        est à revoir.
      </p>
      <form className="sillage-reliability__filters fr-mb-2w" onSubmit={(e) => { e.preventDefault(); setFilters(draft); }}>
        <div className="fr-input-group fr-mb-0">
          <label className="fr-label" htmlFor="reliability-department">Département (vide : tous)</label>
          <input id="reliability-department" className="fr-input" value={draft.department} onChange={(e) => setDraft({ ...draft, department: e.target.value.toUpperCase().trim() })} />
        </div>
        <div className="fr-input-group fr-mb-0">
          <label className="fr-label" htmlFor="reliability-months">Sans confirmation depuis (mois)</label>
          <input id="reliability-months" className="fr-input" type="number" min={1} max={120} value={draft.months} onChange={(e) => setDraft({ ...draft, months: Number(e.target.value) })} />
        </div>
        <div className="fr-input-group fr-mb-0">
          <label className="fr-label" htmlFor="reliability-sources">Sources au moins</label>
          <input id="reliability-sources" className="fr-input" type="number" min={1} max={7} value={draft.sources} onChange={(e) => setDraft({ ...draft, sources: Number(e.target.value) })} />
        </div>
        <div className="fr-checkbox-group">
          <input id="reliability-flagged" type="checkbox" checked={draft.flaggedOnly} onChange={(e) => setDraft({ ...draft, flaggedOnly: e.target.checked })} />
          <label className="fr-label" htmlFor="reliability-flagged">Seulement les points à revoir</label>
        </div>
        <button type="submit" className="fr-btn">Afficher</button>
      </form>
      {error && <div className="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert"><p>{error}</p></div>}
      {!answer && !error && <p role="status">Chargement…</p>}
      {answer && (
        <>
          <p data-testid="reliability-summary">
            {answer.total} point{answer.total > 1 ? 's' : ''} au {frenchDate(answer.parameters.as_of)} ;{' '}
            {answer.by_sources.map((b) => `${b.points} confirmé${b.points > 1 ? 's' : ''} par ${b.sources} source${b.sources > 1 ? 's' : ''} (${b.flagged} à revoir)`).join(', ')}.
            {answer.total > answer.items.length && ` Les ${answer.items.length} moins récemment confirmés sont listés.`}
          </p>
          <div className="fr-table fr-table--sm"><table data-testid="reliability-table">
            <caption className="fr-sr-only">Points de deal et leur fiabilité</caption>
            <thead><tr><th scope="col">Point</th><th scope="col">Commune</th><th scope="col">Sources</th><th scope="col">Dernière confirmation</th><th scope="col">Dernière observation</th><th scope="col">À revoir</th></tr></thead>
            <tbody>
              {answer.items.map((r) => (
                <tr key={r.id}>
                  <td>n° {r.id}{r.verification === 'candidate' ? ' (candidat)' : ''}{r.status === 'dismantled' ? ' — démantelé' : ''}</td>
                  <td>{r.commune_name} ({r.department_code})</td>
                  <td>{r.sources_count} : {r.sources.map((s) => serviceLabels[s] ?? s).join(', ')}</td>
                  <td>{r.last_confirmed_on ? frenchDate(r.last_confirmed_on) : '—'}</td>
                  <td>{r.last_observed_on ? `${frenchDate(r.last_observed_on)} (il y a ${Math.round((r.days_since_observation ?? 0) / 30.44)} mois)` : 'jamais'}</td>
                  <td>{r.flagged ? <span className="fr-badge fr-badge--warning fr-badge--sm">à revoir</span> : 'non'}</td>
                </tr>
              ))}
            </tbody>
          </table></div>
        </>
      )}
    </div>
  );
}
