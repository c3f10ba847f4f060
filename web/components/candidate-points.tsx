/**
 * Candidate deal points (from accepted public reports, not active): an analyst confirms one (it
 * becomes an active point from its first report's day) or discards it (no deal point there: it is
 * removed and its reports rejected). Each asks for confirmation first.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { get, type GetRoutes } from '../api/routes';
import { send } from '../api/send';
import { frenchDate } from '../format';
import { SillageMap } from '../map/map-adapter';

/** A candidate waiting longer than this is marked as old in the list (it stays inactive until examined). */
export const oldCandidateDays = 30;

type Surroundings = GetRoutes['/api/moderation/reports/:id/surroundings'];

/** The candidate on a small map with the confirmed points and the other reports within 300 m of its first report. */
function CandidateMap({ candidate }: { candidate: Candidate }) {
  const holder = useRef<HTMLDivElement | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [nearby, setNearby] = useState<{ points: number; reports: number } | null>(null);
  useEffect(() => {
    if (!holder.current) return undefined;
    const map = new SillageMap(holder.current, { center: [candidate.longitude, candidate.latitude], zoom: 16 });
    (window as unknown as { candidateMap: SillageMap }).candidateMap = map;
    const point = (longitude: number, latitude: number, properties: Record<string, unknown>): GeoJSON.Feature<GeoJSON.Point> => ({ type: 'Feature', properties, geometry: { type: 'Point', coordinates: [longitude, latitude] } });
    const first = candidate.reports[0];
    const around: Promise<Pick<Surroundings, 'deal_points' | 'reports'>> = first ? get('/api/moderation/reports/:id/surroundings', { params: { id: first.id } }) : Promise.resolve({ deal_points: [], reports: [] });
    around.then((s) => {
      const points = s.deal_points.filter((d) => d.id !== candidate.id && d.verification === 'confirmed');
      setNearby({ points: points.length, reports: s.reports.length });
      return map.setComparedPoints({
        type: 'FeatureCollection',
        features: [
          point(candidate.longitude, candidate.latitude, { role: 'a', label: `Candidat n° ${candidate.id}` }),
          ...s.reports.map((r) => point(r.longitude, r.latitude, { role: 'b', label: r.receipt })),
          ...points.map((d) => point(d.longitude, d.latitude, { role: 'nearby', label: `point n° ${d.id}` })),
        ],
      });
    }).catch((e: unknown) => setError(e instanceof ApiError ? e.message : (e as Error).message));
    return () => map.destroy();
  }, [candidate]);
  return (
    <figure className="sillage-small-map fr-mb-1w">
      <div ref={holder} className="sillage-duplicates__map" data-testid="candidate-map" role="img" aria-label={`Carte du point candidat n° ${candidate.id}, des points confirmés et des signalements à moins de 300 m`} />
      <figcaption className="fr-text--xs">
        {error ?? (nearby ? `Point candidat en bleu ; à moins de 300 m : ${nearby.points} point${nearby.points > 1 ? 's' : ''} confirmé${nearby.points > 1 ? 's' : ''} (gris) et ${nearby.reports} autre${nearby.reports > 1 ? 's' : ''} signalement${nearby.reports > 1 ? 's' : ''} (orange).` : 'Chargement de la carte…')}
      </figcaption>
    </figure>
  );
}

/** Whole days between the candidate's creation and now. */
function waitingDays(createdAt: string, now = Date.now()): number {
  return Math.max(0, Math.floor((now - Date.parse(createdAt)) / 86_400_000));
}

type Candidate = GetRoutes['/api/moderation/candidates']['items'][number];
type Pending = { kind: 'confirm' | 'discard'; candidate: Candidate };

