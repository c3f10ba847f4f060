/** /instantanes/:id — one stored snapshot: its map (drawn from the stored figures), figures, method, stamp and downloads. */
import { frenchMonth } from '../format';
import { useEffect, useMemo, useRef, useState } from 'react';
import { get } from '../api/routes';
import { send } from '../api/send';
import { LineChart } from '../components/chart';
import { countLabel, frenchNumber, frenchTimestamp, methodParagraphs, periodLabel, type SnapshotDocument } from '../../server/domain/snapshots/document';
import { drawFrontPage, fontsReady, frontPagePng, saveBlob } from '../snapshots/canvas';

const colours = ['#000091', '#e1000f', '#009081', '#fc5d00'];

export function SnapshotPage({ id }: { id: string }) {
  const [snapshot, setSnapshot] = useState<SnapshotDocument | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => { get('/api/snapshots/:id', { params: { id } }).then(setSnapshot).catch((e: Error) => setError(e.message)); }, [id]);
  useEffect(() => {
    if (!snapshot || !canvas.current) return;
    void fontsReady().then(() => { drawFrontPage(canvas.current!, snapshot, 1.5); canvas.current!.dataset.drawn = 'true'; });
  }, [snapshot]);
  const charts = useMemo(() => snapshot?.data.series.map((s, i) => ({ label: s.label, values: s.values, colour: colours[i % colours.length] })) ?? [], [snapshot]);

  if (error) return <div className="fr-alert fr-alert--error" role="alert"><p>{error}</p><p><a href="/instantanes">Retour aux instantanés</a></p></div>;
  if (!snapshot) return <p role="status">Chargement…</p>;
  const { data, parameters } = snapshot;

  const downloadPng = async () => {
    setBusy(true);
    try {
      await send('POST', '/api/snapshots/:id/downloads', { params: { id }, body: { format: 'png' } });
      saveBlob(await frontPagePng(snapshot), `sillage-${id}.png`);
    } catch (e) { setError((e as Error).message); } finally { setBusy(false); }
  };
  const refresh = async () => {
    setBusy(true);
    try {
      const created = await send('POST', '/api/snapshots', { body: { area: parameters.area, from: parameters.from, to: parameters.to } });
      location.assign(`/instantanes/${created.id}`);
    } catch (e) { setError((e as Error).message); setBusy(false); }
  };
  const years = [...new Set(data.indicators.map((i) => i.year))].sort();
  const scopes = [...new Map(data.indicators.map((i) => [`${i.scope}:${i.code}`, i.name])).entries()];

  return (
    <div className="sillage-snapshot">
      <p className="fr-mb-1w"><a href="/instantanes" className="fr-link fr-icon-arrow-left-line fr-link--icon-left">Mes instantanés</a></p>
      <h1>{data.area.label}</h1>
      <p className="fr-text--lead">Période : {periodLabel(parameters.from, parameters.to)}</p>
      <div className="fr-btns-group fr-btns-group--inline-md fr-mb-2w">
        <a className="fr-btn" href={`/api/snapshots/${id}/files/pdf`} download>PDF (A4, carte vectorielle)</a>
        <button className="fr-btn fr-btn--secondary" type="button" onClick={() => void downloadPng()} disabled={busy}>PNG (A4, 300 dpi)</button>
        <a className="fr-btn fr-btn--secondary" href={`/api/snapshots/${id}/files/csv`} download>CSV</a>
        <a className="fr-btn fr-btn--secondary" href={`/api/snapshots/${id}/files/geojson`} download>GeoJSON</a>
        <button className="fr-btn fr-btn--tertiary" type="button" onClick={() => void refresh()} disabled={busy}>Actualiser (nouvel instantané)</button>
      </div>
      <div className="sillage-snapshot-grid">
        <figure className="fr-m-0">
          <canvas ref={canvas} className="sillage-snapshot-page" data-testid="snapshot-canvas" role="img" aria-label={`Carte des points de deal actifs en ${frenchMonth(data.map.month)} : ${data.area.label}`} />
          <figcaption className="fr-text--xs">Page de garde, telle qu’elle figure dans le PDF et le PNG.</figcaption>
        </figure>
        <div>
          <h2 className="fr-h5">Points de deal actifs</h2>
          <p data-testid="snapshot-start-end">Premier mois : <strong>{countLabel(data.series[0].values[0])}</strong> — dernier mois : <strong>{countLabel(data.series[0].values.at(-1) ?? 0)}</strong></p>
          {charts.map((series) => <LineChart key={series.label} months={data.months} series={[series]} height={130} title={`${series.label} : points actifs par mois (« < 5 » non tracé)`} />)}
          <h2 className="fr-h5 fr-mt-2w">Par taille de commune ({frenchMonth(data.map.month)})</h2>
          {data.size_classes ? (
            <table className="sillage-table"><tbody>{data.size_classes.map((s) => <tr key={s.code}><td>{s.label}</td><td>{countLabel(s.count)}</td></tr>)}</tbody></table>
          ) : <p className="fr-text--sm">Non disponible pour une zone dessinée (cellules H3 entières).</p>}
          <h2 className="fr-h5">Opérations terminées dans la zone ou à moins de 60 km</h2>
          {data.operations.length ? <ul>{data.operations.map((o) => <li key={`${o.name}-${o.started_on}`}>{o.name} ({o.department_code}), du {o.started_on} au {o.ended_on} — {o.distance_km === 0 ? 'dans la zone' : `à ${frenchNumber(o.distance_km, 1)} km`}</li>)}</ul> : <p className="fr-text--sm">Aucune.</p>}
          <h2 className="fr-h5">Signalements publics</h2>
          <p>Reçus : {countLabel(data.reports.received)} ; dont acceptés : {countLabel(data.reports.accepted)}.</p>
        </div>
      </div>
      <h2 className="fr-h5 fr-mt-2w">Indicateurs SSMSI (personnes mises en cause pour 1 000 habitants)</h2>
      <div className="fr-table fr-table--sm"><table>
        <thead><tr><th>Année</th>{scopes.map(([key, name]) => <th key={key} colSpan={2}>{name}</th>)}</tr>
          <tr><th />{scopes.map(([key]) => [<th key={`${key}-t`}>trafic</th>, <th key={`${key}-u`}>usage</th>])}</tr></thead>
        <tbody>{years.map((year) => (
          <tr key={year}><td>{year}</td>{scopes.flatMap(([key]) => ['trafic de stupéfiants', 'usage de stupéfiants'].map((indicator) => {
            const found = data.indicators.find((i) => `${i.scope}:${i.code}` === key && i.year === year && i.indicator === indicator);
            return <td key={`${key}-${indicator}`}>{found?.rate_per_1000 === null || found === undefined ? 'n.d.' : frenchNumber(found.rate_per_1000, 2)}</td>;
          }))}</tr>
        ))}</tbody>
      </table></div>
      <h2 className="fr-h5">Méthode et définitions</h2>
      {methodParagraphs(data).map((p) => <p key={p.slice(0, 30)} className="fr-text--sm">{p}</p>)}
      <h2 className="fr-h5">Sources et tampon</h2>
      <ul className="fr-text--sm">
        <li>Points de deal : {data.vintage.deal_points}</li><li>Signalements : {data.vintage.public_reports}</li>
        <li>SSMSI : {data.vintage.ssmsi}</li><li>Géographie : {data.vintage.geography}</li>
        <li>Créé le {frenchTimestamp(snapshot.created_at)} — méthode {snapshot.method_version}</li>
        <li>SHA-256 des données et paramètres : <code data-testid="snapshot-hash">{snapshot.sha256}</code></li>
        <li>Lien permanent : <a href={`/instantanes/${id}`}>{location.origin}/instantanes/{id}</a></li>
      </ul>
    </div>
  );
}
