/** /instantanes: the user's stamped snapshots and the form that creates one (deputies' exports). */
import { useEffect, useState } from 'react';
import { frenchProblem } from '../api/french-errors';
import { ApiError } from '../api/client';
import { get, type GetRoutes } from '../api/routes';
import { send, type SendRoutes } from '../api/send';
import { frenchDate } from '../format';
import { monthLabel, monthOfDate } from '../../server/domain/months';
import { DrawnAreaPicker } from '../components/drawn-area-picker';
import { MonthField } from '../components/month-field';
import { useCommuneSearch } from '../components/commune-search';

type SnapshotRow = GetRoutes['/api/snapshots']['items'][number];
interface Commune { insee: string; name: string; department_code: string }
type Kind = 'constituency' | 'communes' | 'department' | 'france' | 'drawn';

function previousMonth(): string {
  return monthLabel(monthOfDate(new Date().toISOString()) - 1);
}

function CommunePicker({ chosen, onChange }: { chosen: Commune[]; onChange(next: Commune[]): void }) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useCommuneSearch(query, () => setHits([]));
  return (
    <div className="fr-input-group sillage-search">
      <label className="fr-label" htmlFor="snapshot-commune">Ajouter une commune (nom ou code INSEE)</label>
      <input id="snapshot-commune" className="fr-input" type="search" value={query} autoComplete="off" placeholder="Pertuis, 84089…" onChange={(e) => setQuery(e.target.value)} />
      {hits.length > 0 && (
        <ul className="sillage-hits">
          {hits.map((hit) => (
            <li key={hit.insee}><button type="button" className="fr-btn--tertiary-no-outline" onClick={() => { if (!chosen.some((c) => c.insee === hit.insee)) onChange([...chosen, hit]); setQuery(''); setHits([]); }}>
              {hit.name} ({hit.insee}, {hit.department_code})
            </button></li>
          ))}
        </ul>
      )}
      <ul className="fr-tags-group fr-mt-1w" aria-label="Communes choisies">
        {chosen.map((c) => (
          <li key={c.insee}><button type="button" className="fr-tag fr-tag--dismiss" aria-label={`Retirer ${c.name}`} onClick={() => onChange(chosen.filter((x) => x.insee !== c.insee))}>{c.name} ({c.insee})</button></li>
        ))}
      </ul>
    </div>
  );
}

export function SnapshotsPage() {
  const [rows, setRows] = useState<SnapshotRow[] | null>(null);
  const [constituency, setConstituency] = useState<Commune[]>([]);
  const [departments, setDepartments] = useState<{ code: string; name: string }[]>([]);
  const [kind, setKind] = useState<Kind>('communes');
  const [communes, setCommunes] = useState<Commune[]>([]);
  const [department, setDepartment] = useState('84');
  const [polygon, setPolygon] = useState<GeoJSON.Polygon | null>(null);
  const [from, setFrom] = useState('2019-01');
  const [to, setTo] = useState(previousMonth());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    get('/api/snapshots').then((r) => setRows(r.items)).catch((e: Error) => setError(e.message));
    get('/api/snapshots/defaults').then((r) => { setConstituency(r.constituency); if (r.constituency.length) setKind('constituency'); }).catch(() => {});
    get('/api/departments').then((r) => setDepartments(r.items)).catch(() => {});
  }, []);

  const create = async () => {
    setBusy(true); setError(null);
    const area: SendRoutes['POST /api/snapshots']['body']['area'] = kind === 'constituency' ? { kind: 'communes', communes: constituency.map((c) => c.insee) }
      : kind === 'communes' ? { kind: 'communes', communes: communes.map((c) => c.insee) }
      : kind === 'department' ? { kind: 'department', department } : kind === 'france' ? { kind: 'france' } : { kind: 'drawn', ...(polygon ? { polygon } : {}) };
    try {
      const created = await send('POST', '/api/snapshots', { body: { area, from, to } });
      location.assign(`/instantanes/${created.id}`);
    } catch (e) {
      setError(e instanceof ApiError && e.details.length > 1 ? `${e.message} (${e.details.map(frenchProblem).join(' ; ')})` : (e as Error).message);
      setBusy(false);
    }
  };

  const choices: [Kind, string][] = [
    ...(constituency.length ? [['constituency', `Ma circonscription (${constituency.length} communes)`] as [Kind, string]] : []),
    ['communes', 'Une commune ou une liste de communes'], ['department', 'Un département'], ['france', 'La France entière'], ['drawn', 'Une zone dessinée sur la carte'],
  ];
  return (
    <div>
      <h1>Instantanés de zone</h1>
      <p className="fr-text--lead">Un instantané fige, pour une zone et une période, la carte et les chiffres agrégés des points de deal, avec leur méthode, leurs sources et une empreinte SHA-256. Il est conservé tel quel : son lien permanent rouvre toujours le même contenu.</p>
      {error && <div className="fr-alert fr-alert--error fr-mb-2w" role="alert"><p>{error}</p></div>}
      <form className="fr-mb-4w" onSubmit={(e) => { e.preventDefault(); void create(); }} aria-labelledby="snapshot-form-title">
        <h2 id="snapshot-form-title" className="fr-h4">Créer un instantané</h2>
        <fieldset className="fr-fieldset">
          <legend className="fr-fieldset__legend">Zone</legend>
          {choices.map(([value, label]) => (
            <div key={value} className="fr-fieldset__element"><div className="fr-radio-group">
              <input type="radio" id={`kind-${value}`} name="kind" checked={kind === value} onChange={() => setKind(value)} />
              <label className="fr-label" htmlFor={`kind-${value}`}>{label}</label>
            </div></div>
          ))}
        </fieldset>
        {kind === 'constituency' && <p className="fr-text--sm">{constituency.map((c) => c.name).join(', ')}</p>}
        {kind === 'communes' && <CommunePicker chosen={communes} onChange={setCommunes} />}
        {kind === 'department' && (
          <div className="fr-select-group">
            <label className="fr-label" htmlFor="snapshot-department">Département</label>
            <select id="snapshot-department" className="fr-select" value={department} onChange={(e) => setDepartment(e.target.value)}>
              {departments.map((d) => <option key={d.code} value={d.code}>{d.code} — {d.name}</option>)}
            </select>
          </div>
        )}
        {kind === 'drawn' && <DrawnAreaPicker onChange={setPolygon} />}
        <div className="sillage-row fr-mt-2w" style={{ maxWidth: '32rem' }}>
          <MonthField id="snapshot-from" label="Premier mois" max={to} value={from} onChange={setFrom} />
          <MonthField id="snapshot-to" label="Dernier mois" min={from} value={to} onChange={setTo} />
        </div>
        <button className="fr-btn fr-mt-2w" type="submit" disabled={busy}>{busy ? 'Création…' : 'Créer l’instantané'}</button>
      </form>
      <h2 className="fr-h4">Mes instantanés</h2>
      {rows === null ? <p role="status">Chargement…</p> : rows.length === 0 ? <p>Aucun instantané pour l’instant.</p> : (
        <div className="fr-table"><table>
          <thead><tr><th>Créé le</th><th>Zone</th><th>Période</th><th>Empreinte</th></tr></thead>
          <tbody>{rows.map((r) => (
            <tr key={r.id}><td>{frenchDate(r.created_at)}</td><td><a href={`/instantanes/${r.id}`}>{r.area_label}</a></td><td>{r.period_label}</td><td><code>{r.sha256.slice(0, 12)}…</code></td></tr>
          ))}</tbody>
        </table></div>
      )}
    </div>
  );
}
