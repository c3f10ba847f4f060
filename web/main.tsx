import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import '@gouvfr/dsfr/dist/dsfr.min.css';
import '@gouvfr/dsfr/dist/utility/icons/icons.min.css';
import './sillage.css';
import { api, setCsrfToken, type Health, type Me } from './api/client';
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

const mapRoles = ['national_analyst', 'departmental_analyst', 'prefect', 'deputy'];
const deskRoles = ['national_analyst', 'departmental_analyst', 'prefect'];

function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [health, setHealth] = useState<Health | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => {
    api<Me>('/api/auth/me').then((m) => { setCsrfToken(m.csrf_token); setMe(m); }).catch((e: Error) => setError(e.message));
  }, []);
  useEffect(() => {
    refresh();
    api<Health>('/api/health').then(setHealth).catch((e: Error) => setError(e.message));
  }, [refresh]);

  const path = location.pathname;
  let page;
  if (path.startsWith('/signaler/suivi')) page = <ReceiptStatusPage />;
  else if (path.startsWith('/signaler')) page = <ReportPage />;
  else if (path.startsWith('/compte/jetons')) page = me?.user ? <TokensPage username={me.user.username} /> : me ? <p role="alert">Connectez-vous pour gérer vos jetons : <a href="/connexion">se connecter</a>.</p> : <p role="status">Chargement…</p>;
  else if (path.startsWith('/statistiques')) page = <StatisticsPage />;
  else if (path.startsWith('/activer')) page = <ActivationPage />;
  else if (path.startsWith('/comptes')) page = me?.user && ['national_analyst', 'departmental_analyst'].includes(me.user.role) ? <AccountsPage /> : me ? <p role="alert">Réservé aux analystes (OFAST, CROSS).</p> : <p role="status">Chargement…</p>;
  else if (path.startsWith('/connexion')) page = <SignInPage me={me} onChange={refresh} />;
  else if (path.startsWith('/moderation')) page = me?.user && ['national_analyst', 'departmental_analyst'].includes(me.user.role) ? <ModerationPage /> : me ? <p role="alert">Réservé aux analystes (OFAST, CROSS) : <a href="/connexion">se connecter</a>.</p> : <p role="status">Chargement…</p>;
  else if (path.startsWith('/fiabilite')) page = me?.user && ['national_analyst', 'departmental_analyst'].includes(me.user.role) ? <ReliabilityPage /> : me ? <p role="alert">Réservé aux analystes (OFAST, CROSS) : <a href="/connexion">se connecter</a>.</p> : <p role="status">Chargement…</p>;
  else if (path.startsWith('/doublons')) page = me?.user && ['national_analyst', 'departmental_analyst'].includes(me.user.role) ? <DuplicatesPage /> : me ? <p role="alert">Réservé aux analystes (OFAST, CROSS) : <a href="/connexion">se connecter</a>.</p> : <p role="status">Chargement…</p>;
  else if (path.startsWith('/admin/comptes')) page = me?.user?.role === 'admin' ? <AdminAccountsPage /> : me ? <p role="alert">Réservé aux administrateurs : <a href="/connexion">se connecter</a>.</p> : <p role="status">Chargement…</p>;
  else if (path.startsWith('/admin/journal')) page = me?.user?.role === 'admin' ? <AuditPage /> : me ? <p role="alert">Réservé aux administrateurs : <a href="/connexion">se connecter</a>.</p> : <p role="status">Chargement…</p>;
  else if (path === '/imports') page = me?.user && ['national_analyst', 'departmental_analyst'].includes(me.user.role) ? <ImportsPage me={me} /> : me ? <p role="alert">Réservé aux analystes (OFAST, CROSS) : <a href="/connexion">se connecter</a>.</p> : <p role="status">Chargement…</p>;
  else if (path === '/points') page = me?.user && deskRoles.includes(me.user.role) ? <PointsPage me={me} /> : me ? <p role="alert">Réservé aux analystes et préfectures (données précises) : <a href="/connexion">se connecter</a>.</p> : <p role="status">Chargement…</p>;
  else if (path === '/operations') page = me?.user && deskRoles.includes(me.user.role) ? <OperationsPage me={me} /> : me ? <p role="alert">Réservé aux analystes et préfectures : <a href="/connexion">se connecter</a>.</p> : <p role="status">Chargement…</p>;
  else if (/^\/operations\/\d+$/.test(path)) page = me?.user && ['national_analyst', 'departmental_analyst', 'prefect'].includes(me.user.role) ? <OperationPage id={Number(path.split('/')[2])} /> : me ? <p role="alert">Réservé aux analystes et préfectures : <a href="/connexion">se connecter</a>.</p> : <p role="status">Chargement…</p>;
  else if (path.startsWith('/etat-de-la-menace')) {
    const id = /^\/etat-de-la-menace\/(R-[0-9A-Z]{12})$/.exec(path)?.[1] ?? null;
    page = me?.user && mapRoles.includes(me.user.role) ? <ThreatReportPage id={id} /> : me ? <p role="alert">Réservé aux analystes, préfectures et députés : <a href="/connexion">se connecter</a>.</p> : <p role="status">Chargement…</p>;
  }
  else if (path.startsWith('/instantanes')) {
    const id = /^\/instantanes\/(I-[0-9A-Z]{12})$/.exec(path)?.[1];
    page = me?.user && mapRoles.includes(me.user.role) ? (id ? <SnapshotPage id={id} /> : <SnapshotsPage />) : me ? <p role="alert">Réservé aux députés, analystes et préfectures : <a href="/connexion">se connecter</a>.</p> : <p role="status">Chargement…</p>;
  }
  else if (path.startsWith('/secteurs') || path.startsWith('/plan-d-action')) {
    const Desk = path.startsWith('/secteurs') ? SectorsPage : ActionPlanPage;
    page = me?.user && deskRoles.includes(me.user.role) ? <Desk me={me} /> : me ? <p role="alert">Réservé aux préfectures et aux analystes : <a href="/connexion">se connecter</a>.</p> : <p role="status">Chargement…</p>;
  }
  else if ((path === '/' || path.startsWith('/carte')) && me?.user && mapRoles.includes(me.user.role)) page = health ? <MapPage me={me} basemapUrl={health.map?.basemap_url ?? null} /> : <p role="status">Chargement…</p>;
  else if (path.startsWith('/carte')) page = me ? <p role="alert">Réservé aux analystes, préfectures et députés : <a href="/connexion">se connecter</a>.</p> : <p role="status">Chargement…</p>;
  else if (path === '/' && !me) page = <p role="status">Chargement…</p>;
  else page = <HomePage me={me} health={health} />;
  const wide = page.type === MapPage || page.type === PointsPage || page.type === OperationPage || page.type === SectorsPage;
  return (
    <Layout me={me} health={health} wide={wide}>
      {error && <div className="fr-alert fr-alert--error fr-mb-2w" role="alert"><p>{error}</p></div>}
      {page}
    </Layout>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><App /></StrictMode>);
