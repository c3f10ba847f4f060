/**
 * The moderation queue of a CROSS: public reports of its departments, grouped by spot (within
 * 75 m). Accept (link to the deal point within 75 m, or create a candidate point), merge a
 * duplicate into another report of the group, or reject with a reason.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from '../api/client';

interface Report {
  id: number; receipt: string; commune_name: string; department_code: string; location_precision: 'pin' | 'commune';
  seen: string[]; times_of_day: string[]; description: string | null; reported_on: string; status: string;
  nearest_deal_point: { id: number; distance_m: number } | null;
}
interface Cluster { cluster_id: number; count: number; reports: Report[] }

const seenLabels: Record<string, string> = {
  vente: 'vente', guetteurs: 'guetteurs', file_acheteurs: 'file d’acheteurs', consommation: 'consommation', vente_vehicule: 'vente depuis un véhicule',
  rassemblement: 'rassemblement', autre: 'autre',
};
const timeLabels: Record<string, string> = { matin: 'matin', apres_midi: 'après-midi', soiree: 'soirée', nuit: 'nuit' };

export function ModerationPage() {
  const [clusters, setClusters] = useState<Cluster[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reasons, setReasons] = useState<Record<number, string>>({});

  const load = useCallback(() => {
    api<{ items: Cluster[] }>('/api/moderation/reports').then((r) => setClusters(r.items)).catch((e: Error) => setError(e.message));
  }, []);
  useEffect(load, [load]);

  const act = async (path: string, body: unknown, done: string) => {
    setError(null);
    try {
      await api(path, { method: 'POST', body });
      setNotice(done);
      load();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : (e as Error).message);
    }
  };

  return (
    <div>
      <h1>Signalements à examiner</h1>
      <p>Signalements du public (mesure 16) de vos départements, regroupés lorsqu’ils désignent le même lieu (moins de 75 m).</p>
      {notice && <div className="fr-alert fr-alert--success fr-alert--sm fr-mb-2w" role="status"><p>{notice}</p></div>}
      {error && <div className="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert"><p>{error}</p></div>}
      {!clusters && !error && <p role="status">Chargement de la file…</p>}
      {clusters?.length === 0 && <p>Aucun signalement en attente.</p>}
      {clusters?.map((cluster) => (
        <section key={cluster.cluster_id} className="fr-card fr-mb-3w fr-p-3w" data-testid="report-cluster">
          <h2 className="fr-h5">{cluster.reports[0].commune_name} ({cluster.reports[0].department_code}) — {cluster.count} signalement{cluster.count > 1 ? 's' : ''}</h2>
          {cluster.reports.map((report) => (
            <div key={report.id} className="fr-mb-2w" data-testid="report">
              <p className="fr-mb-1v">
                <strong>{report.receipt}</strong> du {new Date(report.reported_on).toLocaleDateString('fr-FR')} :{' '}
                {report.seen.map((s) => seenLabels[s] ?? s).join(', ')}{report.times_of_day.length ? ` (${report.times_of_day.map((t) => timeLabels[t] ?? t).join(', ')})` : ''}.
                {report.location_precision === 'commune' && ' Commune seulement, sans repère.'}
              </p>
              {report.description && <p className="fr-text--sm fr-mb-1v">« {report.description} »</p>}
              <p className="fr-text--sm fr-mb-1v">
                {report.nearest_deal_point ? `Point de deal n° ${report.nearest_deal_point.id} à ${report.nearest_deal_point.distance_m} m.` : 'Aucun point de deal connu à moins de 75 m.'}
              </p>
              <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm">
                <li><button type="button" className="fr-btn" onClick={() => act(`/api/moderation/reports/${report.id}/accept`, {}, `${report.receipt} accepté.`)}>
                  {report.nearest_deal_point ? `Rattacher au point n° ${report.nearest_deal_point.id}` : 'Créer un point candidat'}
                </button></li>
                {cluster.reports.filter((other) => other.id !== report.id).slice(0, 1).map((other) => (
                  <li key={other.id}><button type="button" className="fr-btn fr-btn--secondary" onClick={() => act(`/api/moderation/reports/${report.id}/merge`, { into: other.id }, `${report.receipt} fusionné avec ${other.receipt}.`)}>
                    Fusionner avec {other.receipt}
                  </button></li>
                ))}
                <li>
                  <input className="fr-input" aria-label={`Motif de rejet de ${report.receipt}`} placeholder="Motif de rejet" value={reasons[report.id] ?? ''}
                    onChange={(e) => setReasons({ ...reasons, [report.id]: e.target.value })} style={{ width: 220, display: 'inline-block' }} />
                </li>
                <li><button type="button" className="fr-btn fr-btn--tertiary" onClick={() => act(`/api/moderation/reports/${report.id}/reject`, { reason: reasons[report.id] ?? '' }, `${report.receipt} rejeté.`)}>Rejeter</button></li>
              </ul>
            </div>
          ))}
        </section>
      ))}
    </div>
  );
}
