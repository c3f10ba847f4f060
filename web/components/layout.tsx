import type { ReactNode } from 'react';
import type { Health, Me } from '../api/client';
import { roleLabels } from '../api/client';

/** DSFR header and footer, with a notice whenever synthetic data is loaded. */
export function Layout({ me, health, children, wide = false }: { me: Me | null; health: Health | null; children: ReactNode; wide?: boolean }) {
  const user = me?.user;
  return (
    <>
      <header role="banner" className="fr-header">
        <div className="fr-header__body">
          <div className="fr-container">
            <div className="fr-header__body-row">
              <div className="fr-header__brand fr-enlarge-link">
                <div className="fr-header__brand-top">
                  <div className="fr-header__logo"><p className="fr-logo">République<br />Française</p></div>
                </div>
                <div className="fr-header__service">
                  <a href="/" title="Accueil — Sillage"><p className="fr-header__service-title">Sillage</p></a>
                  <p className="fr-header__service-tagline">Cartographie unifiée des points de deal et de leurs déplacements</p>
                </div>
              </div>
              <div className="fr-header__tools">
                <div className="fr-header__tools-links">
                  <ul className="fr-btns-group">
                    {user && user.role !== 'admin' && <li><a className="fr-btn fr-icon-map-pin-2-line fr-btn--icon-left" href="/">Carte</a></li>}
                    {user && user.role !== 'admin' && <li><a className="fr-btn fr-icon-file-pdf-line fr-btn--icon-left" href="/instantanes">Instantanés</a></li>}
                    {user && user.role !== 'admin' && <li><a className="fr-btn" href="/etat-de-la-menace">État de la menace</a></li>}
                    <li><a className="fr-btn" href="/statistiques">Statistiques</a></li>
                    {user && ['national_analyst', 'departmental_analyst', 'prefect'].includes(user.role) && <li><a className="fr-btn" href="/operations">Opérations</a></li>}
                    {user && ['national_analyst', 'departmental_analyst', 'prefect'].includes(user.role) && <li><a className="fr-btn" href="/points">Points</a></li>}
                    {(user?.role === 'national_analyst' || user?.role === 'departmental_analyst') && <li><a className="fr-btn" href="/imports">Imports</a></li>}
                    {user && ['national_analyst', 'departmental_analyst', 'prefect'].includes(user.role) && <li><a className="fr-btn" href="/secteurs">Secteurs</a></li>}
                    {user && ['national_analyst', 'departmental_analyst', 'prefect'].includes(user.role) && <li><a className="fr-btn" href="/plan-d-action">Plan d’action</a></li>}
                    <li><a className="fr-btn" href="/signaler">Signaler un point de deal</a></li>
                    {user?.role === 'admin' && <li><a className="fr-btn" href="/admin/journal">Journal des accès</a></li>}
                    {(user?.role === 'national_analyst' || user?.role === 'departmental_analyst') && <li><a className="fr-btn" href="/moderation">Signalements</a></li>}
                    {(user?.role === 'national_analyst' || user?.role === 'departmental_analyst') && <li><a className="fr-btn" href="/comptes">Comptes</a></li>}
                    {user
                      ? <li><a className="fr-btn" href="/connexion?sortie=1" title={`${user.username} — ${roleLabels[user.role]}`}>Se déconnecter</a></li>
                      : <li><a className="fr-btn" href="/connexion">Se connecter</a></li>}
                  </ul>
                </div>
              </div>
            </div>
          </div>
        </div>
      </header>
      {health?.data.synthetic && (
        <div className="fr-notice fr-notice--warning" role="status" data-testid="synthetic-banner">
          <div className="fr-container"><div className="fr-notice__body"><p className="fr-notice__title">
            Données de démonstration synthétiques : {health.data.synthetic_deal_points.toLocaleString('fr-FR')} points de deal fictifs, générés pour l’exemple. Aucun ne correspond à un lieu réel signalé.
          </p></div></div>
        </div>
      )}
      <main role="main" id="contenu" className={wide ? 'fr-container--fluid fr-px-2w fr-py-1w' : 'fr-container fr-py-4w'}>{children}</main>
      <footer className="fr-footer" role="contentinfo">
        <div className="fr-container"><div className="fr-footer__body"><div className="fr-footer__content">
          <p className="fr-footer__content-desc">
            Sillage enregistre des lieux et leur activité, jamais des personnes. Les données précises ne sont accessibles qu’aux rôles qui en ont besoin et chaque accès est journalisé.
            Contours : IGN Admin Express ; statistiques : SSMSI — Licence Ouverte Etalab 2.0.
          </p>
        </div></div></div>
      </footer>
    </>
  );
}
