import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Health, Me } from '../api/client';

type Role = 'national_analyst' | 'departmental_analyst' | 'prefect' | 'deputy' | 'admin';
import { roleLabels } from '../api/client';
import { useFocusableTables } from './focusable-tables';

/** `public`: visitors not signed in. */
interface NavigationLink { href: string; label: string; roles: readonly (Role | 'public')[] | 'everyone' }
const readers: Role[] = ['national_analyst', 'departmental_analyst', 'prefect', 'deputy'];
const desk: Role[] = ['national_analyst', 'departmental_analyst', 'prefect'];
const analysts: Role[] = ['national_analyst', 'departmental_analyst'];

/** The main navigation, in the order of the work: the map, the records, the analyses, the desk. */
const navigation: NavigationLink[] = [
  { href: '/', label: 'Carte', roles: readers },
  { href: '/operations', label: 'Opérations', roles: desk },
  { href: '/points', label: 'Points', roles: desk },
  { href: '/imports', label: 'Imports', roles: analysts },
  { href: '/instantanes', label: 'Instantanés', roles: readers },
  { href: '/etat-de-la-menace', label: 'État de la menace', roles: readers },
  { href: '/secteurs', label: 'Secteurs', roles: desk },
  { href: '/plan-d-action', label: 'Plan d’action', roles: desk },
  { href: '/moderation', label: 'Signalements', roles: analysts },
  { href: '/doublons', label: 'Doublons', roles: analysts },
  { href: '/comptes', label: 'Comptes', roles: analysts },
  { href: '/admin/journal', label: 'Journal des accès', roles: ['admin'] },
  { href: '/admin/comptes', label: 'Comptes', roles: ['admin'] },
  { href: '/statistiques', label: 'Statistiques', roles: 'everyone' },
  { href: '/signaler', label: 'Signaler un point de deal', roles: ['public'] },
];

/** The DSFR footer's mandatory links (their pages: pages/legal-pages.tsx). */
export const legalLinks = [
  { href: '/accessibilite', label: 'Accessibilité : non conforme' },
  { href: '/mentions-legales', label: 'Mentions légales' },
  { href: '/donnees-personnelles', label: 'Données personnelles' },
];

export function navigationFor(role: string | null): NavigationLink[] {
  return navigation.filter((link) => link.roles === 'everyone' || (link.roles as readonly string[]).includes(role ?? 'public'));
}

