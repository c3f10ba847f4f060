/**
 * An operation's target area: drawn on the map (several polygons, each kept), composed from
 * communes (searched by name or INSEE code; the server's PostGIS union of their outlines), or from
 * H3 cells (clicked at a chosen resolution; h3-js outlines them). Every mode edits the same area
 * on the same map.
 */
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { cellsToMultiPolygon, latLngToCell } from 'h3-js';
import { ApiError } from '../api/client';
import { get } from '../api/routes';
import { AreaDrawer, type DrawnArea } from '../map/area-drawer';
import { useCommuneSearch } from './commune-search';

type Mode = 'dessin' | 'communes' | 'h3';
const modeLabels: Record<Mode, string> = { dessin: 'Dessiner', communes: 'Communes', h3: 'Cellules H3' };

export function TargetAreaPicker({ onChange, initial, label }: { onChange(area: DrawnArea | null): void; initial: DrawnArea | null; label: string }) {
  const container = useRef<HTMLDivElement>(null);
  const drawer = useRef<AreaDrawer | null>(null);
  const [mode, setMode] = useState<Mode>('dessin');
  const [counts, setCounts] = useState({ polygons: 0, vertices: 0, drawing: 0 });
  const [query, setQuery] = useState('');
  const [communes, setCommunes] = useState<{ insee: string; name: string }[]>([]);
  const [resolution, setResolution] = useState(8);
  const [cells, setCells] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  // Communes mode: search as one types.
  const [hits] = useCommuneSearch(query, (e) => setProblem(e.message), mode === 'communes');

  // The map is built once: the initial area is read then, and each change goes to the latest onChange.
  const initialArea = useRef(initial);
  const changed = useEffectEvent((area: DrawnArea | null) => onChange(area));
  useEffect(() => {
    drawer.current = new AreaDrawer(container.current!, (area) => { setCounts(drawer.current?.counts() ?? { polygons: 0, vertices: 0, drawing: 0 }); changed(area); }, undefined, undefined, initialArea.current);
    (window as unknown as { sillageAreaDrawer?: AreaDrawer }).sillageAreaDrawer = drawer.current;
    return () => drawer.current?.destroy();
  }, []);

  // H3 mode: a click toggles the cell under it.
  useEffect(() => {
    // Communes mode: clicks do nothing (the area is the communes' union).
    drawer.current?.takeClicks(mode === 'communes' ? () => {} : mode === 'h3' ? (longitude, latitude) => {
      const cell = latLngToCell(latitude, longitude, resolution);
      setCells((current) => (current.includes(cell) ? current.filter((c) => c !== cell) : [...current, cell]));
    } : null);
  }, [mode, resolution]);
  // The cells drive the area in H3 mode; switching modes reads the mode but does not redraw.
  const drawCells = useEffectEvent((chosen: string[]) => {
    if (mode !== 'h3') return;
    const polygons = chosen.length ? cellsToMultiPolygon(chosen, true) : [];
    drawer.current?.setArea(polygons.length === 0 ? null : polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons }, false);
  });
  useEffect(() => drawCells(cells), [cells]);


  async function compose(next: { insee: string; name: string }[]) {
    setCommunes(next);
    setProblem(null);
    if (next.length === 0) { drawer.current?.setArea(null); return; }
    try {
      const union = await get('/api/communes/union', { query: { insee: next.map((c) => c.insee) } });
      drawer.current?.setArea(union.geometry);
    } catch (error) {
      setProblem(error instanceof ApiError && error.details.length ? error.details.map((d) => d.reason).join(' ; ') : (error as Error).message);
    }
  }

  const status = counts.polygons === 0 ? (counts.drawing ? `${counts.drawing} sommet${counts.drawing > 1 ? 's' : ''} placé${counts.drawing > 1 ? 's' : ''}` : 'Aucune zone')
    : `${counts.polygons} polygone${counts.polygons > 1 ? 's' : ''} · ${counts.vertices} sommets`;
  return (
    <div className="fr-mb-2w" data-testid="target-area-picker">
      <fieldset className="fr-segmented fr-segmented--sm fr-mb-1w">
        <legend className="fr-segmented__legend">Composer la zone</legend>
        <div className="fr-segmented__elements">
          {(Object.keys(modeLabels) as Mode[]).map((m) => (
            <div key={m} className="fr-segmented__element">
              <input type="radio" id={`area-mode-${m}`} name="area-mode" value={m} checked={mode === m} onChange={() => { setMode(m); setProblem(null); }} />
              <label className="fr-label" htmlFor={`area-mode-${m}`}>{modeLabels[m]}</label>
            </div>
          ))}
        </div>
      </fieldset>
      {mode === 'dessin' && (
        <p className="fr-text--sm fr-mb-1w">Cliquez sur la carte pour placer les sommets d’un polygone (au moins trois) ; « Polygone suivant » le garde et en commence un autre. Les polygones déjà enregistrés sont tous gardés.</p>
      )}
      {mode === 'communes' && (
        <div className="fr-mb-1w" data-testid="commune-composer">
          <div className="fr-input-group fr-mb-1w">
            <label className="fr-label" htmlFor="area-commune-search">Commune (nom ou code INSEE)<span className="fr-hint-text">La zone devient l’union des contours des communes choisies. Les arrondissements de Paris, Lyon et Marseille n’ont pas de contour dans les données de référence : choisir la commune.</span></label>
            <input className="fr-input" id="area-commune-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} autoComplete="off" />
          </div>
          {hits.length > 0 && (
            <ul className="fr-btns-group fr-btns-group--sm fr-btns-group--inline" aria-label="Communes trouvées" data-testid="commune-hits">
              {hits.map((hit) => (
                <li key={hit.insee}>
                  <button type="button" className="fr-btn fr-btn--sm fr-btn--secondary" disabled={hit.kind === 'ARM' || communes.some((c) => c.insee === hit.insee)} data-insee={hit.insee}
                    onClick={() => { void compose([...communes, { insee: hit.insee, name: hit.name }]); setQuery(''); }}>
                    {hit.name} ({hit.insee}){hit.kind === 'ARM' ? ' — sans contour' : ''}
                  </button>
                </li>
              ))}
            </ul>
          )}
          {communes.length > 0 && (
            <ul className="fr-tags-group" aria-label="Communes de la zone" data-testid="chosen-communes">
              {communes.map((c) => (
                <li key={c.insee}><button type="button" className="fr-tag fr-tag--dismiss" aria-label={`Retirer ${c.name}`} onClick={() => void compose(communes.filter((o) => o.insee !== c.insee))}>{c.name} ({c.insee})</button></li>
              ))}
            </ul>
          )}
        </div>
      )}
      {mode === 'h3' && (
        <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mb-1w" data-testid="h3-composer">
          <div className="fr-col-12 fr-col-md-6 fr-select-group">
            <label className="fr-label" htmlFor="area-h3-resolution">Résolution H3<span className="fr-hint-text">Cliquez une cellule pour l’ajouter, à nouveau pour la retirer.</span></label>
            <select className="fr-select" id="area-h3-resolution" value={resolution} onChange={(e) => { setResolution(Number(e.target.value)); setCells([]); }}>
              <option value={7}>7 (environ 5 km²)</option><option value={8}>8 (environ 0,7 km²)</option><option value={9}>9 (environ 0,1 km²)</option>
            </select>
          </div>
          <p className="fr-col-12 fr-col-md-6 fr-text--sm fr-mb-0" data-testid="h3-count">{cells.length} cellule{cells.length > 1 ? 's' : ''} choisie{cells.length > 1 ? 's' : ''}</p>
        </div>
      )}
      {problem && <p className="fr-error-text" role="alert" data-testid="area-problem">{problem}</p>}
      <div ref={container} className="sillage-draw-map" data-testid="draw-map" style={{ height: 360, border: '1px solid #ddd' }} aria-label={label} role="application" />
      <p className="fr-text--sm fr-mt-1w" role="status" data-testid="area-status">{status}
        {mode === 'dessin' && <button type="button" className="fr-btn fr-btn--sm fr-btn--tertiary fr-ml-1w" disabled={counts.drawing < 3} onClick={() => drawer.current?.nextPolygon()}>Polygone suivant</button>}
        <button type="button" className="fr-btn fr-btn--sm fr-btn--tertiary fr-ml-1w" onClick={() => { drawer.current?.clear(); setCommunes([]); setCells([]); }}>Effacer</button>
      </p>
    </div>
  );
}
