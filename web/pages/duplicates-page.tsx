/**
 * The duplicate review (`/doublons`): points that two services reported separately, proposed by the
 * server (within 75 m, disjoint sources, compatible products, overlapping lifetimes). Each pair is
 * shown side by side on a small map with both histories; the analyst merges them (which point is
 * kept is their choice), or says they are distinct places; merges can be undone.
 * The URL holds the department and the pair shown (`?departement=93&a=12&b=40`).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { get, type GetRoutes } from '../api/routes';
import { send } from '../api/send';
import { SillageMap } from '../map/map-adapter';
import { frenchDate } from '../format';

type Proposal = GetRoutes['/api/duplicates']['items'][number];
type Pair = GetRoutes['/api/duplicates/pair'];
type PointRecord = Pair['a'];
type Merge = GetRoutes['/api/duplicates/merges']['items'][number];

export { sourceLabels as serviceLabels } from '../labels';
import { sourceLabels as serviceLabels, productLabels, statusLabels } from '../labels';

type Pending = { kind: 'merge'; kept: number; absorbed: number } | { kind: 'distinct' } | null;

function readUrl() {
  const query = new URLSearchParams(location.search);
  const id = (name: string) => (/^[1-9][0-9]{0,15}$/.test(query.get(name) ?? '') ? Number(query.get(name)) : null);
  return { department: query.get('departement') ?? '', a: id('a'), b: id('b') };
}

export function DuplicatesPage() {
  const initial = readUrl();
  const [department, setDepartment] = useState(initial.department);
  const [draft, setDraft] = useState(initial.department);
  const [selected, setSelected] = useState<{ a: number; b: number } | null>(initial.a && initial.b ? { a: initial.a, b: initial.b } : null);
  const [proposals, setProposals] = useState<Proposal[] | null>(null);
  const [pair, setPair] = useState<Pair | null>(null);
  const [merges, setMerges] = useState<Merge[]>([]);
  const [pending, setPending] = useState<Pending>(null);
  const [notice, setNotice] = useState<{ text: string; undo?: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mapContainer = useRef<HTMLDivElement>(null);
  const map = useRef<SillageMap | null>(null);
  const mapHolder = useRef<HTMLDivElement | null>(null);

  const fail = useCallback((e: unknown) => setError(e instanceof ApiError ? e.message : (e as Error).message), []);
  const loadList = useCallback(() => {
    get('/api/duplicates', { query: { limit: 200, department: department || null } }).then((r) => setProposals(r.items)).catch(fail);
    get('/api/duplicates/merges', { query: { limit: 20 } }).then((r) => setMerges(r.items)).catch(fail);
  }, [department, fail]);
  useEffect(loadList, [loadList]);

  useEffect(() => {
    const query = new URLSearchParams();
    if (department) query.set('departement', department);
    if (selected) { query.set('a', String(selected.a)); query.set('b', String(selected.b)); }
    history.replaceState(null, '', `/doublons${query.size ? `?${query}` : ''}`);
    setPending(null);
    if (!selected) { setPair(null); return; }
    get('/api/duplicates/pair', { query: { a: selected.a, b: selected.b } }).then(setPair).catch((e) => { setPair(null); fail(e); });
  }, [selected, department, fail]);

  useEffect(() => {
    if (!pair || !mapContainer.current) return;
    // The container goes away while no pair is chosen: a new one needs a new map.
    if (map.current && mapHolder.current !== mapContainer.current) { map.current.destroy(); map.current = null; }
    if (!map.current) {
      mapHolder.current = mapContainer.current;
      map.current = new SillageMap(mapContainer.current, { center: [pair.a.longitude, pair.a.latitude], zoom: 16 });
      // Tests read what the map draws.
      (window as unknown as { duplicateMap: SillageMap }).duplicateMap = map.current;
      get('/api/departments/outlines').then((c) => map.current?.setDepartments(c)).catch(fail);
    }
    void map.current.setComparedPoints({
      type: 'FeatureCollection',
      features: (['a', 'b'] as const).map((role) => ({
        type: 'Feature', properties: { role, label: `${role.toUpperCase()} · ${serviceLabels[pair[role].source] ?? pair[role].source}` },
        geometry: { type: 'Point', coordinates: [pair[role].longitude, pair[role].latitude] },
      })),
    });
  }, [pair, fail]);
  useEffect(() => () => { map.current?.destroy(); map.current = null; }, []);

  const confirm = async () => {
    if (!pair || !pending) return;
    setError(null);
    try {
      if (pending.kind === 'merge') {
        const merged = await send('POST', '/api/duplicates/merge', { body: { kept_id: pending.kept, absorbed_id: pending.absorbed } });
        setNotice({ text: `Point n° ${pending.absorbed} fusionné dans le point n° ${pending.kept} : ses identifiants, son historique et ses observations y sont rattachés.`, undo: merged.merge_id });
      } else {
        await send('POST', '/api/duplicates/distinct', { body: { a: pair.a.id, b: pair.b.id } });
        setNotice({ text: `Points n° ${pair.a.id} et n° ${pair.b.id} déclarés distincts : ils ne seront plus proposés.` });
      }
      setSelected(null);
      loadList();
    } catch (e) { fail(e); }
  };

  const undo = async (mergeId: number) => {
    setError(null);
    try {
      const undone = await send('POST', '/api/duplicates/merges/:id/undo', { params: { id: mergeId } });
      setNotice({ text: `Fusion annulée : le point n° ${undone.restored_id} est rétabli à côté du point n° ${undone.kept_id}.` });
      setSelected({ a: undone.kept_id, b: undone.restored_id });
      loadList();
    } catch (e) { fail(e); }
  };

  return (
    <div>
      <h1>Doublons entre sources</h1>
      <p>
        Lieux signalés séparément par deux services : points à moins de 75 m, de sources différentes, avec au moins un produit commun
        et des durées de vie qui se recouvrent (70 % au moins de leur durée commune). Fusionner garde un seul point avec les identifiants
        de chaque source ; les imports suivants de l’une ou l’autre source le retrouvent. Voir aussi la <a href="/fiabilite">fiabilité des points</a>.
      </p>
      <form className="fr-mb-2w" onSubmit={(e) => { e.preventDefault(); setSelected(null); setDepartment(draft.trim()); }} style={{ display: 'flex', gap: 16, alignItems: 'flex-end', flexWrap: 'wrap' }}>
        <div className="fr-input-group fr-mb-0">
          <label className="fr-label" htmlFor="duplicates-department">Département (code, vide : tous)</label>
          <input id="duplicates-department" className="fr-input" value={draft} onChange={(e) => setDraft(e.target.value.toUpperCase())} style={{ width: 140 }} />
        </div>
        <button type="submit" className="fr-btn fr-btn--secondary">Afficher</button>
      </form>
      {notice && (
        <div className="fr-alert fr-alert--success fr-alert--sm fr-mb-2w" role="status">
          <p>{notice.text}</p>
          {notice.undo && <button type="button" className="fr-btn fr-btn--sm fr-btn--secondary fr-mt-1w" onClick={() => undo(notice.undo!)}>Annuler la fusion</button>}
        </div>
      )}
      {error && <div className="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert"><p>{error}</p></div>}
      <div className="sillage-duplicates">
        <section aria-labelledby="proposals-title">
          <h2 id="proposals-title" className="fr-h5">{proposals ? `${proposals.length} paire${proposals.length > 1 ? 's' : ''} proposée${proposals.length > 1 ? 's' : ''}` : 'Recherche des doublons…'}</h2>
          {proposals?.length === 0 && <p>Aucun doublon probable.</p>}
          <ul className="sillage-duplicates__list" data-testid="duplicate-proposals">
            {proposals?.map((p) => {
              const current = selected?.a === p.a.id && selected?.b === p.b.id;
              return (
                <li key={`${p.a.id}-${p.b.id}`}>
                  <button type="button" aria-pressed={current} className={`fr-btn fr-btn--sm ${current ? '' : 'fr-btn--tertiary'}`} onClick={() => { setNotice(null); setSelected({ a: p.a.id, b: p.b.id }); }}>
                    {p.a.commune_name} · {Math.round(p.distance_m)} m · {serviceLabels[p.a.source] ?? p.a.source} / {serviceLabels[p.b.source] ?? p.b.source}
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
        <section aria-labelledby="pair-title" data-testid="duplicate-pair">
          {!selected && <p>Choisissez une paire dans la liste.</p>}
          {selected && (
            <>
              <h2 id="pair-title" className="fr-h5">Points n° {selected.a} (A) et n° {selected.b} (B){pair ? ` — ${pair.distance_m} m` : ''}</h2>
              <div ref={mapContainer} className="sillage-duplicates__map" data-testid="duplicate-map" aria-label="Carte des deux points" role="img" />
              {pair && (
                <>
                  <div className="sillage-duplicates__cards">
                    {(['a', 'b'] as const).map((role) => <PointCard key={role} role={role} point={pair[role]} />)}
                  </div>
                  {!pending && (
                    <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-mt-2w">
                      <li><button type="button" className="fr-btn" onClick={() => setPending({ kind: 'merge', kept: pair.a.id, absorbed: pair.b.id })}>Fusionner dans A</button></li>
                      <li><button type="button" className="fr-btn fr-btn--secondary" onClick={() => setPending({ kind: 'merge', kept: pair.b.id, absorbed: pair.a.id })}>Fusionner dans B</button></li>
                      <li><button type="button" className="fr-btn fr-btn--tertiary" onClick={() => setPending({ kind: 'distinct' })}>Lieux distincts</button></li>
                    </ul>
                  )}
                  {pending && (
                    <div className="fr-alert fr-alert--warning fr-alert--sm fr-mt-2w" role="alertdialog" aria-labelledby="confirm-text">
                      <p id="confirm-text">
                        {pending.kind === 'merge'
                          ? `Fusionner le point n° ${pending.absorbed} dans le point n° ${pending.kept} ? Le point n° ${pending.absorbed} disparaît de la carte ; la fusion peut être annulée.`
                          : `Déclarer ces deux points distincts ? La paire ne sera plus proposée.`}
                      </p>
                      <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-mt-1w">
                        <li><button type="button" className="fr-btn" onClick={confirm}>Confirmer</button></li>
                        <li><button type="button" className="fr-btn fr-btn--tertiary" onClick={() => setPending(null)}>Revenir</button></li>
                      </ul>
                    </div>
                  )}
                </>
              )}
            </>
          )}
        </section>
      </div>
      <section className="fr-mt-4w" aria-labelledby="merges-title">
        <h2 id="merges-title" className="fr-h5">Fusions récentes</h2>
        {merges.length === 0 ? <p>Aucune fusion.</p> : (
          <div className="fr-table fr-table--sm"><table data-testid="merges">
            <thead><tr><th scope="col">Fusion</th><th scope="col">Point gardé</th><th scope="col">Point absorbé</th><th scope="col">Par</th><th scope="col">État</th></tr></thead>
            <tbody>
              {merges.map((m) => (
                <tr key={m.id}>
                  <td>n° {m.id}, le {frenchDate(m.merged_at)}</td>
                  <td>n° {m.kept_id}</td>
                  <td>n° {m.absorbed_id} ({m.absorbed_source ? serviceLabels[m.absorbed_source] ?? m.absorbed_source : 'source inconnue'}{m.absorbed_external_id ? ` ${m.absorbed_external_id}` : ''}), {Math.round(m.distance_m)} m</td>
                  <td>{m.merged_by}</td>
                  <td>{m.undone_at ? `annulée le ${frenchDate(m.undone_at)}` : m.undoable
                    ? <button type="button" className="fr-btn fr-btn--sm fr-btn--tertiary" onClick={() => undo(m.id)}>Annuler la fusion n° {m.id}</button>
                    : 'en vigueur'}</td>
                </tr>
              ))}
            </tbody>
          </table></div>
        )}
      </section>
    </div>
  );
}

function PointCard({ role, point }: { role: 'a' | 'b'; point: PointRecord }) {
  const last = point.observations.at(-1);
  return (
    <article className={`sillage-duplicates__card sillage-duplicates__card--${role}`} data-testid={`point-${role}`}>
      <h3 className="fr-h6 fr-mb-1w">{role.toUpperCase()} · point n° {point.id}{point.verification === 'candidate' ? ' (candidat)' : ''}</h3>
      <p className="fr-text--sm fr-mb-1w">{point.commune_name} ({point.department_code})</p>
      <p className="fr-text--sm fr-mb-1w"><strong>Identifiants :</strong> {point.identifiers.map((i) => `${serviceLabels[i.source] ?? i.source} ${i.external_id}`).join(' ; ') || 'aucun'}</p>
      <p className="fr-text--sm fr-mb-1w"><strong>Produits :</strong> {point.products.map((p) => productLabels[p] ?? p).join(', ') || '—'}</p>
      <p className="fr-text--sm fr-mb-0"><strong>Historique :</strong></p>
      <ul className="fr-text--sm fr-mb-1w">
        {point.history.map((h) => <li key={h.effective_on}>{frenchDate(h.effective_on)} : {statusLabels[h.status] ?? h.status}{h.operation ? ` (${h.operation})` : ''}</li>)}
      </ul>
      <p className="fr-text--sm fr-mb-0"><strong>Observations :</strong> {point.observations.length}{last ? `, la dernière le ${frenchDate(last.observed_on)} (${serviceLabels[last.source] ?? last.source}, niveau ${last.activity_level ?? '—'})` : ''}</p>
    </article>
  );
}
