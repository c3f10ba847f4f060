/**
 * `/points`: deal points listed with filters (department, commune, status at a date, source,
 * network, product; in the URL) and keyset pages, beside a map. Analysts create a point by
 * clicking the map, move one by dragging it, edit its products, network and source, record a
 * status change (dismantled with the operation, reopened) and an observation; everyone allowed
 * sees its history and version. A 409 (someone else saved first) is explained with a reload.
 * Precise points: analysts and prefects only (the API refuses the others).
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { frenchProblem } from '../api/french-errors';
import { ApiError, type Me } from '../api/client';
import { get, type GetRoutes } from '../api/routes';
import { send, type SendRoutes } from '../api/send';
import { asProducts, asSource, productCodes, serviceCodes, type Product, type Source } from '../api/codes';
import { PointEditor } from '../map/point-editor';
import { frenchDate } from '../format';

export { statusLabels, productLabels, sourceLabels } from '../labels';
import { statusLabels, productLabels, sourceLabels } from '../labels';
const activityLabels = ['aucune', 'faible', 'modérée', 'forte', 'très forte'];

type PointFeature = GetRoutes['/api/deal-points/:id'];
type PointList = GetRoutes['/api/deal-points'];
type Observation = GetRoutes['/api/observations']['items'][number];
type OperationOption = GetRoutes['/api/operations']['features'][number];

const filterNames = ['department', 'commune', 'at', 'status', 'source', 'network_id', 'product', 'dataset'] as const;
const today = () => new Date().toISOString().slice(0, 10);
const conflictText = 'Ce point a été modifié entre-temps (par quelqu’un d’autre ou dans un autre onglet) : votre changement n’a pas été enregistré. Rechargez-le pour voir sa dernière version, puis refaites votre changement.';

function explain(error: unknown): { text: string; conflict: boolean } {
  if (error instanceof ApiError && error.status === 409 && /version/.test(error.message + JSON.stringify(error.details))) return { text: conflictText, conflict: true };
  if (error instanceof ApiError && error.details.length) return { text: `${error.message}${error.details.length > 1 ? ` — ${error.details.map(frenchProblem).join(' ; ')}` : ''}`, conflict: false };
  return { text: (error as Error).message, conflict: false };
}

function Message({ message, onReload }: { message: { text: string; conflict: boolean; ok?: boolean } | null; onReload(): void }) {
  if (!message) return null;
  return (
    <div className={`fr-alert fr-alert--sm fr-mb-2w ${message.ok ? 'fr-alert--success' : 'fr-alert--error'}`} role={message.ok ? 'status' : 'alert'} data-testid={message.ok ? 'point-saved' : 'point-error'}>
      <p>{message.text}{message.conflict && <> <button type="button" className="fr-btn fr-btn--sm fr-btn--secondary fr-ml-1w" onClick={onReload} data-testid="reload">Recharger le point</button></>}</p>
    </div>
  );
}

function ProductChoices({ value, onChange, prefix }: { value: Product[]; onChange(v: Product[]): void; prefix: string }) {
  return (
    <fieldset className="fr-fieldset">
      <legend className="fr-fieldset__legend fr-text--regular">Produits</legend>
      {productCodes.map((code) => [code, productLabels[code]] as const).map(([code, label]) => (
        <div key={code} className="fr-fieldset__element fr-fieldset__element--inline"><div className="fr-checkbox-group fr-checkbox-group--sm">
          <input type="checkbox" id={`${prefix}-${code}`} checked={value.includes(code)} onChange={(e) => onChange(e.target.checked ? [...value, code] : value.filter((c) => c !== code))} />
          <label className="fr-label" htmlFor={`${prefix}-${code}`}>{label}</label>
        </div></div>
      ))}
    </fieldset>
  );
}

function SourceSelect({ id, value, onChange }: { id: string; value: Source; onChange(v: Source): void }) {
  return (
    <div className="fr-select-group"><label className="fr-label" htmlFor={id}>Source</label>
      <select className="fr-select" id={id} value={value} onChange={(e) => onChange(asSource(e.target.value))}>
        {serviceCodes.map((code) => <option key={code} value={code}>{sourceLabels[code]}</option>)}
      </select></div>
  );
}

function NewPointForm({ location, onCreated, onCancel }: { location: [number, number]; onCreated(point: PointFeature): void; onCancel(): void }) {
  const [source, setSource] = useState<Source>('police_nationale');
  const [products, setProducts] = useState<Product[]>([]);
  const [externalId, setExternalId] = useState('');
  const [firstSeen, setFirstSeen] = useState(today());
  const [message, setMessage] = useState<{ text: string; conflict: boolean } | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      const created = await send('POST', '/api/deal-points', { body: {
        location: { type: 'Point', coordinates: location }, source, products, ...(externalId.trim() ? { external_id: externalId.trim() } : {}),
        status_history: [{ status: 'active', effective_on: firstSeen }],
      } });
      onCreated(created);
    } catch (error) { setMessage(explain(error)); }
  }
  return (
    <form onSubmit={submit} data-testid="new-point-form" aria-labelledby="new-point-title">
      <h2 id="new-point-title" className="fr-h5">Nouveau point ({location[1].toFixed(5)} ; {location[0].toFixed(5)})</h2>
      <Message message={message} onReload={() => setMessage(null)} />
      <SourceSelect id="new-source" value={source} onChange={setSource} />
      <div className="fr-input-group"><label className="fr-label" htmlFor="new-external-id">Identifiant dans la source (facultatif)</label>
        <input className="fr-input" id="new-external-id" value={externalId} maxLength={100} onChange={(e) => setExternalId(e.target.value)} /></div>
      <div className="fr-input-group"><label className="fr-label" htmlFor="new-first-seen">Actif depuis le</label>
        <input className="fr-input" type="date" id="new-first-seen" value={firstSeen} onChange={(e) => setFirstSeen(e.target.value)} /></div>
      <ProductChoices value={products} onChange={setProducts} prefix="new-product" />
      <ul className="fr-btns-group fr-btns-group--inline-sm">
        <li><button type="submit" className="fr-btn">Créer le point</button></li>
        <li><button type="button" className="fr-btn fr-btn--secondary" onClick={onCancel}>Annuler</button></li>
      </ul>
    </form>
  );
}

function PointDetails({ id, canWrite, operations, onChanged, refreshKey }: { id: number; canWrite: boolean; operations: OperationOption[]; onChanged(point: PointFeature): void; refreshKey: number }) {
  const [point, setPoint] = useState<PointFeature | null>(null);
  const [observations, setObservations] = useState<Observation[]>([]);
  const [message, setMessage] = useState<{ text: string; conflict: boolean; ok?: boolean } | null>(null);
  const [edit, setEdit] = useState<{ products: Product[]; source: Source; network: string }>({ products: [], source: 'police_nationale', network: '' });
  const [change, setChange] = useState<{ status: SendRoutes['POST /api/deal-points/:id/status-changes']['body']['status']; date: string; operation: string }>({ status: 'dismantled', date: today(), operation: '' });
  const [observation, setObservation] = useState<{ date: string; level: string }>({ date: today(), level: '2' });
  const load = useCallback(async () => {
    const loaded = await get('/api/deal-points/:id', { params: { id } });
    setPoint(loaded);
    setEdit({ products: asProducts(loaded.properties.products), source: asSource(loaded.properties.source), network: loaded.properties.network_id ? String(loaded.properties.network_id) : '' });
    setChange((c) => ({ ...c, status: loaded.properties.status === 'dismantled' ? 'reopened' : 'dismantled' }));
    setObservations((await get('/api/observations', { query: { deal_point_id: id, limit: 50 } })).items);
  }, [id]);
  useEffect(() => { setMessage(null); load().catch((e: Error) => setMessage({ text: e.message, conflict: false })); }, [load, refreshKey]);
  const reload = () => { setMessage(null); load().catch((e: Error) => setMessage({ text: e.message, conflict: false })); };
  async function run(action: () => Promise<PointFeature | null>, done: string) {
    try {
      const updated = await action();
      if (updated) { setPoint(updated); onChanged(updated); }
      await load();
      setMessage({ text: done, conflict: false, ok: true });
    } catch (error) { setMessage(explain(error)); }
  }
  if (!point) return <div><Message message={message} onReload={reload} />{!message && <p role="status">Chargement…</p>}</div>;
  const p = point.properties;
  const operationName = (opId: number | null) => operations.find((o) => o.id === opId)?.properties.name ?? (opId ? `opération n° ${opId}` : null);
  return (
    <section aria-labelledby="point-title" data-testid="point-details" data-version={p.version}>
      <h2 id="point-title" className="fr-h5">Point n° {point.id} — {p.commune_name} ({p.commune_insee})</h2>
      <Message message={message} onReload={reload} />
      <p className="fr-text--sm fr-mb-1w" data-testid="point-summary">
        Statut : <strong>{p.status ? statusLabels[p.status] : '—'}</strong> · version {p.version} · {point.geometry.coordinates[1].toFixed(5)} ; {point.geometry.coordinates[0].toFixed(5)} · {sourceLabels[p.source] ?? p.source}{p.external_id ? ` (${p.external_id})` : ''}
      </p>
      <h3 className="fr-h6 fr-mb-1w">Historique</h3>
      <ol className="fr-text--sm" data-testid="point-history">
        {p.status_history.map((h) => <li key={`${h.status}-${h.effective_on}`}>{frenchDate(h.effective_on)} : {statusLabels[h.status] ?? h.status}{h.operation_id ? ` (${operationName(h.operation_id)})` : ''}</li>)}
        {observations.map((o) => <li key={`o${o.id}`}>{frenchDate(o.observed_on)} : observation, activité {o.activity_level === null ? '—' : activityLabels[o.activity_level]}{o.estimated_daily_transactions !== null ? `, ${o.estimated_daily_transactions} transactions/jour` : ''}</li>)}
      </ol>
      {canWrite && (
        <>
          <form className="fr-mb-2w" data-testid="status-form" onSubmit={(e) => { e.preventDefault(); void run(() => send('POST', '/api/deal-points/:id/status-changes', { params: { id: point.id }, body: { version: p.version, status: change.status, effective_on: change.date, operation_id: change.operation ? Number(change.operation) : null } }), `Changement de statut enregistré : ${statusLabels[change.status]} le ${frenchDate(change.date)}.`); }}>
            <h3 className="fr-h6 fr-mb-1w">Changer le statut</h3>
            <div className="fr-grid-row fr-grid-row--gutters">
              <div className="fr-col-6"><label className="fr-label" htmlFor="change-status">Nouveau statut</label>
                <select className="fr-select" id="change-status" value={change.status} onChange={(e) => setChange({ ...change, status: e.target.value === 'reopened' ? 'reopened' : 'dismantled' })}>
                  <option value="dismantled">démantelé</option><option value="reopened">rouvert</option>
                </select></div>
              <div className="fr-col-6"><label className="fr-label" htmlFor="change-date">Date</label>
                <input className="fr-input" type="date" id="change-date" value={change.date} onChange={(e) => setChange({ ...change, date: e.target.value })} /></div>
              <div className="fr-col-12"><label className="fr-label" htmlFor="change-operation">Opération à l’origine (facultatif)</label>
                <select className="fr-select" id="change-operation" value={change.operation} onChange={(e) => setChange({ ...change, operation: e.target.value })}>
                  <option value="">Aucune</option>
                  {operations.map((o) => <option key={o.id} value={o.id}>{o.properties.name} ({frenchDate(o.properties.started_on)})</option>)}
                </select></div>
            </div>
            <button type="submit" className="fr-btn fr-btn--sm fr-mt-1w">Enregistrer le statut</button>
          </form>
          <form className="fr-mb-2w" data-testid="observation-form" onSubmit={(e) => { e.preventDefault(); void run(async () => { await send('POST', '/api/observations', { body: { deal_point_id: point.id, observed_on: observation.date, activity_level: Number(observation.level), source: asSource(p.source) } }); return null; }, 'Observation enregistrée.'); }}>
            <h3 className="fr-h6 fr-mb-1w">Ajouter une observation</h3>
            <div className="fr-grid-row fr-grid-row--gutters">
              <div className="fr-col-6"><label className="fr-label" htmlFor="observation-date">Observée le</label>
                <input className="fr-input" type="date" id="observation-date" value={observation.date} onChange={(e) => setObservation({ ...observation, date: e.target.value })} /></div>
              <div className="fr-col-6"><label className="fr-label" htmlFor="observation-level">Activité</label>
                <select className="fr-select" id="observation-level" value={observation.level} onChange={(e) => setObservation({ ...observation, level: e.target.value })}>
                  {activityLabels.map((label, level) => <option key={level} value={level}>{label}</option>)}
                </select></div>
            </div>
            <button type="submit" className="fr-btn fr-btn--sm fr-mt-1w">Enregistrer l’observation</button>
          </form>
          <form data-testid="edit-form" onSubmit={(e) => { e.preventDefault(); void run(() => send('PATCH', '/api/deal-points/:id', { params: { id: point.id }, body: { version: p.version, products: edit.products, source: edit.source, network_id: edit.network ? Number(edit.network) : null } }), 'Point modifié.'); }}>
            <h3 className="fr-h6 fr-mb-1w">Modifier</h3>
            <ProductChoices value={edit.products} onChange={(products) => setEdit({ ...edit, products })} prefix="edit-product" />
            <SourceSelect id="edit-source" value={edit.source} onChange={(source) => setEdit({ ...edit, source })} />
            <div className="fr-input-group"><label className="fr-label" htmlFor="edit-network">Réseau (numéro, facultatif)</label>
              <input className="fr-input" id="edit-network" inputMode="numeric" value={edit.network} onChange={(e) => setEdit({ ...edit, network: e.target.value.replace(/\D/g, '') })} /></div>
            <button type="submit" className="fr-btn fr-btn--sm">Enregistrer les modifications</button>
          </form>
        </>
      )}
    </section>
  );
}

export function PointsPage({ me }: { me: Me }) {
  const params = new URLSearchParams(location.search);
  const canWrite = ['national_analyst', 'departmental_analyst'].includes(me.user?.role ?? '');
  const [filters, setFilters] = useState<Record<string, string>>(Object.fromEntries(filterNames.map((n) => [n, params.get(n) ?? ''])));
  const after = params.get('apres');
  const [list, setList] = useState<PointList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(Number(params.get('point')) || null);
  const [picked, setPicked] = useState<[number, number] | null>(null);
  const [operations, setOperations] = useState<OperationOption[]>([]);
  const [moveMessage, setMoveMessage] = useState<{ text: string; conflict: boolean; ok?: boolean } | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const container = useRef<HTMLDivElement>(null);
  const editor = useRef<PointEditor | null>(null);
  const listRef = useRef<PointList | null>(null);

  const query = new URLSearchParams();
  for (const n of filterNames) if (params.get(n)) query.set(n, params.get(n)!);
  query.set('limit', '50');
  if (after) query.set('after', after);
  const apiQuery = query.toString();

  const loadList = useCallback(async (fit: boolean) => {
    const loaded = await get('/api/deal-points', { query: Object.fromEntries(new URLSearchParams(apiQuery)) });
    listRef.current = loaded;
    setList(loaded);
    editor.current?.setPoints(loaded.features.map((f) => ({ id: f.id, longitude: f.geometry.coordinates[0], latitude: f.geometry.coordinates[1], status: f.properties.status })), fit);
  }, [apiQuery]);

  useEffect(() => {
    const select = (id: number) => { setSelected(id); setPicked(null); editor.current?.setPicked(null); editor.current?.select(id); history.replaceState(null, '', `${location.pathname}?${withParam('point', String(id))}`); };
    editor.current = new PointEditor(container.current!, {
      onPick: (longitude, latitude) => { setPicked([longitude, latitude]); setSelected(null); editor.current?.select(null); editor.current?.setPicked([longitude, latitude]); },
      onSelect: select,
      onMove: async (id, longitude, latitude) => {
        const version = listRef.current?.features.find((f) => f.id === id)?.properties.version;
        if (version === undefined) { setMoveMessage({ text: `Point n° ${id} absent de la liste : rechargez la page.`, conflict: true }); return; }
        try {
          await send('PATCH', '/api/deal-points/:id', { params: { id }, body: { version, location: { type: 'Point', coordinates: [longitude, latitude] } } });
          setMoveMessage({ text: `Point n° ${id} déplacé (${latitude.toFixed(5)} ; ${longitude.toFixed(5)}).`, conflict: false, ok: true });
        } catch (e) { setMoveMessage(explain(e)); }
        select(id);
        setRefreshKey((k) => k + 1);
        await loadList(false);
      },
    }, canWrite);
    (window as unknown as { sillagePointEditor?: PointEditor }).sillagePointEditor = editor.current;
    loadList(true).catch((e: Error) => setError(e.message));
    get('/api/operations', { query: { limit: 200 } }).then((r) => setOperations(r.features)).catch(() => setOperations([]));
    if (selected) editor.current.select(selected);
    return () => editor.current?.destroy();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- built once; the URL is the state
  }, []);

  function apply(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const n of filterNames) if (filters[n]) next.set(n, filters[n]);
    location.assign(`/points?${next}`);
  }
  const linkWith = (name: string, value: string | null) => `/points?${withParam(name, value)}`;
  const onChanged = () => { void loadList(false); };
  const exportLink = (format: string) => `/api/exports/deal-points.${format}?${new URLSearchParams([...query].filter(([k]) => k !== 'limit' && k !== 'after'))}`;

  return (
    <>
      <h1 className="fr-h2">Points de deal</h1>
      <form onSubmit={apply} className="fr-mb-2w" aria-label="Filtrer les points" data-testid="point-filters">
        <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
          <div className="fr-col-6 fr-col-md-1"><label className="fr-label" htmlFor="pf-department">Dépt</label>
            <input className="fr-input" id="pf-department" maxLength={3} value={filters.department} onChange={(e) => setFilters({ ...filters, department: e.target.value.toUpperCase() })} /></div>
          <div className="fr-col-6 fr-col-md-2"><label className="fr-label" htmlFor="pf-commune">Commune (INSEE)</label>
            <input className="fr-input" id="pf-commune" maxLength={5} value={filters.commune} onChange={(e) => setFilters({ ...filters, commune: e.target.value.toUpperCase() })} /></div>
          <div className="fr-col-6 fr-col-md-2"><label className="fr-label" htmlFor="pf-status">Statut</label>
            <select className="fr-select" id="pf-status" value={filters.status} onChange={(e) => setFilters({ ...filters, status: e.target.value })}>
              <option value="">Tous</option>{Object.entries(statusLabels).map(([c, l]) => <option key={c} value={c}>{l}</option>)}
            </select></div>
          <div className="fr-col-6 fr-col-md-2"><label className="fr-label" htmlFor="pf-at">au</label>
            <input className="fr-input" type="date" id="pf-at" value={filters.at} onChange={(e) => setFilters({ ...filters, at: e.target.value })} /></div>
          <div className="fr-col-6 fr-col-md-2"><label className="fr-label" htmlFor="pf-source">Source</label>
            <select className="fr-select" id="pf-source" value={filters.source} onChange={(e) => setFilters({ ...filters, source: e.target.value })}>
              <option value="">Toutes</option>{Object.entries(sourceLabels).map(([c, l]) => <option key={c} value={c}>{l}</option>)}
            </select></div>
          <div className="fr-col-6 fr-col-md-1"><label className="fr-label" htmlFor="pf-network">Réseau</label>
            <input className="fr-input" id="pf-network" inputMode="numeric" value={filters.network_id} onChange={(e) => setFilters({ ...filters, network_id: e.target.value.replace(/\D/g, '') })} /></div>
          <div className="fr-col-6 fr-col-md-1"><label className="fr-label" htmlFor="pf-product">Produit</label>
            <select className="fr-select" id="pf-product" value={filters.product} onChange={(e) => setFilters({ ...filters, product: e.target.value })}>
              <option value="">Tous</option>{Object.entries(productLabels).map(([c, l]) => <option key={c} value={c}>{l}</option>)}
            </select></div>
          <div className="fr-col-6 fr-col-md-1"><label className="fr-label" htmlFor="pf-dataset">Données</label>
            <select className="fr-select" id="pf-dataset" value={filters.dataset} onChange={(e) => setFilters({ ...filters, dataset: e.target.value })}>
              <option value="">Toutes</option><option value="real">réelles</option><option value="synthetic">synthétiques</option>
            </select></div>
          <div className="fr-col-12 fr-col-md-12"><button type="submit" className="fr-btn">Filtrer</button></div>
        </div>
      </form>
      {error && <div className="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert"><p>{error}</p></div>}
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-lg-7">
          <p className="fr-text--sm fr-mb-1w">{canWrite ? 'Cliquez sur la carte pour créer un point ; faites glisser un point pour le déplacer ; cliquez sur un point pour l’ouvrir.' : 'Cliquez sur un point pour l’ouvrir.'}</p>
          <div ref={container} data-testid="points-map" role="application" aria-label="Carte des points de deal" style={{ height: 480, border: '1px solid #ddd' }} />
          <p className="fr-text--sm fr-mt-1w" role="status" data-testid="point-count">
            {list ? `${list.features.length} point${list.features.length > 1 ? 's' : ''} sur cette page${list.next ? ' (d’autres pages suivent)' : ''}` : 'Chargement…'}
            {' · Exporter : '}<a href={exportLink('csv')} download>CSV</a> · <a href={exportLink('geojson')} download>GeoJSON</a> · <a href={exportLink('gpkg')} download>GeoPackage</a>
          </p>
        </div>
        <div className="fr-col-12 fr-col-lg-5">
          <Message message={moveMessage} onReload={() => { setMoveMessage(null); setRefreshKey((k) => k + 1); void loadList(false); }} />
          {picked && canWrite && <NewPointForm location={picked} onCancel={() => { setPicked(null); editor.current?.setPicked(null); }} onCreated={(point) => {
            setPicked(null); editor.current?.setPicked(null); setSelected(point.id); editor.current?.select(point.id);
            history.replaceState(null, '', `${location.pathname}?${withParam('point', String(point.id))}`);
            setMoveMessage({ text: `Point n° ${point.id} créé à ${point.properties.commune_name}.`, conflict: false, ok: true });
            void loadList(false);
          }} />}
          {selected && !picked && <PointDetails id={selected} canWrite={canWrite} operations={operations} onChanged={onChanged} refreshKey={refreshKey} />}
          {!selected && !picked && <p className="fr-text--sm">Aucun point ouvert.</p>}
        </div>
      </div>
      {list && (
        <>
          <div className="fr-table fr-table--sm fr-mt-2w"><div className="fr-table__wrapper"><div className="fr-table__container"><div className="fr-table__content">
            <table data-testid="point-table">
              <caption>Points de cette page</caption>
              <thead><tr><th scope="col">N°</th><th scope="col">Commune</th><th scope="col">Statut</th><th scope="col">Produits</th><th scope="col">Source</th><th scope="col">Version</th></tr></thead>
              <tbody>
                {list.features.map((f) => (
                  <tr key={f.id} data-id={f.id} aria-selected={f.id === selected}>
                    <td><button type="button" className="fr-link" onClick={() => { setSelected(f.id); setPicked(null); editor.current?.select(f.id); editor.current?.centreOn(f.geometry.coordinates[0], f.geometry.coordinates[1]); history.replaceState(null, '', `${location.pathname}?${withParam('point', String(f.id))}`); }}>{f.id}</button></td>
                    <td>{f.properties.commune_name} ({f.properties.commune_insee})</td>
                    <td>{f.properties.status ? statusLabels[f.properties.status] : '—'}</td>
                    <td>{f.properties.products.map((c) => productLabels[c] ?? c).join(', ') || '—'}</td>
                    <td>{sourceLabels[f.properties.source] ?? f.properties.source}</td>
                    <td>{f.properties.version}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div></div></div></div>
          <nav className="fr-pagination" aria-label="Pagination des points">
            <ul className="fr-pagination__list">
              <li>{after ? <a className="fr-pagination__link fr-pagination__link--first" href={linkWith('apres', null)}>Première page</a> : <a className="fr-pagination__link fr-pagination__link--first" aria-disabled="true" role="link">Première page</a>}</li>
              <li>{list.next ? <a className="fr-pagination__link fr-pagination__link--next" href={linkWith('apres', String(list.next))} data-testid="next-page">Page suivante</a> : <a className="fr-pagination__link fr-pagination__link--next" aria-disabled="true" role="link">Page suivante</a>}</li>
            </ul>
          </nav>
        </>
      )}
    </>
  );
}

function withParam(name: string, value: string | null): string {
  const next = new URLSearchParams(location.search);
  if (value) next.set(name, value); else next.delete(name);
  if (name !== 'point' && name !== 'apres') next.delete('apres');
  return next.toString();
}