export function CandidatePoints({ refresh, onChanged }: { refresh: number; onChanged: () => void }) {
  const [items, setItems] = useState<Candidate[] | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<number | null>(null);
  const fail = useCallback((e: unknown) => setError(e instanceof ApiError ? e.message : (e as Error).message), []);

  const load = useCallback(() => { get('/api/moderation/candidates').then((r) => setItems(r.items)).catch(fail); }, [fail]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: refresh is the moderation page's signal to read the candidates again
  useEffect(() => { load(); }, [load, refresh]);

  const act = async () => {
    if (!pending) return;
    setError(null);
    const { candidate } = pending;
    try {
      if (pending.kind === 'confirm') {
        const r = await send('POST', '/api/moderation/candidates/:id/confirm', { params: { id: candidate.id } });
        setNotice(`Point n° ${candidate.id} confirmé : actif${r.active_from ? ` depuis le ${frenchDate(r.active_from)}` : ''}, il figure désormais sur la carte.`);
      } else {
        const r = await send('POST', '/api/moderation/candidates/:id/discard', { params: { id: candidate.id }, body: reason.trim() ? { reason: reason.trim() } : {} });
        setNotice(`Point candidat n° ${candidate.id} écarté : ${r.rejected_reports.length} signalement${r.rejected_reports.length > 1 ? 's' : ''} rejeté${r.rejected_reports.length > 1 ? 's' : ''} (annulable aujourd’hui depuis la liste des rejetés).`);
        setReason('');
      }
      setPending(null);
      load();
      onChanged();
    } catch (e) { fail(e); }
  };

  return (
    <section className="fr-mb-4w" aria-labelledby="candidates-title" data-testid="candidates">
      <h2 id="candidates-title" className="fr-h5">Points candidats à confirmer{items ? ` (${items.length})` : ''}</h2>
      <p className="fr-text--sm">Créés en acceptant un signalement sans point de deal connu à moins de 75 m. Inactifs (absents de la carte et des comptes) tant qu’un analyste ne les a pas confirmés ; les plus anciens d’abord, signalés au-delà de {oldCandidateDays} jours d’attente.</p>
      {notice && <div className="fr-alert fr-alert--success fr-alert--sm fr-mb-2w" role="status"><p>{notice}</p></div>}
      {error && <div className="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert"><p>{error}</p></div>}
      {items?.length === 0 && <p className="fr-text--sm">Aucun point candidat.</p>}
      {items && items.length > 0 && (
        <ul className="sillage-candidates">
          {items.map((c) => { const days = waitingDays(c.created_at); return (
            <li key={c.id} className="fr-card fr-p-2w fr-mb-1w" data-testid="candidate">
              <p className="fr-text--sm fr-mb-1v">
                <strong>Point candidat n° {c.id}</strong> — {c.commune_name} ({c.department_code}), créé le {frenchDate(c.created_at.slice(0, 10))}
                {days >= oldCandidateDays
                  ? <> <span className="fr-badge fr-badge--warning fr-badge--sm" data-testid="old-candidate">en attente depuis {days} jours</span></>
                  : days > 0 ? `, en attente depuis ${days} jour${days > 1 ? 's' : ''}` : ''}.
                {' '}{c.nearest_point ? `Point confirmé le plus proche : n° ${c.nearest_point.id} à ${c.nearest_point.distance_m} m.` : 'Aucun point confirmé à moins de 300 m.'}
              </p>
              <p className="fr-text--sm fr-mb-1w">
                Signalement{c.reports.length > 1 ? 's' : ''} : {c.reports.map((r, i) => (
                  <span key={r.id}>{i > 0 && ', '}<a href={`/moderation?statut=${r.status}&signalement=${r.id}`}>{r.receipt}</a> du {frenchDate(r.reported_on)}</span>
                ))}
                {c.reports.length === 0 && 'aucun'}
              </p>
              {shown === c.id && <CandidateMap candidate={c} />}
              {pending?.candidate.id === c.id ? (
                <div className="fr-alert fr-alert--warning fr-alert--sm" role="alertdialog" aria-labelledby={`candidate-confirm-${c.id}`}>
                  <p id={`candidate-confirm-${c.id}`}>
                    {pending.kind === 'confirm'
                      ? `Confirmer le point n° ${c.id} ? Il devient un point de deal actif depuis son premier signalement.`
                      : `Écarter le point n° ${c.id} ? Il est supprimé et ${c.reports.length > 1 ? `ses ${c.reports.length} signalements sont rejetés` : 'son signalement est rejeté'} (lieu sans activité constatée).`}
                  </p>
                  {pending.kind === 'discard' && (
                    <div className="fr-input-group fr-mt-1w fr-mb-1w">
                      <label className="fr-label" htmlFor="discard-reason">Précisions (facultatives)</label>
                      <input id="discard-reason" className="fr-input" maxLength={300} value={reason} onChange={(e) => setReason(e.target.value)} />
                    </div>
                  )}
                  <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-mt-1w">
                    <li><button type="button" className="fr-btn" onClick={act}>Confirmer</button></li>
                    <li><button type="button" className="fr-btn fr-btn--tertiary" onClick={() => setPending(null)}>Revenir</button></li>
                  </ul>
                </div>
              ) : (
                <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm">
                  <li><button type="button" className="fr-btn" onClick={() => { setNotice(null); setPending({ kind: 'confirm', candidate: c }); }}>Confirmer le point n° {c.id}</button></li>
                  <li><button type="button" className="fr-btn fr-btn--secondary" onClick={() => { setNotice(null); setPending({ kind: 'discard', candidate: c }); }}>Écarter le point n° {c.id}…</button></li>
                  <li><button type="button" className="fr-btn fr-btn--tertiary" aria-expanded={shown === c.id} onClick={() => setShown(shown === c.id ? null : c.id)}>{shown === c.id ? 'Masquer la carte' : `Voir le point n° ${c.id} sur une carte`}</button></li>
                </ul>
              )}
            </li>
          ); })}
        </ul>
      )}
    </section>
  );
}
