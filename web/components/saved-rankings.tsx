/** Saved rankings: save the current one (immutable, hashed), list, export as CSV, compare two, start an action plan. */
import { useCallback, useEffect, useState } from 'react';
import { get } from '../api/routes';
import { send, type SendRoutes } from '../api/send';
import type { Comparison, SavedRankingSummary } from '../api/desk';
import { frenchDate } from '../format';

export function SavedRankings({ department, canWrite, parameters }: { department: string; canWrite: boolean; parameters: SendRoutes['POST /api/sectors/rankings']['body']['parameters'] | null }) {
  const [items, setItems] = useState<SavedRankingSummary[]>([]);
  const [title, setTitle] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pair, setPair] = useState<[string, string]>(['', '']);
  const [comparison, setComparison] = useState<Comparison | null>(null);
  const load = useCallback(() => { get('/api/sectors/rankings', { query: { department } }).then((r) => setItems(r.items)).catch((e: Error) => setMessage({ ok: false, text: e.message })); }, [department]);
  useEffect(load, [load]);

  const save = async () => {
    if (!parameters) return;
    try {
      const saved = await send('POST', '/api/sectors/rankings', { body: { title: title.trim() || `Classement du ${new Date().toLocaleDateString('fr-FR')}`, parameters } });
      setMessage({ ok: true, text: `Classement n° ${saved.id} enregistré — empreinte SHA-256 ${saved.sha256.slice(0, 16)}…` });
      setTitle('');
      load();
    } catch (error) { setMessage({ ok: false, text: (error as Error).message }); }
  };
  const compare = async () => {
    try { setComparison(await get('/api/sectors/rankings/:id/compare/:other', { params: { id: pair[0], other: pair[1] } })); } catch (error) { setMessage({ ok: false, text: (error as Error).message }); }
  };
  return (
    <div data-testid="saved-rankings">
      {canWrite && (
        <div className="fr-input-group fr-mb-2w">
          <label className="fr-label" htmlFor="ranking-title">Titre du classement à enregistrer</label>
          <div className="fr-grid-row fr-grid-row--gutters"><div className="fr-col"><input className="fr-input" id="ranking-title" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} /></div>
            <div className="fr-col-auto"><button type="button" className="fr-btn" onClick={save} disabled={!parameters}>Enregistrer (daté, non modifiable)</button></div></div>
        </div>
      )}
      {message && <div className={`fr-alert fr-alert--sm ${message.ok ? 'fr-alert--success' : 'fr-alert--error'} fr-mb-2w`} role={message.ok ? 'status' : 'alert'}><p>{message.text}</p></div>}
      {items.length === 0 ? <p className="fr-text--sm">Aucun classement enregistré.</p> : (
        <div className="fr-table fr-table--sm"><table>
          <caption>Classements enregistrés</caption>
          <thead><tr><th>N°</th><th>Titre</th><th>Date</th><th>Par</th><th>Classés</th><th>SHA-256</th><th>Actions</th></tr></thead>
          <tbody>{items.map((r) => (
            <tr key={r.id} data-testid="saved-ranking">
              <td>{r.id}</td><td>{r.title}</td><td>{frenchDate(r.created_at)}</td><td>{r.created_by ?? '—'}</td><td>{r.ranked}</td><td><code title={r.sha256}>{r.sha256.slice(0, 12)}…</code></td>
              <td><a className="fr-link fr-text--sm" href={`/api/sectors/rankings/${r.id}/export.csv`} download>CSV</a>{' · '}<a className="fr-link fr-text--sm" href={`/api/sectors/rankings/${r.id}/export.pdf`} download>PDF</a>{' · '}<a className="fr-link fr-text--sm" href={`/plan-d-action?classement=${r.id}`}>Plan d’action</a></td>
            </tr>
          ))}</tbody>
        </table></div>
      )}
      {items.length >= 2 && (
        <div className="fr-grid-row fr-grid-row--gutters fr-mb-2w">
          {[0, 1].map((k) => (
            <div className="fr-col-5" key={k}><label className="fr-label" htmlFor={`compare-${k}`}>{k === 0 ? 'Classement A' : 'Classement B'}</label>
              <select className="fr-select" id={`compare-${k}`} value={pair[k]} onChange={(e) => setPair(k === 0 ? [e.target.value, pair[1]] : [pair[0], e.target.value])}>
                <option value="">—</option>{items.map((r) => <option key={r.id} value={r.id}>{r.id}. {r.title}</option>)}
              </select></div>
          ))}
          <div className="fr-col-2" style={{ alignSelf: 'flex-end' }}><button type="button" className="fr-btn fr-btn--secondary" disabled={!pair[0] || !pair[1]} onClick={compare}>Comparer</button></div>
        </div>
      )}
      {comparison && (
        <div className="fr-table fr-table--sm" data-testid="comparison"><table>
          <caption>Comparaison : {comparison.a.title} / {comparison.b.title}</caption>
          <thead><tr><th>Secteur</th><th>Rang A</th><th>Rang B</th><th>Évolution</th></tr></thead>
          <tbody>{comparison.sectors.slice(0, 60).map((s) => (
            <tr key={s.code}><td>{s.name} ({s.code})</td><td>{s.rank_a ?? '—'}</td><td>{s.rank_b ?? '—'}</td><td>{s.change === null ? '—' : s.change > 0 ? `▲ ${s.change}` : s.change < 0 ? `▼ ${-s.change}` : '='}</td></tr>
          ))}</tbody>
        </table></div>
      )}
    </div>
  );
}
