/**
 * `/operations`: the list of operations (filters by department, kind and period in the URL, keyset
 * pages) and, for analysts, the form to register or edit one with its target area drawn on a map
 * (`?nouvelle=1`, `?modifier=ID`). After saving, a link to its analysis (`/operations/ID`).
 */
import { useCallback, useEffect, useState, type FormEvent, type ReactElement } from 'react';
import { ApiError, type Me } from '../api/client';
import { get, type GetRoutes } from '../api/routes';
import { send, type SendRoutes } from '../api/send';
import type { outcomeColumns } from '../../server/schemas/records';
import { Pagination } from '../components/pagination';
import { TargetAreaPicker } from '../components/target-area-picker';
import { frenchDate } from '../format';

export { operationKindLabels } from '../labels';
import { operationKindLabels } from '../labels';
type Outcome = (typeof outcomeColumns)[number];
const outcomeLabels: [Outcome, string, 'integer' | 'decimal'][] = [
  ['arrests', 'Interpellations', 'integer'], ['officers_mobilised', 'Effectifs mobilisés', 'integer'],
  ['cannabis_seized_kg', 'Cannabis saisi (kg)', 'decimal'], ['cocaine_seized_kg', 'Cocaïne saisie (kg)', 'decimal'],
  ['cash_seized_eur', 'Numéraire saisi (€)', 'decimal'], ['weapons_seized', 'Armes saisies', 'integer'],
];
type Area = GeoJSON.Polygon | GeoJSON.MultiPolygon;
type OperationFeature = GetRoutes['/api/operations/:id'];
type OperationList = GetRoutes['/api/operations'];
type OperationBody = SendRoutes['POST /api/operations']['body'];

const filterNames = ['department', 'kind', 'from', 'to'] as const;
const sorts: Record<string, { label: string; compare(a: OperationFeature, b: OperationFeature): number }> = {
  recent: { label: 'Début, plus récente d’abord', compare: (a, b) => b.properties.started_on.localeCompare(a.properties.started_on) || b.id - a.id },
  oldest: { label: 'Début, plus ancienne d’abord', compare: (a, b) => a.properties.started_on.localeCompare(b.properties.started_on) || a.id - b.id },
  name: { label: 'Nom', compare: (a, b) => a.properties.name.localeCompare(b.properties.name, 'fr') || a.id - b.id },
};

/** French for a field error of the API ("body.name" -> the form's field "name"). */
function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const d of error.details) {
    const name = d.field.replace(/^body[./]?/, '').split(/[./[]/)[0] || 'form';
    out[name] = out[name] ? `${out[name]} ; ${d.reason}` : d.reason;
  }
  return out;
}

