/**
 * The moderation queue of a CROSS: public reports of its departments, grouped by spot (within
 * 75 m). A report opens on a small map with the deal points and other reports around it. Accept
 * (link to the deal point within 75 m, or create a candidate point), merge into another report of
 * the group, or reject with a reason from the list and words; each asks for confirmation and can
 * be undone the same day; the decisions are listed. `?statut=accepted&signalement=12` in the URL.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { get, type GetRoutes } from '../api/routes';
import { send, type SendRoutes } from '../api/send';
import { SillageMap } from '../map/map-adapter';
import { frenchDate } from '../format';
import { CandidatePoints } from '../components/candidate-points';

type Cluster = GetRoutes['/api/moderation/reports']['items'][number];
type Report = Cluster['reports'][number];
type Surroundings = GetRoutes['/api/moderation/reports/:id/surroundings'];
type Decision = GetRoutes['/api/moderation/reports/:id/history']['items'][number];
type RejectCode = NonNullable<SendRoutes['POST /api/moderation/reports/:id/reject']['body']['reason_code']>;
type Action = { kind: 'accept' } | { kind: 'merge'; into: Report } | { kind: 'reject' };

const seenLabels: Record<string, string> = {
  vente: 'vente', guetteurs: 'guetteurs', file_acheteurs: 'file d’acheteurs', consommation: 'consommation', vente_vehicule: 'vente depuis un véhicule',
  rassemblement: 'rassemblement', autre: 'autre',
};
const timeLabels: Record<string, string> = { matin: 'matin', apres_midi: 'après-midi', soiree: 'soirée', nuit: 'nuit' };
const statusLabels: Record<string, string> = { pending: 'à examiner', accepted: 'acceptés', merged: 'fusionnés', rejected: 'rejetés' };
const decisionLabels: Record<string, string> = { accepted: 'Accepté', merged: 'Fusionné', rejected: 'Rejeté', undone: 'Décision annulée' };

const todayIso = () => new Date().toISOString().slice(0, 10);

export function ModerationPage() {
  const query = new URLSearchParams(location.search);
  const [status, setStatus] = useState(statusLabels[query.get('statut') ?? ''] ? query.get('statut')! : 'pending');
  const [selectedId, setSelectedId] = useState<number | null>(/^[1-9][0-9]{0,15}$/.test(query.get('signalement') ?? '') ? Number(query.get('signalement')) : null);
  const [clusters, setClusters] = useState<Cluster[] | null>(null);
  const [reasons, setReasons] = useState<GetRoutes['/api/moderation/reasons']['items']>([]);
  const [reasonCode, setReasonCode] = useState<RejectCode | ''>('');
  const [reasonText, setReasonText] = useState('');
  const [action, setAction] = useState<Action | null>(null);
  const [surroundings, setSurroundings] = useState<Surroundings | null>(null);
  const [history, setHistory] = useState<Decision[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ text: string; undo?: number } | null>(null);
  const mapContainer = useRef<HTMLDivElement>(null);
  const map = useRef<SillageMap | null>(null);
  const mapHolder = useRef<HTMLDivElement | null>(null);
  const fail = useCallback((e: unknown) => setError(e instanceof ApiError ? e.message : (e as Error).message), []);

  const [candidatesRefresh, setCandidatesRefresh] = useState(0);
  const load = useCallback(() => {
    get('/api/moderation/reports', { query: { status } }).then((r) => setClusters(r.items)).catch(fail);
    setCandidatesRefresh((n) => n + 1);
  }, [status, fail]);
  useEffect(load, [load]);
  useEffect(() => { get('/api/moderation/reasons').then((r) => setReasons(r.items)).catch(fail); }, [fail]);

  const selected = clusters?.flatMap((c) => c.reports).find((r) => r.id === selectedId) ?? null;
  const cluster = clusters?.find((c) => c.reports.some((r) => r.id === selectedId)) ?? null;

  useEffect(() => {
    const params = new URLSearchParams();
    if (status !== 'pending') params.set('statut', status);
    if (selectedId) params.set('signalement', String(selectedId));
    window.history.replaceState(null, '', `/moderation${params.size ? `?${params}` : ''}`);
    setAction(null);
    if (!selectedId) { setSurroundings(null); setHistory([]); return; }
    get('/api/moderation/reports/:id/surroundings', { params: { id: selectedId } }).then(setSurroundings).catch(fail);
    get('/api/moderation/reports/:id/history', { params: { id: selectedId } }).then((r) => setHistory(r.items)).catch(fail);
  }, [selectedId, status, fail]);

  useEffect(() => {
    if (!surroundings || !mapContainer.current) return;
    if (map.current && mapHolder.current !== mapContainer.current) { map.current.destroy(); map.current = null; }
    if (!map.current) {
      mapHolder.current = mapContainer.current;
      map.current = new SillageMap(mapContainer.current, { center: [surroundings.report.longitude, surroundings.report.latitude], zoom: 16 });
      (window as unknown as { moderationMap: SillageMap }).moderationMap = map.current;
      get('/api/departments/outlines').then((c) => map.current?.setDepartments(c)).catch(fail);
    }
    const point = (longitude: number, latitude: number, properties: Record<string, unknown>): GeoJSON.Feature<GeoJSON.Point> => ({ type: 'Feature', properties, geometry: { type: 'Point', coordinates: [longitude, latitude] } });
    void map.current.setComparedPoints({
      type: 'FeatureCollection',
      features: [
        point(surroundings.report.longitude, surroundings.report.latitude, { role: 'a', label: 'Ce signalement' }),
        ...surroundings.reports.filter((r) => r.cluster_id === surroundings.report.cluster_id).map((r) => point(r.longitude, r.latitude, { role: 'b', label: r.receipt })),
        ...surroundings.deal_points.map((d) => point(d.longitude, d.latitude, { role: 'nearby', label: `point n° ${d.id}` })),
      ],
    });
  }, [surroundings, fail]);
  useEffect(() => () => { map.current?.destroy(); map.current = null; }, []);

  const decide = async () => {
    if (!selected || !action) return;
    setError(null);
    try {
      if (action.kind === 'accept') {
        const r = await send('POST', '/api/moderation/reports/:id/accept', { params: { id: selected.id }, body: {} });
        setNotice({ text: r.created_candidate ? `${selected.receipt} accepté : point candidat n° ${r.deal_point_id} créé, à confirmer.` : `${selected.receipt} accepté et rattaché au point n° ${r.deal_point_id}.`, undo: selected.id });
      } else if (action.kind === 'merge') {
        await send('POST', '/api/moderation/reports/:id/merge', { params: { id: selected.id }, body: { into: action.into.id } });
        setNotice({ text: `${selected.receipt} fusionné avec ${action.into.receipt}.`, undo: selected.id });
      } else {
        await send('POST', '/api/moderation/reports/:id/reject', { params: { id: selected.id }, body: { ...(reasonCode ? { reason_code: reasonCode } : {}), ...(reasonText.trim() ? { reason: reasonText.trim() } : {}) } });
        setNotice({ text: `${selected.receipt} rejeté.`, undo: selected.id });
        setReasonCode(''); setReasonText('');
      }
      setSelectedId(null);
      load();
    } catch (e) { fail(e); }
  };

  const undo = async (id: number) => {
    setError(null);
    try {
      const r = await send('POST', '/api/moderation/reports/:id/undo', { params: { id } });
      setNotice({ text: `Décision annulée : ${r.receipt} est de nouveau à examiner${r.removed_candidate ? ` (point candidat n° ${r.removed_candidate} retiré)` : ''}.` });
      setStatus('pending');
      setSelectedId(id);
      load();
    } catch (e) { fail(e); }
  };

  const confirmText = !selected || !action ? '' : action.kind === 'accept'
    ? (selected.nearest_deal_point ? `Accepter ${selected.receipt} et le rattacher au point n° ${selected.nearest_deal_point.id} ?` : `Accepter ${selected.receipt} et créer un point candidat (inactif tant qu’un analyste ne l’a pas confirmé) ?`)
    : action.kind === 'merge' ? `Fusionner ${selected.receipt} avec ${action.into.receipt} ?` : `Rejeter ${selected.receipt} ?`;

  return (
    <div>
      <h1>Signalements du public</h1>
      <p>Signalements du public (mesure 16) de vos départements, regroupés lorsqu’ils désignent le même lieu (moins de 75 m). Chaque décision peut être annulée le jour même.</p>
      <CandidatePoints refresh={candidatesRefresh} onChanged={() => get('/api/moderation/reports', { query: { status } }).then((r) => setClusters(r.items)).catch(fail)} />
      <div className="fr-select-group" style={{ maxWidth: 320 }}>
        <label className="fr-label" htmlFor="moderation-status">Signalements</label>
        <select id="moderation-status" className="fr-select" value={status} onChange={(e) => { setSelectedId(null); setStatus(e.target.value); }}>
          {Object.entries(statusLabels).map(([code, label]) => <option key={code} value={code}>{label}</option>)}
        </select>
      </div>
      {notice && (
        <div className="fr-alert fr-alert--success fr-alert--sm fr-mb-2w" role="status">
          <p>{notice.text}</p>
          {notice.undo && <button type="button" className="fr-btn fr-btn--sm fr-btn--secondary fr-mt-1w" onClick={() => undo(notice.undo!)}>Annuler cette décision</button>}
        </div>
      )}
      {error && <div className="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert"><p>{error}</p></div>}
      {!clusters && !error && <p role="status">Chargement de la file…</p>}
      {clusters?.length === 0 && <p>Aucun signalement {statusLabels[status]}.</p>}
      <div className="sillage-duplicates">
        <div>
          {clusters?.map((c) => (
            <section key={c.cluster_id} className="fr-card fr-mb-2w fr-p-2w" data-testid="report-cluster">
              <h2 className="fr-h6 fr-mb-1w">{c.reports[0].commune_name} ({c.reports[0].department_code}) — {c.count} signalement{c.count > 1 ? 's' : ''}</h2>
              {c.reports.map((r) => (
                <div key={r.id} className="fr-mb-1w" data-testid="report">
                  <button type="button" aria-pressed={r.id === selectedId} className={`fr-btn fr-btn--sm ${r.id === selectedId ? '' : 'fr-btn--tertiary'}`} onClick={() => { setNotice(null); setSelectedId(r.id); }}>
                    {r.receipt} du {frenchDate(r.reported_on)}
                  </button>
                  {r.moderated_at && r.moderated_at.slice(0, 10) === todayIso() && (
                    <button type="button" className="fr-btn fr-btn--sm fr-btn--tertiary-no-outline fr-ml-1w" onClick={() => undo(r.id)}>Annuler la décision</button>
                  )}
                </div>
              ))}
            </section>
          ))}
        </div>
        <section aria-labelledby="report-title" data-testid="report-detail">
          {!selected && clusters && clusters.length > 0 && <p>Choisissez un signalement.</p>}
          {selected && (
            <>
              <h2 id="report-title" className="fr-h5">{selected.receipt} — {selected.commune_name}</h2>
              <div ref={mapContainer} className="sillage-duplicates__map" data-testid="report-map" role="img" aria-label="Carte du signalement, des points de deal et des autres signalements à moins de 300 m" />
              <p className="fr-text--sm fr-mb-1w">
                Vu : {selected.seen.map((s) => seenLabels[s] ?? s).join(', ')}{selected.times_of_day.length ? ` (${selected.times_of_day.map((t) => timeLabels[t] ?? t).join(', ')})` : ''}.
                {selected.location_precision === 'commune' && ' Commune seulement, sans repère.'}
              </p>
              {selected.description && <p className="fr-text--sm fr-mb-1w">« {selected.description} »</p>}
              <p className="fr-text--sm fr-mb-1w">
                {selected.nearest_deal_point ? `Point de deal n° ${selected.nearest_deal_point.id} à ${selected.nearest_deal_point.distance_m} m.` : 'Aucun point de deal connu à moins de 75 m.'}
                {surroundings && ` À moins de 300 m : ${surroundings.deal_points.length} point${surroundings.deal_points.length > 1 ? 's' : ''} de deal, ${surroundings.reports.length} autre${surroundings.reports.length > 1 ? 's' : ''} signalement${surroundings.reports.length > 1 ? 's' : ''}.`}
              </p>
              {selected.rejection_reason && <p className="fr-text--sm">Motif : {selected.rejection_reason}</p>}
              {selected.status === 'pending' && !action && (
                <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm">
                  <li><button type="button" className="fr-btn" onClick={() => setAction({ kind: 'accept' })}>{selected.nearest_deal_point ? `Rattacher au point n° ${selected.nearest_deal_point.id}` : 'Créer un point candidat'}</button></li>
                  {cluster?.reports.filter((o) => o.id !== selected.id).slice(0, 2).map((o) => (
                    <li key={o.id}><button type="button" className="fr-btn fr-btn--secondary" onClick={() => setAction({ kind: 'merge', into: o })}>Fusionner avec {o.receipt}</button></li>
                  ))}
                  <li><button type="button" className="fr-btn fr-btn--tertiary" onClick={() => setAction({ kind: 'reject' })}>Rejeter…</button></li>
                </ul>
              )}
              {action && (
                <div className="fr-alert fr-alert--warning fr-alert--sm" role="alertdialog" aria-labelledby="moderation-confirm">
                  <p id="moderation-confirm">{confirmText}</p>
                  {action.kind === 'reject' && (
                    <div className="fr-mt-1w">
                      <div className="fr-select-group fr-mb-1w">
                        <label className="fr-label" htmlFor="reject-reason">Motif</label>
                        <select id="reject-reason" className="fr-select" value={reasonCode} onChange={(e) => setReasonCode(e.target.value as RejectCode | '')}>
                          <option value="">— choisir —</option>
                          {reasons.map((r) => <option key={r.code} value={r.code}>{r.label}</option>)}
                        </select>
                      </div>
                      <div className="fr-input-group fr-mb-1w">
                        <label className="fr-label" htmlFor="reject-text">Précisions (facultatives, sauf pour « Autre motif »)</label>
                        <input id="reject-text" className="fr-input" maxLength={400} value={reasonText} onChange={(e) => setReasonText(e.target.value)} />
                      </div>
                    </div>
                  )}
                  <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-mt-1w">
                    <li><button type="button" className="fr-btn" onClick={decide}>Confirmer</button></li>
                    <li><button type="button" className="fr-btn fr-btn--tertiary" onClick={() => setAction(null)}>Revenir</button></li>
                  </ul>
                </div>
              )}
              <h3 className="fr-h6 fr-mt-2w fr-mb-1w">Historique des décisions</h3>
              {history.length === 0 ? <p className="fr-text--sm">Aucune décision.</p> : (
                <ul className="fr-text--sm" data-testid="decision-history">
                  {history.map((h) => (
                    <li key={`${h.decided_at}|${h.decision}|${h.decided_by}`}>
                      {new Date(h.decided_at).toLocaleString('fr-FR')} — {decisionLabels[h.decision] ?? h.decision} par {h.decided_by}
                      {h.reason_code ? ` (${reasons.find((r) => r.code === h.reason_code)?.label ?? h.reason_code}${h.reason_text ? ` : ${h.reason_text}` : ''})` : h.reason_text ? ` (${h.reason_text})` : ''}
                      {h.created_candidate ? `, point candidat n° ${h.deal_point_id}` : ''}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </section>
      </div>
    </div>
  );
}
