import { StrictMode, useCallback, useEffect, useState, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';
import '@gouvfr/dsfr/dist/dsfr.min.css';
import '@gouvfr/dsfr/dist/utility/icons/icons.min.css';
import './sillage.css';
import { setCsrfToken, type Health, type Me } from './api/client';
import { get } from './api/routes';
import { Layout } from './components/layout';
import { HomePage } from './pages/home-page';
import { ReportPage } from './pages/report-page';
import { SignInPage } from './pages/sign-in-page';
import { ActivationPage } from './pages/activation-page';
import { AccountsPage } from './pages/accounts-page';
import { AuditPage } from './pages/audit-page';
import { ModerationPage } from './pages/moderation-page';
import { MapPage } from './pages/map-page';
import { OperationPage } from './pages/operation-page';
import { OperationsPage } from './pages/operations-page';
import { PointsPage } from './pages/points-page';
import { ImportsPage } from './pages/imports-page';
import { SnapshotsPage } from './pages/snapshots-page';
import { SnapshotPage } from './pages/snapshot-page';
import { StatisticsPage } from './pages/statistics-page';
import { ThreatReportPage } from './pages/threat-report-page';
import { SectorsPage } from './pages/sectors-page';
import { ActionPlanPage } from './pages/action-plan-page';
import { DuplicatesPage } from './pages/duplicates-page';
import { ReliabilityPage } from './pages/reliability-page';
import { AdminAccountsPage } from './pages/admin-accounts-page';
import { ReceiptStatusPage } from './pages/receipt-page';
import { TokensPage } from './pages/tokens-page';
import { AccessibilityPage, LegalNoticePage, PersonalDataPage } from './pages/legal-pages';
import { AccessDenied, NotFoundPage } from './components/access-denied';
import { pageTitle } from './page-titles';

const mapRoles = ['national_analyst', 'departmental_analyst', 'prefect', 'deputy'];
const deskRoles = ['national_analyst', 'departmental_analyst', 'prefect'];
const analystRoles = ['national_analyst', 'departmental_analyst'];
const allRoles = [...mapRoles, 'admin'];

function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [health, setHealth] = useState<Health | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => {
    get('/api/auth/me').then((m) => { setCsrfToken(m.csrf_token); setMe(m); }).catch((e: Error) => setError(e.message));
  }, []);
  useEffect(() => {
    refresh();
    get('/api/health').then(setHealth).catch((e: Error) => setError(e.message));
  }, [refresh]);

  const path = location.pathname;
  const loading = <p role="status">Chargement…</p>;
  const role = me?.user?.role ?? null;
  // A page for some roles only: loading until the session is known, then the page or why not.
  const restricted = (roles: string[], audience: string, element: () => ReactElement): ReactElement =>
    !me ? loading : role && roles.includes(role) ? element() : <AccessDenied me={me} audience={audience} />;
  let page: ReactElement;
  if (path.startsWith('/signaler/suivi')) page = <ReceiptStatusPage />;
  else if (path.startsWith('/signaler')) page = health ? <ReportPage basemapPmtiles={health.map?.basemap_pmtiles ?? null} /> : loading;
  else if (path.startsWith('/compte/jetons')) page = restricted(allRoles, 'aux comptes des agents habilités', () => <TokensPage username={me!.user!.username} />);
  else if (path.startsWith('/statistiques')) page = <StatisticsPage />;
  else if (path.startsWith('/activer')) page = <ActivationPage />;
  else if (path === '/accessibilite') page = <AccessibilityPage />;
  else if (path === '/mentions-legales') page = <LegalNoticePage />;
  else if (path === '/donnees-personnelles') page = <PersonalDataPage />;
  else if (path.startsWith('/comptes')) page = restricted(analystRoles, 'aux analystes (OFAST, CROSS)', () => <AccountsPage />);
  else if (path.startsWith('/connexion')) page = <SignInPage me={me} onChange={refresh} />;
  else if (path.startsWith('/moderation')) page = restricted(analystRoles, 'aux analystes (OFAST, CROSS)', () => <ModerationPage />);
  else if (path.startsWith('/fiabilite')) page = restricted(analystRoles, 'aux analystes (OFAST, CROSS)', () => <ReliabilityPage />);
  else if (path.startsWith('/doublons')) page = restricted(analystRoles, 'aux analystes (OFAST, CROSS)', () => <DuplicatesPage />);
  else if (path.startsWith('/admin/comptes')) page = restricted(['admin'], 'aux administrateurs', () => <AdminAccountsPage />);
  else if (path.startsWith('/admin/journal')) page = restricted(['admin'], 'aux administrateurs', () => <AuditPage />);
  else if (path === '/imports') page = restricted(analystRoles, 'aux analystes (OFAST, CROSS)', () => <ImportsPage me={me!} />);
  else if (path === '/points') page = restricted(deskRoles, 'aux analystes et aux préfectures (données précises)', () => <PointsPage me={me!} />);
  else if (path === '/operations') page = restricted(deskRoles, 'aux analystes et aux préfectures', () => <OperationsPage me={me!} />);
  else if (/^\/operations\/\d+$/.test(path)) page = restricted(deskRoles, 'aux analystes et aux préfectures', () => <OperationPage id={Number(path.split('/')[2])} />);
  else if (/^\/etat-de-la-menace(\/R-[0-9A-Z]{12})?$/.test(path)) {
    const id = /^\/etat-de-la-menace\/(R-[0-9A-Z]{12})$/.exec(path)?.[1] ?? null;
    page = restricted(mapRoles, 'aux analystes, aux préfectures et aux députés', () => <ThreatReportPage id={id} />);
  }
  else if (/^\/instantanes(\/I-[0-9A-Z]{12})?$/.test(path)) {
    const id = /^\/instantanes\/(I-[0-9A-Z]{12})$/.exec(path)?.[1];
    page = restricted(mapRoles, 'aux députés, aux analystes et aux préfectures', () => (id ? <SnapshotPage id={id} /> : <SnapshotsPage />));
  }
  else if (path.startsWith('/secteurs') || path.startsWith('/plan-d-action')) {
    const Desk = path.startsWith('/secteurs') ? SectorsPage : ActionPlanPage;
    page = restricted(deskRoles, 'aux préfectures et aux analystes', () => <Desk me={me!} />);
  }
  else if ((path === '/' || path.startsWith('/carte')) && role && mapRoles.includes(role)) page = health ? <MapPage me={me!} basemapUrl={health.map?.basemap_url ?? null} basemapPmtiles={health.map?.basemap_pmtiles ?? null} /> : loading;
  // A shared map link (the view in its query) opened signed out: sign in, then back to it.
  else if (path.startsWith('/carte') || (path === '/' && location.search && me && !me.user)) page = restricted(mapRoles, 'aux analystes, aux préfectures et aux députés', () => loading);
  else if (path === '/' && !me) page = loading;
  else if (path === '/') page = <HomePage me={me} health={health} />;
  else page = <NotFoundPage />;
  const title = page.type === AccessDenied ? 'Accès réservé — Sillage' : page.type === NotFoundPage ? 'Page introuvable — Sillage' : pageTitle(path, Boolean(me?.user));
  useEffect(() => { document.title = title; }, [title]);
  const wide = page.type === MapPage || page.type === PointsPage || page.type === OperationPage || page.type === SectorsPage;
  return (
    <Layout me={me} health={health} wide={wide}>
      {error && <div className="fr-alert fr-alert--error fr-mb-2w" role="alert"><p>{error}</p></div>}
      {page}
    </Layout>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><App /></StrictMode>);
