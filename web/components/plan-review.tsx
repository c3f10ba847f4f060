/** A plan's semester review: each priority sector's indicators against its targets, the schools nearby, the note saved. */
import { frenchAxisLabel } from '../format';
import { useEffect, useState } from 'react';
import { get } from '../api/routes';
import { send } from '../api/send';
import { number, type Plan, type Review } from '../api/desk';

const statusBadges: Record<string, { label: string; tone: string }> = {
  met: { label: 'objectif atteint', tone: 'fr-badge--success' }, not_met: { label: 'objectif non atteint', tone: 'fr-badge--error' },
  no_target: { label: 'sans cible', tone: 'fr-badge--info' }, no_value: { label: 'pas de valeur', tone: 'fr-badge--warning' },
};

export function semestersFrom(first: string, now = new Date().toISOString().slice(0, 10)): string[] {
  const current = `${now.slice(0, 4)}-S${Number(now.slice(5, 7)) <= 6 ? 1 : 2}`;
  const list: string[] = [];
  for (let s = first; s <= current && list.length < 40; s = s.endsWith('S1') ? `${s.slice(0, 4)}-S2` : `${Number(s.slice(0, 4)) + 1}-S1`) list.push(s);
  return list;
}

export function PlanReview({ plan, canWrite, onSaved }: { plan: Plan; canWrite: boolean; onSaved: () => void }) {
  const semesters = semestersFrom(plan.first_semester);
  const [semester, setSemester] = useState(semesters.at(-1) ?? plan.first_semester);
  const [radius, setRadius] = useState(plan.school_radius_m);
  const [review, setReview] = useState<Review | null>(null);
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    let cancelled = false;
    setReview(null);
    get('/api/action-plans/:id/review', { params: { id: plan.id }, query: { semester, radius_m: radius } })
      .then((r) => { if (!cancelled) setReview(r); })
      .catch((e: Error) => { if (!cancelled) setMessage({ ok: false, text: e.message }); });
    return () => { cancelled = true; };
  }, [plan.id, semester, radius]);
  const save = async () => {
    try {
      await send('POST', '/api/action-plans/:id/reviews', { params: { id: plan.id }, body: { semester, note } });
      setMessage({ ok: true, text: `Revue du semestre ${semester} enregistrée.` });
      setNote('');
      onSaved();
    } catch (error) { setMessage({ ok: false, text: (error as Error).message }); }
  };
  return (
    <section data-testid="plan-review" aria-label="Revue semestrielle">
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-6 fr-col-md-3"><label className="fr-label" htmlFor="semester">Semestre</label>
          <select className="fr-select" id="semester" value={semester} onChange={(e) => setSemester(e.target.value)}>{semesters.map((s) => <option key={s} value={s}>{s.replace('-S', ' — semestre ')}</option>)}</select></div>
        <div className="fr-col-6 fr-col-md-3"><label className="fr-label" htmlFor="radius">Rayon autour des secteurs (m)</label>
          <input className="fr-input" id="radius" type="number" min={50} max={5000} step={50} value={radius} onChange={(e) => { const v = Number(e.target.value); if (v >= 50 && v <= 5000) setRadius(v); }} /></div>
      </div>
      {message && <div className={`fr-alert fr-alert--sm ${message.ok ? 'fr-alert--success' : 'fr-alert--error'} fr-my-1w`} role={message.ok ? 'status' : 'alert'}><p>{message.text}</p></div>}
      {!review ? <p role="status">Calcul de la revue…</p> : (
        <>
          <p className="fr-text--sm">Du {frenchAxisLabel(review.from)} au {frenchAxisLabel(review.to)} (mesuré au {frenchAxisLabel(review.measured_on)}).</p>
          {review.sectors.map((sector) => (
            <div key={sector.code} className="fr-card fr-p-2w fr-mb-2w" data-testid="review-sector" data-code={sector.code}>
              <h3 className="fr-h6 fr-mb-1w">Priorité {sector.position} : {sector.name} ({sector.code})</h3>
              <p className="fr-text--sm fr-mb-1w">Objectif : {sector.objective}</p>
              <div className="fr-table fr-table--sm fr-mb-1w"><table>
                <caption className="fr-sr-only">Indicateurs suivis</caption>
                <thead><tr><th>Indicateur suivi</th><th>Mesuré</th><th>Cible</th><th>État</th></tr></thead>
                <tbody>{sector.indicators.map((i) => (
                  <tr key={i.code} data-indicator={i.code}><td>{i.label}</td><td>{number(i.measured, 2)}</td><td>{i.target === null ? '—' : `${i.target_reads === 'at_most' ? '≤' : '≥'} ${number(i.target, 2)}`}</td>
                    <td><span className={`fr-badge fr-badge--sm ${statusBadges[i.status].tone}`} data-status={i.status}>{statusBadges[i.status].label}</span></td></tr>
                ))}</tbody>
              </table></div>
              <p className="fr-text--sm fr-mb-0"><strong>Établissements scolaires à moins de {review.school_radius_m} m</strong> : {sector.schools.length === 0 ? 'aucun (ou couche non importée)' : sector.schools.map((s) => `${s.name} (${s.uai}, ${s.distance_m} m)`).join(' ; ')}</p>
            </div>
          ))}
          {canWrite && (
            <div className="fr-input-group">
              <label className="fr-label" htmlFor="review-note">Compte rendu de la revue du semestre</label>
              <textarea className="fr-input" id="review-note" value={note} maxLength={4000} onChange={(e) => setNote(e.target.value)} />
              <button type="button" className="fr-btn fr-mt-1w" onClick={save}>Enregistrer la revue {semester}</button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
