/** Finding a commune by name or INSEE code, with its outline when it has one. */
import { useEffect, useEffectEvent, useState } from 'react';
import type { CommuneHit } from '../api/client';
import { get } from '../api/routes';

/**
 * Communes whose name or INSEE code matches `query` (2 characters at least, asked 200 ms after
 * the last keystroke, 8 at most); `enabled` false clears them. Errors go to `onError`.
 */
export function useCommuneSearch(query: string, onError: (e: Error) => void, enabled = true): [CommuneHit[], (hits: CommuneHit[]) => void] {
  const [hits, setHits] = useState<CommuneHit[]>([]);
  // onError is read when the answer comes, not a reason to ask again.
  const failed = useEffectEvent((e: Error) => onError(e));
  useEffect(() => {
    if (!enabled || query.trim().length < 2) { setHits([]); return; }
    let cancelled = false;
    const timer = setTimeout(() => {
      get('/api/communes', { query: { q: query.trim(), limit: 8 } })
        .then((r) => { if (!cancelled) setHits(r.items); }).catch((e: Error) => { if (!cancelled) failed(e); });
    }, 200);
    return () => { cancelled = true; clearTimeout(timer); };
  }, [query, enabled]);
  return [hits, setHits];
}

export function CommuneSearch({ onFound, onError }: { onFound: (hit: CommuneHit, feature: GeoJSON.Feature | null) => void; onError: (e: unknown) => void }) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useCommuneSearch(query, onError);
  const choose = async (hit: CommuneHit) => {
    setHits([]);
    setQuery(hit.name);
    const feature = await get('/api/communes/:insee', { params: { insee: hit.insee } }).catch(() => null);
    onFound(hit, feature?.geometry ? { ...feature, geometry: feature.geometry } : null);
  };
  return (
    <search className="fr-search-bar sillage-search">
      <label className="fr-label" htmlFor="commune-search">Aller à une commune (nom ou code INSEE)</label>
      <input id="commune-search" className="fr-input" type="search" placeholder="Pertuis, 84089…" value={query} autoComplete="off"
        onChange={(e) => setQuery(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter' && hits[0]) choose(hits[0]); }} />
      {hits.length > 0 && (
        <ul className="sillage-hits" aria-label="Communes trouvées">
          {hits.map((hit) => <li key={hit.insee}><button type="button" onClick={() => choose(hit)}>{hit.name} ({hit.department_code}) — {hit.insee}</button></li>)}
        </ul>
      )}
    </search>
  );
}