function OperationForm({ id, canWrite }: { id: number | null; canWrite: boolean }) {
  const [loaded, setLoaded] = useState<OperationFeature | null>(null);
  const [values, setValues] = useState<Record<string, string>>({ kind: 'place_nette' });
  const [area, setArea] = useState<Area | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [saved, setSaved] = useState<{ id: number; name: string } | null>(null);
  const [ready, setReady] = useState(id === null);
  useEffect(() => {
    if (id === null) return;
    get('/api/operations/:id', { params: { id } }).then((feature) => {
      const v: Record<string, string> = { name: feature.properties.name, kind: feature.properties.kind, started_on: feature.properties.started_on, ended_on: feature.properties.ended_on ?? '' };
      for (const [key] of outcomeLabels) v[key] = feature.properties[key] === null || feature.properties[key] === undefined ? '' : String(feature.properties[key]);
      setValues(v); setLoaded(feature); setArea(feature.geometry); setReady(true);
    }).catch((e: Error) => setMessage(e.message));
  }, [id]);
  const onArea = useCallback((drawn: Area | null) => setArea(drawn), []);
  const set = (name: string) => (event: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: event.target.value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setMessage(null); setSaved(null);
    const problems: Record<string, string> = {};
    if (!values.name?.trim()) problems.name = 'Le nom est obligatoire.';
    if (!values.started_on) problems.started_on = 'La date de début est obligatoire.';
    if (values.ended_on && values.started_on && values.ended_on < values.started_on) problems.ended_on = 'La fin ne peut précéder le début.';
    if (!area) problems.target = 'Dessinez la zone ciblée (au moins trois sommets), ou composez-la de communes ou de cellules H3.';
    const outcomes: Partial<Record<Outcome, number | null>> = {};
    for (const [key, , type] of outcomeLabels) {
      const text = (values[key] ?? '').trim().replace(',', '.');
      if (text === '') { outcomes[key] = null; continue; }
      const number = Number(text);
      if (!Number.isFinite(number) || number < 0 || (type === 'integer' && !Number.isInteger(number))) problems[key] = type === 'integer' ? 'Un nombre entier positif ou nul.' : 'Un nombre positif ou nul.';
      else outcomes[key] = number;
    }
    setErrors(problems);
    if (Object.keys(problems).length || !area) { setMessage('Le formulaire contient des erreurs : voir les champs signalés.'); return; }
    // The kind comes from the select of operationKindLabels, the server's own list.
    const body: OperationBody = { name: values.name.trim(), kind: values.kind as OperationBody['kind'], started_on: values.started_on, ended_on: values.ended_on || null, target: area, ...outcomes };
    try {
      const result = loaded
        ? await send('PATCH', '/api/operations/:id', { params: { id: loaded.id }, body: { ...body, version: loaded.properties.version } })
        : await send('POST', '/api/operations', { body });
      setLoaded(result);
      setSaved({ id: result.id, name: result.properties.name });
      history.replaceState(null, '', `/operations?modifier=${result.id}`);
    } catch (error) {
      const fields = fieldErrors(error);
      setErrors(fields);
      const conflict = error instanceof ApiError && error.status === 409;
      setMessage(conflict ? 'Cette opération a été modifiée entre-temps par quelqu’un d’autre : rechargez la page pour voir la dernière version, puis refaites vos changements.' : (error as Error).message);
    }
  }

  if (!canWrite) return <p role="alert">Seuls les analystes (OFAST, CROSS) enregistrent des opérations.</p>;
  if (!ready) return <p role="status">{message ?? 'Chargement…'}</p>;
  const field = (name: string, label: string, input: ReactElement) => (
    <div className={`fr-input-group${errors[name] ? ' fr-input-group--error' : ''}`}>
      <label className="fr-label" htmlFor={`operation-${name}`}>{label}</label>
      {input}
      {errors[name] && <p className="fr-error-text" id={`operation-${name}-error`}>{errors[name]}</p>}
    </div>
  );
  const inputProps = (name: string) => ({ id: `operation-${name}`, name, value: values[name] ?? '', onChange: set(name), 'aria-invalid': errors[name] ? true : undefined, 'aria-describedby': errors[name] ? `operation-${name}-error` : undefined });
  return (
    <form onSubmit={submit} noValidate aria-labelledby="operation-form-title" data-testid="operation-form">
      <h2 id="operation-form-title" className="fr-h4">{loaded ? `Modifier « ${loaded.properties.name} »` : 'Nouvelle opération'}</h2>
      {message && <div className="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert" data-testid="operation-error"><p>{message}{message.includes('rechargez') && <> <button type="button" className="fr-btn fr-btn--sm fr-btn--secondary fr-ml-1w" onClick={() => location.reload()}>Recharger</button></>}</p></div>}
      {saved && (
        <div className="fr-alert fr-alert--success fr-alert--sm fr-mb-2w" role="status" data-testid="operation-saved">
          <p>Opération « {saved.name} » enregistrée (n° {saved.id}). <a href={`/operations/${saved.id}`} data-testid="analysis-link">Voir son analyse</a></p>
        </div>
      )}
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-5">
          {field('name', 'Nom', <input className={`fr-input${errors.name ? ' fr-input--error' : ''}`} type="text" maxLength={200} required {...inputProps('name')} />)}
          <div className="fr-select-group">
            <label className="fr-label" htmlFor="operation-kind">Type</label>
            <select className="fr-select" {...inputProps('kind')}>
              {Object.entries(operationKindLabels).map(([code, label]) => <option key={code} value={code}>{label}</option>)}
            </select>
          </div>
          <div className="fr-grid-row fr-grid-row--gutters">
            <div className="fr-col-6">{field('started_on', 'Début', <input className="fr-input" type="date" required {...inputProps('started_on')} />)}</div>
            <div className="fr-col-6">{field('ended_on', 'Fin (vide si en cours)', <input className="fr-input" type="date" {...inputProps('ended_on')} />)}</div>
          </div>
          <fieldset style={{ border: 0, padding: 0, margin: '1.5rem 0 0', minWidth: 0 }}>
            <legend className="fr-text--bold fr-mb-1w">Résultats (facultatif)</legend>
            <div className="fr-grid-row fr-grid-row--gutters">
              {outcomeLabels.map(([key, label]) => (
                <div key={key} className="fr-col-6">{field(key, label, <input className="fr-input" type="text" inputMode="decimal" {...inputProps(key)} />)}</div>
              ))}
            </div>
          </fieldset>
        </div>
        <div className="fr-col-12 fr-col-md-7">
          <div className={`fr-input-group${errors.target ? ' fr-input-group--error' : ''}`}>
            <p className="fr-label fr-mb-1w">Zone ciblée</p>
            <p className="fr-text--sm fr-mb-1w">{loaded ? 'La zone enregistrée est reprise avec tous ses polygones ; « Effacer » pour en composer une autre.' : 'Le département est déduit de la zone.'}</p>
            <TargetAreaPicker onChange={onArea} initial={loaded?.geometry ?? null} label="Carte de la zone ciblée" />
            {errors.target && <p className="fr-error-text" data-testid="target-error">{errors.target}</p>}
          </div>
        </div>
      </div>
      <ul className="fr-btns-group fr-btns-group--inline-md">
        <li><button type="submit" className="fr-btn">{loaded ? 'Enregistrer les modifications' : 'Enregistrer l’opération'}</button></li>
        <li><a className="fr-btn fr-btn--secondary" href="/operations">Retour à la liste</a></li>
      </ul>
    </form>
  );
}

