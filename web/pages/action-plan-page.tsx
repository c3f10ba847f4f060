/**
 * /plan-d-action — the departmental action plan (2010 circular): made from a saved ranking
 * (priority sectors in order, objectives, targets of the indicators followed), reviewed each
 * semester against its targets, with the schools near the priority sectors.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Me } from '../api/client';
import { send, sendFile } from '../api/send';
import { get } from '../api/routes';
import type { Plan, PlanSummary, SavedRanking, SavedRankingSummary } from '../api/desk';
import { PlanReview } from '../components/plan-review';
import { frenchDate } from '../format';

const followed = [['active_points', 'Points actifs (≤)'], ['reopenings', 'Réouvertures (≤)'], ['public_reports', 'Signalements (≤)'], ['operations', 'Opérations (≥)'], ['ssmsi_trafficking_rate', 'SSMSI trafic ‰ (≤)']] as const;
const currentSemester = () => { const d = new Date().toISOString(); return `${d.slice(0, 4)}-S${Number(d.slice(5, 7)) <= 6 ? 1 : 2}`; };

function NewPlan({ rankingId, onCreated }: { rankingId: number; onCreated: (id: number) => void }) {
  const [ranking, setRanking] = useState<SavedRanking | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    get('/api/sectors/rankings/:id', { params: { id: rankingId } }).then((r) => { setRanking(r); setChosen(r.result.ranked.slice(0, 3).map((s) => s.code)); }).catch((e: Error) => setError(e.message));
  }, [rankingId]);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const sectors = ranking!.result.ranked.filter((s) => chosen.includes(s.code)).map((s) => ({
      code: s.code, objective: String(form.get(`objective-${s.code}`) ?? '').trim() || 'Objectif à préciser',
      targets: Object.fromEntries(followed.flatMap(([code]) => { const v = String(form.get(`target-${s.code}-${code}`) ?? '').trim(); return v === '' ? [] : [[code, Number(v.replace(',', '.'))]]; })),
    }));
    try {
      const plan = await send('POST', '/api/action-plans', { body: { ranking_id: rankingId, title: String(form.get('title')), first_semester: String(form.get('first_semester')), school_radius_m: Number(form.get('radius')), sectors } });
      onCreated(plan.id);
    } catch (e) { setError((e as Error).message); }
  };
  if (error) return <div className="fr-alert fr-alert--error" role="alert"><p>{error}</p></div>;
  if (!ranking) return <p role="status">Chargement du classement…</p>;
  return (
    <form onSubmit={submit} aria-label="Nouveau plan d’action" data-testid="new-plan">
      <h2 className="fr-h5">Nouveau plan à partir du classement n° {ranking.id} « {ranking.title} »</h2>
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-6"><label className="fr-label" htmlFor="plan-title">Titre</label><input className="fr-input" id="plan-title" name="title" required maxLength={200} defaultValue={`Plan départemental ${ranking.department_code}`} /></div>
        <div className="fr-col-6 fr-col-md-3"><label className="fr-label" htmlFor="first-semester">Premier semestre</label><input className="fr-input" id="first-semester" name="first_semester" required pattern="20[0-9]{2}-S[12]" defaultValue={currentSemester()} /></div>
        <div className="fr-col-6 fr-col-md-3"><label className="fr-label" htmlFor="plan-radius">Rayon écoles (m)</label><input className="fr-input" id="plan-radius" name="radius" type="number" min={50} max={5000} defaultValue={500} /></div>
      </div>
      <p className="fr-text--sm fr-mt-2w">Secteurs prioritaires, dans l’ordre du classement (cochez-les) ; cibles facultatives des indicateurs suivis chaque semestre.</p>
      {ranking.result.ranked.slice(0, 20).map((s) => (
        <fieldset key={s.code} className="fr-fieldset fr-mb-1w">
          <div className="fr-checkbox-group fr-fieldset__element"><input type="checkbox" id={`choose-${s.code}`} checked={chosen.includes(s.code)} onChange={(e) => setChosen(e.target.checked ? [...chosen, s.code] : chosen.filter((c) => c !== s.code))} />
            <label className="fr-label" htmlFor={`choose-${s.code}`}>{s.rank}. {s.name} ({s.code}){s.conjunctive.qualifies ? ' — retenu par la règle conjonctive' : ''}</label></div>
          {chosen.includes(s.code) && (
            <div className="fr-fieldset__element fr-grid-row fr-grid-row--gutters">
              <div className="fr-col-12 fr-col-md-4"><label className="fr-label fr-text--sm" htmlFor={`objective-${s.code}`}>Objectif</label><input className="fr-input" id={`objective-${s.code}`} name={`objective-${s.code}`} maxLength={2000} /></div>
              {followed.map(([code, label]) => <div className="fr-col-6 fr-col-md-2" key={code}><label className="fr-label fr-text--xs" htmlFor={`target-${s.code}-${code}`}>{label}</label><input className="fr-input" id={`target-${s.code}-${code}`} name={`target-${s.code}-${code}`} inputMode="decimal" /></div>)}
            </div>
          )}
        </fieldset>
      ))}
      <button className="fr-btn" type="submit" disabled={chosen.length === 0}>Créer le plan</button>
    </form>
  );
}

export function ActionPlanPage({ me }: { me: Me }) {
  const user = me.user!;
  const canWrite = user.role === 'prefect' || user.role === 'national_analyst';
  const params = new URLSearchParams(location.search);
  const [planId, setPlanId] = useState<number | null>(params.get('plan') ? Number(params.get('plan')) : null);
  const rankingId = params.get('classement') ? Number(params.get('classement')) : null;
  const [plans, setPlans] = useState<PlanSummary[]>([]);
  const [rankings, setRankings] = useState<SavedRankingSummary[]>([]);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const department = user.departments[0] ?? '84';
  const load = useCallback(() => {
    get('/api/action-plans').then((r) => setPlans(r.items)).catch((e: Error) => setMessage({ ok: false, text: e.message }));
    get('/api/sectors/rankings').then((r) => setRankings(r.items)).catch(() => {});
    if (planId) get('/api/action-plans/:id', { params: { id: planId } }).then(setPlan).catch((e: Error) => setMessage({ ok: false, text: e.message }));
  }, [planId]);
  useEffect(load, [load]);
  const created = (id: number) => { history.replaceState(null, '', `/plan-d-action?plan=${id}`); setPlanId(id); };
  const importSchools = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const file = new FormData(event.currentTarget).get('schools') as File | null;
    if (!file || file.size === 0) return setMessage({ ok: false, text: 'Choisissez un fichier CSV.' });
    try {
      const r = await sendFile('/api/schools/imports', await file.text(), 'text/csv', { query: { department } });
      setMessage({ ok: true, text: `${r.rows} établissements lus : ${r.inserted} ajoutés, ${r.updated} mis à jour.` });
      load();
    } catch (e) { setMessage({ ok: false, text: (e as Error).message }); }
  };

  return (
    <div>
      <h1 className="fr-h3">Plan d’action départemental</h1>
      <p className="fr-text--sm">Circulaire de 2010 : quartiers prioritaires classés, objectifs, indicateurs suivis, revue chaque semestre, établissements scolaires à proximité. <a className="fr-link fr-text--sm" href="/secteurs">Classement des secteurs</a></p>
      {message && <div className={`fr-alert fr-alert--sm ${message.ok ? 'fr-alert--success' : 'fr-alert--error'} fr-mb-2w`} role={message.ok ? 'status' : 'alert'}><p>{message.text}</p></div>}
      {rankingId && !planId && canWrite && <NewPlan rankingId={rankingId} onCreated={created} />}
      {plan && (
        <>
          <h2 className="fr-h4" data-testid="plan-title">{plan.title}</h2>
          <p className="fr-text--sm">Département {plan.department_code} — classement n° {plan.ranking_id} — depuis {plan.first_semester} — créé le {frenchDate(plan.created_at)} par {plan.created_by ?? '—'}</p>
          <ol className="fr-text--sm">{plan.sectors.map((s) => <li key={s.sector_code}><strong>{s.sector_name}</strong> ({s.sector_code}) : {s.objective}</li>)}</ol>
          <PlanReview plan={plan} canWrite={canWrite} onSaved={load} />
          {plan.reviews.length > 0 && <><h3 className="fr-h6">Revues enregistrées</h3><ul className="fr-text--sm" data-testid="saved-reviews">{plan.reviews.map((r) => <li key={r.id}>{r.semester} — {frenchDate(r.created_at)} ({r.created_by ?? '—'}) : {r.note ?? 'sans note'}</li>)}</ul></>}
        </>
      )}
      {!rankingId && !planId && (
        <>
          <div className="fr-table fr-table--sm"><table>
            <caption>Plans d’action</caption>
            <thead><tr><th>Plan</th><th>Département</th><th>Depuis</th><th>Secteurs</th><th>Revues</th></tr></thead>
            <tbody>{plans.length === 0 ? <tr><td colSpan={5}>Aucun plan.</td></tr> : plans.map((p) => <tr key={p.id}><td><a href={`/plan-d-action?plan=${p.id}`}>{p.title}</a></td><td>{p.department_code}</td><td>{p.first_semester}</td><td>{p.sectors}</td><td>{p.reviews}</td></tr>)}</tbody>
          </table></div>
          {canWrite && <p className="fr-text--sm">Nouveau plan à partir d’un classement enregistré : {rankings.length === 0 ? <a href="/secteurs">enregistrez d’abord un classement</a> : rankings.map((r) => <a key={r.id} className="fr-link fr-mr-2w" href={`/plan-d-action?classement=${r.id}`}>n° {r.id} {r.title}</a>)}</p>}
          {canWrite && (
            <form onSubmit={importSchools} aria-label="Importer les établissements scolaires" className="fr-mt-2w">
              <h2 className="fr-h6">Établissements scolaires du département (couche)</h2>
              <p className="fr-text--xs">CSV : uai;nom;longitude;latitude (WGS 84). Tout ou rien ; réimporter met à jour.</p>
              <div className="fr-upload-group"><label className="fr-label" htmlFor="schools-file">Fichier</label><input className="fr-upload" type="file" id="schools-file" name="schools" accept=".csv,text/csv" /></div>
              <button className="fr-btn fr-btn--secondary fr-mt-1w" type="submit">Importer</button>
            </form>
          )}
        </>
      )}
    </div>
  );
}
