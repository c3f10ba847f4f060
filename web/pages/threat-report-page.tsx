/** /etat-de-la-menace: create and read the annual threat report (France or a department, a year). */
import { useEffect, useState } from 'react';
import { get, type GetRoutes } from '../api/routes';
import { send } from '../api/send';
import { LineChart } from '../components/chart';
import { countLabel, frenchNumber, frenchTimestamp } from '../../server/domain/snapshots/document';
import { threatMethodParagraphs, type ThreatReportDocument } from '../../server/domain/snapshots/threat-report';

type Row = GetRoutes['/api/threat-reports']['items'][number];

function ReportView({ id }: { id: string }) {
  const [report, setReport] = useState<ThreatReportDocument | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { get('/api/threat-reports/:id', { params: { id } }).then(setReport).catch((e: Error) => setError(e.message)); }, [id]);
  if (error) return <div className="fr-alert fr-alert--error" role="alert"><p>{error}</p></div>;
  if (!report) return <p role="status">Chargement…</p>;
  const { data, parameters } = report;
  return (
    <div>
      <p><a href="/etat-de-la-menace" className="fr-link">Mes rapports</a></p>
      <h1>État de la menace {parameters.year} — {data.scope_label}</h1>
      <p className="fr-badge fr-mb-2w">{parameters.precision === 'precise' ? 'Version précise — diffusion restreinte' : 'Version agrégée'}</p>
      <p><a className="fr-btn" href={`/api/threat-reports/${id}/pdf`} download>PDF tamponné</a></p>
      {data.series.map((s) => <LineChart key={s.key} months={data.months} series={[{ label: s.label, values: s.values, colour: '#000091' }]} height={140} title={`${s.label} : points actifs par mois`} />)}
      <p>Dans l’année : {countLabel(data.events.dismantled)} démantèlements, {countLabel(data.events.reopened)} réouvertures, {countLabel(data.events.appeared)} nouveaux points.</p>
      <h2 className="fr-h5">Opérations de l’année</h2>
      <ul>{data.operations.map((o) => <li key={`${o.name}-${o.started_on}`}>{o.name} ({o.department_code}), {o.started_on} — {o.reading_label}{o.destinations.length ? ` ; villes de destination : ${o.destinations.join(', ')}` : ''}{o.text ? ` — ${o.text}` : ''}</li>)}</ul>
      <h2 className="fr-h5">Glissement entre tailles de communes</h2>
      <table className="sillage-table"><thead><tr><th>Classe</th><th>Janvier</th><th>Décembre</th></tr></thead>
        <tbody>{data.size_classes.map((s) => <tr key={s.code}><td>{s.label}</td><td>{countLabel(s.january)}</td><td>{countLabel(s.december)}</td></tr>)}</tbody></table>
      <h2 className="fr-h5">Veille des villes moyennes</h2>
      {data.watch.towns.length ? <ul>{data.watch.towns.map((t) => <li key={t.insee}>{t.name} ({t.insee}) : {countLabel(t.active)}</li>)}</ul> : <p>Aucune ville signalée.</p>}
      <p className="fr-text--sm">Points chauds émergents : {data.hot_spots}</p>
      <h2 className="fr-h5">Signalements publics et SSMSI</h2>
      <p>Signalements reçus : {countLabel(data.reports.received)} ; acceptés : {countLabel(data.reports.accepted)}.</p>
      <ul>{data.indicators.map((i) => <li key={`${i.scope}-${i.indicator}`}>{i.name}, {i.indicator} : {i.rate_per_1000 === null ? 'n.d.' : `${frenchNumber(i.rate_per_1000, 2)} ‰`}</li>)}</ul>
      <h2 className="fr-h5">Méthode et tampon</h2>
      {threatMethodParagraphs(parameters.precision).map((p) => <p key={p.slice(0, 30)} className="fr-text--sm">{p}</p>)}
      <p className="fr-text--sm">Créé le {frenchTimestamp(report.created_at)} — méthode {report.method_version} — SHA-256 <code data-testid="report-hash">{report.sha256}</code></p>
    </div>
  );
}

export function ThreatReportPage({ id }: { id: string | null }) {
  const [rows, setRows] = useState<Row[]>([]);
  const [departments, setDepartments] = useState<{ code: string; name: string }[]>([]);
  const [scope, setScope] = useState('france');
  const [year, setYear] = useState(new Date().getUTCFullYear() - 1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (id) return;
    get('/api/threat-reports').then((r) => setRows(r.items)).catch((e: Error) => setError(e.message));
    get('/api/departments').then((r) => setDepartments(r.items)).catch(() => {});
  }, [id]);
  if (id) return <ReportView id={id} />;
  const create = async () => {
    setBusy(true); setError(null);
    try {
      const created = await send('POST', '/api/threat-reports', { body: { scope, year } });
      location.assign(`/etat-de-la-menace/${created.id}`);
    } catch (e) { setError((e as Error).message); setBusy(false); }
  };
  return (
    <div>
      <h1>État annuel de la menace</h1>
      <p className="fr-text--lead">Le rapport annuel (mesure 4 du plan national) pour la France ou un département : précis pour l’OFAST et les services du département, agrégé pour les autres.</p>
      {error && <div className="fr-alert fr-alert--error fr-mb-2w" role="alert"><p>{error}</p></div>}
      <form className="sillage-row fr-mb-4w" style={{ maxWidth: '40rem' }} onSubmit={(e) => { e.preventDefault(); void create(); }}>
        <div className="fr-select-group"><label className="fr-label" htmlFor="report-scope">Territoire</label>
          <select id="report-scope" className="fr-select" value={scope} onChange={(e) => setScope(e.target.value)}>
            <option value="france">France entière</option>{departments.map((d) => <option key={d.code} value={d.code}>{d.code} — {d.name}</option>)}
          </select></div>
        <div className="fr-input-group"><label className="fr-label" htmlFor="report-year">Année</label>
          <input id="report-year" className="fr-input" type="number" min={2000} max={new Date().getUTCFullYear() - 1} value={year} onChange={(e) => setYear(Number(e.target.value))} /></div>
        <button className="fr-btn" type="submit" disabled={busy}>{busy ? 'Calcul…' : 'Créer le rapport'}</button>
      </form>
      <h2 className="fr-h4">Mes rapports</h2>
      {rows.length === 0 ? <p>Aucun rapport pour l’instant.</p> : (
        <ul>{rows.map((r) => <li key={r.id}><a href={`/etat-de-la-menace/${r.id}`}>{r.area_label}, {r.period_label}</a> — {r.created_at.slice(0, 10)}</li>)}</ul>
      )}
    </div>
  );
}