/** DSFR header and footer, with a notice whenever synthetic data is loaded. */
export function Layout({ me, health, children, wide = false }: { me: Me | null; health: Health | null; children: ReactNode; wide?: boolean }) {
  const user = me?.user;
  const [open, setOpen] = useState(false);
  useFocusableTables();
  const closeButton = useRef<HTMLButtonElement>(null);
  // The phone menu: focus on its close button when it opens, Escape closes it.
  useEffect(() => {
    if (!open) return undefined;
    closeButton.current?.focus();
    const onKey = (event: KeyboardEvent) => { if (event.key === 'Escape') setOpen(false); };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);
  const links = navigationFor(user?.role ?? null);
  const path = typeof location === 'undefined' ? '/' : location.pathname;
  const current = (href: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));
  const account = user
    ? <li><a className="fr-btn fr-icon-logout-box-r-line fr-btn--icon-left" href="/connexion?sortie=1" title={`${user.username} — ${roleLabels[user.role]}`}>Se déconnecter</a></li>
    : <li><a className="fr-btn fr-icon-lock-line fr-btn--icon-left" href="/connexion">Se connecter</a></li>;
  return (
    <>
      <div className="fr-skiplinks">
        <nav className="fr-container" aria-label="Accès rapide">
          <ul className="fr-skiplinks__list">
            <li><a className="fr-link" href="#contenu">Contenu</a></li>
            <li><a className="fr-link" href="#navigation-principale">Menu</a></li>
            <li><a className="fr-link" href="#pied-de-page">Pied de page</a></li>
          </ul>
        </nav>
      </div>
      <header className="fr-header">
        <div className="fr-header__body">
          <div className="fr-container">
            <div className="fr-header__body-row">
              <div className="fr-header__brand fr-enlarge-link">
                <div className="fr-header__brand-top">
                  <div className="fr-header__logo"><p className="fr-logo">République<br />Française</p></div>
                  <div className="fr-header__navbar">
                    <button type="button" className="fr-btn--menu fr-btn" aria-controls="menu-principal" aria-expanded={open} aria-haspopup="menu" title="Menu" onClick={() => setOpen(true)}>Menu</button>
                    </div>
                </div>
                <div className="fr-header__service">
                  <a href="/" title="Accueil — Sillage"><p className="fr-header__service-title">Sillage</p></a>
                  <p className="fr-header__service-tagline">Cartographie unifiée des points de deal et de leurs déplacements</p>
                </div>
              </div>
              <div className="fr-header__tools">
                <div className="fr-header__tools-links">
                  <ul className="fr-btns-group">{account}</ul>
                </div>
              </div>
            </div>
          </div>
        </div>
        <div className={`fr-header__menu fr-modal${open ? ' fr-modal--opened' : ''}`} id="menu-principal">
          <div className="fr-container">
            <button ref={closeButton} type="button" className="fr-btn--close fr-btn" aria-controls="menu-principal" title="Fermer" onClick={() => setOpen(false)}>Fermer</button>
            <div className="fr-header__menu-links"><ul className="fr-btns-group">{account}</ul></div>
            <nav className="fr-nav" id="navigation-principale" aria-label="Menu principal">
              <ul className="fr-nav__list">
                {links.map((link) => (
                  <li className="fr-nav__item" key={link.href}>
                    <a className="fr-nav__link" href={link.href} aria-current={current(link.href) ? 'page' : undefined}>{link.label}</a>
                  </li>
                ))}
              </ul>
            </nav>
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
      <main id="contenu" tabIndex={-1} className={wide ? 'fr-container--fluid fr-px-2w fr-py-1w' : 'fr-container fr-py-4w'}>{children}</main>
      <footer className="fr-footer" role="contentinfo" id="pied-de-page">
        <div className="fr-container"><div className="fr-footer__body">
          <div className="fr-footer__brand fr-enlarge-link">
            <a href="/" title="Accueil — Sillage"><p className="fr-logo">République<br />Française</p></a>
          </div>
          <div className="fr-footer__content">
          <p className="fr-footer__content-desc">
            Sillage enregistre des lieux et leur activité, jamais des personnes. Les données précises ne sont accessibles qu’aux rôles qui en ont besoin et chaque accès est journalisé.
            Contours : IGN Admin Express ; statistiques : SSMSI — Licence Ouverte Etalab 2.0.
          </p>
          <ul className="fr-footer__content-list">
            {user && <li className="fr-footer__content-item"><a className="fr-footer__content-link" href="/compte/jetons">Jetons d’accès pour QGIS et GDAL</a></li>}
            {user && <li className="fr-footer__content-item"><a className="fr-footer__content-link" href="/signaler">Signaler un point de deal (page publique)</a></li>}
            <li className="fr-footer__content-item"><a className="fr-footer__content-link" href="/ogc?f=html">OGC API - Features</a></li>
            <li className="fr-footer__content-item"><a className="fr-footer__content-link" href="/api/docs">Documentation de l’API</a></li>
          </ul>
          </div>
        </div>
        <div className="fr-footer__bottom">
          <ul className="fr-footer__bottom-list">
            {legalLinks.map((link) => <li className="fr-footer__bottom-item" key={link.href}><a className="fr-footer__bottom-link" href={link.href}>{link.label}</a></li>)}
          </ul>
          <div className="fr-footer__bottom-copy">
            <p>Sauf mention contraire, les contenus de ce site sont proposés sous <a href="https://github.com/etalab/licence-ouverte/blob/master/LO.md" target="_blank" rel="noopener noreferrer" title="Licence Ouverte Etalab 2.0 — nouvelle fenêtre">licence etalab-2.0</a>.</p>
          </div>
        </div>
        </div>
      </footer>
    </>
  );
}