function OperationList({ canWrite }: { canWrite: boolean }) {
  const params = new URLSearchParams(location.search);
  const [filters, setFilters] = useState<Record<string, string>>(Object.fromEntries(filterNames.map((n) => [n, params.get(n) ?? ''])));
  const sort = params.get('tri') && sorts[params.get('tri')!] ? params.get('tri')! : 'recent';
  const after = params.get('apres');
  const [list, setList] = useState<OperationList | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The URL is the state: the list asked for is the address's filters and page.
  const query = new URLSearchParams();
  for (const n of filterNames) if (params.get(n)) query.set(n, params.get(n)!);
  if (after) query.set('after', after);
  const apiQuery = query.toString();
  useEffect(() => {
    get('/api/operations', { query: { ...Object.fromEntries(new URLSearchParams(apiQuery)), limit: 25 } }).then(setList).catch((e: Error) => setError(e.message));
  }, [apiQuery]);
  const link = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(changes)) { if (v) next.set(k, v); else next.delete(k); }
    return `/operations?${next}`;
  };
  function apply(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const n of filterNames) if (filters[n]) next.set(n, filters[n]);
    if (sort !== 'recent') next.set('tri', sort);
    location.assign(`/operations?${next}`);
  }
  const rows = list ? [...list.features].sort(sorts[sort].compare) : [];
  return (
    <>
      <form onSubmit={apply} className="fr-mb-2w" aria-label="Filtrer les opérations" data-testid="operation-filters">
        <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
          <div className="fr-col-6 fr-col-md-2"><label className="fr-label" htmlFor="filter-department">Département</label>
            <input className="fr-input" id="filter-department" value={filters.department} onChange={(e) => setFilters({ ...filters, department: e.target.value.toUpperCase() })} placeholder="13, 2A…" maxLength={3} /></div>
          <div className="fr-col-6 fr-col-md-3"><label className="fr-label" htmlFor="filter-kind">Type</label>
            <select className="fr-select" id="filter-kind" value={filters.kind} onChange={(e) => setFilters({ ...filters, kind: e.target.value })}>
              <option value="">Tous</option>
              {Object.entries(operationKindLabels).map(([code, label]) => <option key={code} value={code}>{label}</option>)}
            </select></div>
          <div className="fr-col-6 fr-col-md-2"><label className="fr-label" htmlFor="filter-from">Actives depuis</label>
            <input className="fr-input" type="date" id="filter-from" value={filters.from} onChange={(e) => setFilters({ ...filters, from: e.target.value })} /></div>
          <div className="fr-col-6 fr-col-md-2"><label className="fr-label" htmlFor="filter-to">jusqu’au</label>
            <input className="fr-input" type="date" id="filter-to" value={filters.to} onChange={(e) => setFilters({ ...filters, to: e.target.value })} /></div>
          <div className="fr-col-12 fr-col-md-3"><button type="submit" className="fr-btn">Filtrer</button></div>
        </div>
      </form>
      {error && <div className="fr-alert fr-alert--error fr-alert--sm" role="alert"><p>{error}</p></div>}
      {!list && !error && <p role="status">Chargement…</p>}
      {list && (
        <>
          <p className="fr-text--sm" role="status" data-testid="operation-count">
            {rows.length === 0 ? 'Aucune opération pour ces filtres.' : `${rows.length} opération${rows.length > 1 ? 's' : ''} sur cette page`}
            {' · Trier : '}
            {Object.entries(sorts).map(([key, s], index) => <span key={key}>{index > 0 && ' · '}{key === sort ? <strong aria-current="true">{s.label}</strong> : <a href={link({ tri: key === 'recent' ? null : key })}>{s.label}</a>}</span>)}
          </p>
          <p className="fr-text--sm" data-testid="operation-exports">Exporter toutes les opérations de ces filtres (toutes les pages) :
            {(['csv', 'geojson'] as const).map((format) => {
              const query = new URLSearchParams();
              for (const n of filterNames) if (params.get(n)) query.set(n, params.get(n)!);
              return <a key={format} className="fr-link fr-link--sm fr-ml-1w" href={`/api/exports/operations.${format}${query.size ? `?${query}` : ''}`} download>{format === 'csv' ? 'CSV (tableur)' : 'GeoJSON'}</a>;
            })}
          </p>
          <div className="fr-table fr-table--no-caption"><div className="fr-table__wrapper"><div className="fr-table__container"><div className="fr-table__content">
            <table data-testid="operation-table">
              <caption>Opérations</caption>
              <thead><tr><th scope="col">Nom</th><th scope="col">Type</th><th scope="col">Département</th><th scope="col">Début</th><th scope="col">Fin</th><th scope="col">Interpellations</th><th scope="col">Actions</th></tr></thead>
              <tbody>
                {rows.map((f) => (
                  <tr key={f.id} data-id={f.id}>
                    <td>{f.properties.name}</td>
                    <td>{operationKindLabels[f.properties.kind] ?? f.properties.kind}</td>
                    <td>{f.properties.department_code ?? '—'}</td>
                    <td>{frenchDate(f.properties.started_on)}</td>
                    <td>{f.properties.ended_on ? frenchDate(f.properties.ended_on) : 'en cours'}</td>
                    <td>{f.properties.arrests === null || f.properties.arrests === undefined ? '—' : String(f.properties.arrests)}</td>
                    <td><a href={`/operations/${f.id}`}>Analyse</a>{canWrite && <> · <a href={`/operations?modifier=${f.id}`}>Modifier</a></>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div></div></div></div>
          <Pagination label="Pagination des opérations" first={after ? link({ apres: null }) : null} next={list.next ? link({ apres: String(list.next) }) : null} />
        </>
      )}
    </>
  );
}

export function OperationsPage({ me }: { me: Me }) {
  const params = new URLSearchParams(location.search);
  const canWrite = ['national_analyst', 'departmental_analyst'].includes(me.user?.role ?? '');
  const editId = Number(params.get('modifier'));
  const editing = params.has('nouvelle') || (Number.isInteger(editId) && editId > 0);
  return (
    <>
      <div className="fr-grid-row fr-grid-row--middle fr-mb-2w">
        <h1 className="fr-h2 fr-mb-0 fr-mr-4w">Opérations</h1>
        {canWrite && !editing && <a className="fr-btn fr-icon-add-line fr-btn--icon-left" href="/operations?nouvelle=1">Nouvelle opération</a>}
      </div>
      {me.user?.role === 'departmental_analyst' && <p className="fr-text--sm">Votre périmètre : département{me.user.departments.length > 1 ? 's' : ''} {me.user.departments.join(', ')}.</p>}
      {editing ? <OperationForm id={params.has('nouvelle') ? null : editId} canWrite={canWrite} /> : <OperationList canWrite={canWrite} />}
    </>
  );
}
