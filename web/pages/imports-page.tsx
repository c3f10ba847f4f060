/**
 * `/imports`: drop a CSV or GeoJSON file, preview what was detected (format, separator, decimal
 * comma, coordinates, first rows, the problems rows show alone), import it with progress, read the
 * rejected rows (line, field, reason) on screen or as a CSV, and the history of imports.
 */
import { useCallback, useEffect, useState, type DragEvent } from 'react';
import { apiError, currentCsrfToken, type Me } from '../api/client';
import { get, type GetRoutes } from '../api/routes';
import { sendFile, type FileRoutes } from '../api/send';
import type { Static } from 'typebox';
import type { ImportProgress } from '../../server/schemas/imports';

interface Problem { line?: number; field: string; reason: string }
type Preview = FileRoutes['POST /api/imports/preview'];
type Report = FileRoutes['POST /api/imports'];
type Run = GetRoutes['/api/imports']['items'][number];

const kindLabels: Record<string, string> = { 'deal-points': 'points de deal', observations: 'observations', operations: 'opérations', unknown: 'inconnu' };
const maxShown = 200;

/** The rejected rows as a CSV for a French spreadsheet (`;`, UTF-8 with BOM). */
export function problemsCsv(problems: Problem[]): string {
  const cell = (value: string) => (/[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return `\uFEFFligne;champ;motif\r\n${problems.map((p) => [String(p.line ?? ''), p.field, p.reason].map(cell).join(';')).join('\r\n')}\r\n`;
}

function contentType(name: string, text: string): string {
  return /\.(geo)?json$/i.test(name) || /^\s*[{[]/.test(text.replace(/^\uFEFF/, '')) ? 'application/geo+json' : 'text/csv';
}

/** What the server is doing (GET /api/imports/progress/:id), in French. */
const phaseLabels: Record<string, string> = {
  receiving: 'Réception du fichier', 'reading rows': 'Lecture des lignes', 'checking locations': 'Vérification des lieux (communes)',
  'writing deal points': 'Écriture des points de deal', 'writing observations': 'Écriture des observations', 'writing operations': 'Écriture des opérations',
};
type ServerProgress = Static<typeof ImportProgress>;

function randomId(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function upload(text: string, name: string, importId: string, onProgress: (fraction: number) => void): Promise<Report> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/api/imports');
    request.setRequestHeader('x-import-id', importId);
    request.setRequestHeader('content-type', contentType(name, text));
    request.setRequestHeader('x-file-name', encodeURIComponent(name));
    const token = currentCsrfToken();
    if (token) request.setRequestHeader('x-csrf-token', token);
    request.upload.onprogress = (event) => { if (event.lengthComputable) onProgress(event.loaded / event.total); };
    request.onload = () => {
      let payload = null;
      try { payload = request.responseText ? JSON.parse(request.responseText) : null; } catch { /* not JSON */ }
      if (request.status === 200) resolve(payload as Report);
      else reject(apiError(request.status, payload));
    };
    request.onerror = () => reject(new Error('Connexion au serveur perdue pendant l’envoi.'));
    request.send(text);
  });
}

export function ImportsPage({ me }: { me: Me }) {
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [phase, setPhase] = useState<'idle' | 'previewing' | 'uploading' | 'writing' | 'done'>('idle');
  const [sent, setSent] = useState(0);
  const [serverProgress, setServerProgress] = useState<ServerProgress | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [rejected, setRejected] = useState<{ message: string; problems: Problem[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [dragging, setDragging] = useState(false);

  const loadRuns = useCallback(() => { get('/api/imports', { query: { limit: 50 } }).then((r) => setRuns(r.items)).catch((e: Error) => setError(e.message)); }, []);
  useEffect(loadRuns, [loadRuns]);

  async function choose(chosen: File | undefined) {
    if (!chosen) return;
    setReport(null); setRejected(null); setError(null); setPreview(null);
    const text = await chosen.text();
    setFile({ name: chosen.name, text });
    setPhase('previewing');
    try {
      setPreview(await sendFile('/api/imports/preview', text, contentType(chosen.name, text)));
    } catch (e) { setError((e as Error).message); }
    setPhase('idle');
  }

  async function run() {
    if (!file) return;
    setReport(null); setRejected(null); setError(null); setSent(0);
    setPhase('uploading');
    try {
      // While the server works, its progress (rows processed / total) is polled.
      const importId = randomId();
      let polling = true;
      const poll = async () => {
        while (polling) {
          await new Promise((r) => setTimeout(r, 300));
          if (!polling) break;
          // Without cookies: the id is the capability, and no session lookup waits for the database.
          try {
            const response = await fetch(`/api/imports/progress/${importId}`, { credentials: 'omit', cache: 'no-store' });
            if (response.ok && polling) setServerProgress(await response.json() as ServerProgress);
          } catch { /* not started yet, or another server process */ }
        }
      };
      void poll();
      try {
        const result = await upload(file.text, file.name, importId, (fraction) => { setSent(fraction); if (fraction >= 1) setPhase('writing'); });
        setReport(result);
      } finally { polling = false; setServerProgress(null); }
    } catch (e) {
      const failure = e as Error & { details?: Problem[]; status?: number };
      if (failure.status === 422 && failure.details?.length) setRejected({ message: failure.message, problems: failure.details });
      else setError(failure.message);
    }
    setPhase('done');
    loadRuns();
  }

  function downloadReport() {
    if (!rejected) return;
    const url = URL.createObjectURL(new Blob([problemsCsv(rejected.problems)], { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url; link.download = `rapport-rejets-${(file?.name ?? 'import').replace(/\.[^.]+$/, '')}.csv`;
    document.body.append(link); link.click(); link.remove();
    URL.revokeObjectURL(url);
  }

  const onDrop = (event: DragEvent) => { event.preventDefault(); setDragging(false); void choose(event.dataTransfer.files[0]); };
  const busy = phase === 'uploading' || phase === 'writing' || phase === 'previewing';
  const columns = preview ? preview.columns.slice(0, 10) : [];
  // The server streams the file and only estimates its rows while reading; the preview counted them.
  const rowsTotal = serverProgress ? (preview && preview.row_count > 0 ? preview.row_count : serverProgress.total) : 0;
  return (
    <>
      <h1 className="fr-h2">Imports</h1>
      <p>Importez des points de deal, des observations ou des opérations depuis un fichier CSV (séparateur « ; » ou « , », virgule décimale acceptée, coordonnées lat/lon WGS84 ou x/y Lambert-93) ou GeoJSON. Un fichier est importé en entier ou pas du tout ; le réimporter ne crée pas de doublon.{me.user?.role === 'departmental_analyst' && ` Votre périmètre : ${me.user.departments.join(', ')}.`}</p>
      {/* biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/noNoninteractiveElementInteractions: a drop target for the mouse; the file field inside is the keyboard's and screen readers' way */}
      <div className={`fr-upload-group fr-p-3w fr-mb-3w${dragging ? ' sillage-drop--active' : ''}`} data-testid="drop-zone"
        style={{ border: `2px dashed ${dragging ? '#000091' : '#929292'}`, background: dragging ? '#e3e3fd' : undefined }}
        onDragOver={(e) => { e.preventDefault(); setDragging(true); }} onDragLeave={() => setDragging(false)} onDrop={onDrop}>
        <label className="fr-label" htmlFor="import-file">Déposez un fichier ici ou choisissez-le
          <span className="fr-hint-text">CSV (.csv) ou GeoJSON (.geojson, .json).</span></label>
        <input className="fr-upload" type="file" id="import-file" accept=".csv,.txt,.geojson,.json,text/csv,application/geo+json" onChange={(e) => void choose(e.target.files?.[0])} />
      </div>
      {error && <div className="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert"><p>{error}</p></div>}
      {preview && file && (
        <section aria-labelledby="preview-title" className="fr-mb-3w" data-testid="import-preview">
          <h2 id="preview-title" className="fr-h5">Aperçu de « {file.name} »</h2>
          <ul className="fr-text--sm" data-testid="preview-facts">
            <li>Format : {preview.format === 'csv' ? `CSV, séparateur « ${preview.delimiter} »${preview.decimal_comma ? ', virgule décimale' : ''}` : 'GeoJSON'}</li>
            <li>Contenu : {preview.kind ? kindLabels[preview.kind] : 'non reconnu'} · {preview.row_count} ligne{preview.row_count > 1 ? 's' : ''}</li>
            <li>Coordonnées : {preview.coordinates ?? 'aucune colonne reconnue'}</li>
            <li>Colonnes : {preview.columns.join(', ')}</li>
            <li data-testid="preview-problems">{preview.problems.length ? `${new Set(preview.problems.map((p) => p.line)).size} ligne(s) déjà en défaut avant import (le rapport complet suit l’import)` : 'Aucun défaut décelé dans les lignes (les communes et références sont vérifiées à l’import).'}</li>
          </ul>
          <div className="fr-table fr-table--sm"><div className="fr-table__wrapper"><div className="fr-table__container"><div className="fr-table__content">
            <table><caption>Premières lignes</caption>
              <thead><tr><th scope="col">Ligne</th>{columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr></thead>
              <tbody>{preview.rows.map((r) => <tr key={r.line}><td>{r.line}</td>{columns.map((c) => <td key={c}>{r.values[c] ?? ''}</td>)}</tr>)}</tbody>
            </table>
          </div></div></div></div>
          <button type="button" className="fr-btn" onClick={() => void run()} disabled={busy} data-testid="run-import">Importer ce fichier</button>
        </section>
      )}
      {(phase === 'uploading' || phase === 'writing') && (
        <div className="fr-mb-2w" role="status" data-testid="import-progress">
          <label htmlFor="import-progress-bar" className="fr-text--sm" data-testid="import-progress-text">{phase === 'uploading' ? `Envoi du fichier : ${Math.round(sent * 100)} %`
            : serverProgress && rowsTotal > 0 ? `${phaseLabels[serverProgress.phase] ?? serverProgress.phase} : ${Math.min(serverProgress.done, rowsTotal).toLocaleString('fr-FR')} / ${rowsTotal.toLocaleString('fr-FR')} lignes`
            : 'Vérification et écriture en base…'}</label>
          <progress id="import-progress-bar" style={{ width: '100%' }} max={1}
            value={phase === 'uploading' ? sent : serverProgress && rowsTotal > 0 ? Math.min(1, serverProgress.done / rowsTotal) : undefined}
            data-done={serverProgress?.done} data-total={rowsTotal || undefined} />
        </div>
      )}
      {report && (
        <div className="fr-alert fr-alert--success fr-mb-2w" role="status" data-testid="import-report">
          <h3 className="fr-alert__title">Import terminé</h3>
          <p>{report.rows} ligne(s) de {kindLabels[report.kind]} : {report.inserted} créée(s), {report.updated} mise(s) à jour, {report.unchanged} inchangée(s) — en {(report.elapsed_ms / 1000).toFixed(1)} s.</p>
        </div>
      )}
      {rejected && (
        <section aria-labelledby="rejected-title" className="fr-mb-3w" data-testid="import-rejected">
          <div className="fr-alert fr-alert--error fr-mb-2w" role="alert">
            <h3 id="rejected-title" className="fr-alert__title">Fichier refusé : rien n’a été enregistré</h3>
            <p>{new Set(rejected.problems.map((p) => p.line)).size} ligne(s) rejetée(s), {rejected.problems.length} motif(s). Corrigez-les puis réimportez le fichier entier.</p>
          </div>
          <button type="button" className="fr-btn fr-btn--secondary fr-icon-download-line fr-btn--icon-left fr-mb-2w" onClick={downloadReport} data-testid="download-report">Télécharger le rapport (CSV)</button>
          <div className="fr-table fr-table--sm"><div className="fr-table__wrapper"><div className="fr-table__container"><div className="fr-table__content">
            <table data-testid="rejected-table"><caption>Lignes rejetées{rejected.problems.length > maxShown ? ` (les ${maxShown} premières ; toutes dans le rapport CSV)` : ''}</caption>
              <thead><tr><th scope="col">Ligne</th><th scope="col">Champ</th><th scope="col">Motif</th></tr></thead>
              <tbody>{rejected.problems.slice(0, maxShown).map((p) => <tr key={`${p.line}|${p.field}|${p.reason}`}><td>{p.line ?? '—'}</td><td>{p.field}</td><td>{p.reason}</td></tr>)}</tbody>
            </table>
          </div></div></div></div>
        </section>
      )}
      <section aria-labelledby="history-title">
        <h2 id="history-title" className="fr-h5">Historique des imports</h2>
        {!runs ? <p role="status">Chargement…</p> : runs.length === 0 ? <p>Aucun import.</p> : (
          <div className="fr-table fr-table--sm fr-table--no-caption"><div className="fr-table__wrapper"><div className="fr-table__container"><div className="fr-table__content">
            <table data-testid="import-history"><caption>Derniers imports</caption>
              <thead><tr><th scope="col">Date</th><th scope="col">Par</th><th scope="col">Fichier</th><th scope="col">Contenu</th><th scope="col">Résultat</th><th scope="col">Lignes</th><th scope="col">Créées</th><th scope="col">Mises à jour</th><th scope="col">Inchangées</th><th scope="col">Rejetées</th></tr></thead>
              <tbody>{runs.map((r) => (
                <tr key={r.id}>
                  <td>{new Date(r.started_at).toLocaleString('fr-FR', { dateStyle: 'short', timeStyle: 'short' })}</td>
                  <td>{r.username ?? '—'}</td><td>{r.file_name ?? '—'}</td><td>{kindLabels[r.kind] ?? r.kind} ({r.format.toUpperCase()})</td>
                  <td><p className={`fr-badge fr-badge--sm ${r.outcome === 'imported' ? 'fr-badge--success' : 'fr-badge--error'}`}>{r.outcome === 'imported' ? 'importé' : 'refusé'}</p></td>
                  <td>{r.rows}</td><td>{r.inserted}</td><td>{r.updated}</td><td>{r.unchanged}</td><td>{r.rejected_rows}</td>
                </tr>
              ))}</tbody>
            </table>
          </div></div></div></div>
        )}
      </section>
    </>
  );
}
