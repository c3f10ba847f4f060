/** A deal point opened on `/points`: its history and observations, and the analysts' forms (status, observation, edit). */
import { useCallback, useEffect, useState } from 'react';
import { get, type GetRoutes } from '../api/routes';
import { send, type SendRoutes } from '../api/send';
import { asProducts, asSource, type Product, type Source } from '../api/codes';
import { frenchDate } from '../format';
import { sourceLabels, statusLabels } from '../labels';
import { Message, ProductChoices, SourceSelect, explain, today, type PointFeature, type PointMessage } from './point-forms';

const activityLabels = ['aucune', 'faible', 'modérée', 'forte', 'très forte'];

type Observation = GetRoutes['/api/observations']['items'][number];
export type OperationOption = GetRoutes['/api/operations']['features'][number];

export function PointDetails({ id, canWrite, operations, onChanged, refreshKey }: { id: number; canWrite: boolean; operations: OperationOption[]; onChanged(point: PointFeature): void; refreshKey: number }) {
  const [point, setPoint] = useState<PointFeature | null>(null);
  const [observations, setObservations] = useState<Observation[]>([]);
  const [message, setMessage] = useState<PointMessage | null>(null);
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
  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshKey is the page's signal that the point changed there (moved on the map), so it is read again
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
                  {activityLabels.map((label, level) => <option key={label} value={level}>{label}</option>)}
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
