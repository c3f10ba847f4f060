/** The resurgence watch (measure 22): mid-sized towns near a recent operation whose activity rose, and resurgences. */
import { useEffect, useState } from 'react';
import { get, type GetRoutes } from '../api/routes';
import { frenchDate } from '../format';
import { monthEnd } from '../../server/domain/months';
import type { WakesReaching } from './department-wake';

type Watch = GetRoutes['/api/analyses/watchlist'];

/** Dated by the end of the month shown, or by the last day with data when the month goes beyond it (the server caps it). */
export function WatchPanel({ month, onClose, onTown, departmental = false }: { month: string; onClose: () => void; onTown: (insee: string, name: string) => void; departmental?: boolean }) {
  const [watch, setWatch] = useState<Watch | null>(null);
  const [wakes, setWakes] = useState<WakesReaching | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (departmental) get('/api/analyses/department-wakes').then(setWakes).catch((e: Error) => setError(e.message));
  }, [departmental]);
  useEffect(() => {
    setWatch(null);
    get('/api/analyses/watchlist', { query: { as_of: monthEnd(month) } }).then(setWatch).catch((e: Error) => setError(e.message));
  }, [month]);
  return (
    <aside className="sillage-details" aria-label="Veille" data-testid="watch-panel">
      <button type="button" className="fr-btn--close fr-btn" title="Fermer le panneau" onClick={onClose}>Fermer</button>
      <h2 className="fr-h6 fr-mb-1w" data-testid="watch-title">{watch ? `Veille au ${frenchDate(watch.as_of)}${watch.as_of === watch.data_until ? ' (dernier jour de données)' : ''}` : 'Veille des résurgences'}</h2>
      {error && <div className="fr-alert fr-alert--error fr-alert--sm" role="alert"><p>{error}</p></div>}
      {!watch && !error && <p role="status">Chargement…</p>}
      {watch && (
        <>
          <h3 className="fr-text--sm fr-text--bold fr-mb-1v">Villes moyennes et petites en hausse près d’une opération récente</h3>
          {watch.towns.length === 0 && <p className="fr-text--xs">Aucune sur les 6 derniers mois.</p>}
          <ul className="fr-text--xs sillage-history">
            {watch.towns.map((t) => (
              <li key={t.commune}><button type="button" className="fr-link fr-text--xs" onClick={() => onTown(t.commune, t.name)}>{t.name} ({t.department})</button> : {t.active_before} → {t.active_now} points actifs (p {t.p_value < 0.001 ? '< 0,001' : `= ${t.p_value.toLocaleString('fr-FR')}`}), {t.attribution === 'wake'
                ? <>dans le sillage de <a className="fr-link fr-text--xs" href={`/operations/${t.operation}`}>« {t.operation_name} »</a> ({t.linked_appearances} apparition{t.linked_appearances > 1 ? 's' : ''} dans les {watch.parameters.lag_months} mois suivant son début, à {t.distance_km.toLocaleString('fr-FR')} km)</>
                : <>à {t.distance_km.toLocaleString('fr-FR')} km de « {t.operation_name} », l’opération récente la plus proche (aucune apparition liée à son sillage)</>}</li>
            ))}
          </ul>
          {wakes && (
            <>
              <h3 className="fr-text--sm fr-text--bold fr-mb-1v">Opérations d’autres départements dont le sillage atteint les vôtres</h3>
              {wakes.items.length === 0 && <p className="fr-text--xs">Aucune opération terminée à moins de {wakes.distance_km} km de vos communes.</p>}
              <ul className="fr-text--xs sillage-history" data-testid="wakes-reaching">
                {wakes.items.slice(0, 15).map((o) => (
                  <li key={o.id}><a className="fr-link fr-text--xs" href={`/operations/${o.id}`}>{o.name}</a> ({o.department}, {frenchDate(o.started_on)} – {frenchDate(o.ended_on)}) : {o.towns_in_reach} de vos communes à portée, la plus proche à {o.nearest_km} km</li>
                ))}
              </ul>
            </>
          )}
          <h3 className="fr-text--sm fr-text--bold fr-mb-1v">Résurgences (300 m, 6 mois) après démantèlement</h3>
          <p className="fr-text--xs fr-mb-1v">{watch.resurgences.length} point(s) démantelé(s) dans l’année avec une activité nouvelle à proximité.</p>
          <ul className="fr-text--xs sillage-history">
            {watch.resurgences.slice(0, 15).map((r) => (
              <li key={`${r.point}-${r.dismantled_on}`}>n° {r.point}, {r.commune_name}, démantelé le {frenchDate(r.dismantled_on)} : {r.activity.map((a) => (a.reopening ? `réouverture le ${frenchDate(a.on)}` : `n° ${a.point} à ${a.distance_m} m le ${frenchDate(a.on)}`)).join(' ; ')}</li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}
