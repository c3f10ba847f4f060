/** Draw an area (a snapshot's, a prefecture's sector) on a small map (vertices by clicks). */
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { AreaDrawer } from '../map/area-drawer';

export function DrawnAreaPicker({ onChange, hint = 'La zone sera comptée en cellules H3 entières de résolution 7.', initial = null, label = 'Carte de la zone à dessiner' }: { onChange(polygon: GeoJSON.Polygon | null): void; hint?: string; initial?: GeoJSON.Polygon | GeoJSON.MultiPolygon | null; label?: string }) {
  const container = useRef<HTMLDivElement>(null);
  const drawer = useRef<AreaDrawer | null>(null);
  const [vertices, setVertices] = useState(0);
  // The map is built once: the initial area is read then, and each change goes to the latest onChange.
  const initialArea = useRef(initial);
  const changed = useEffectEvent((polygon: GeoJSON.Polygon | null) => onChange(polygon));
  useEffect(() => {
    // One polygon here (operations use the target area picker, which keeps several).
    drawer.current = new AreaDrawer(container.current!, (area) => { const polygon = area?.type === 'Polygon' ? area : null; setVertices(polygon ? polygon.coordinates[0].length - 1 : 0); changed(polygon); }, undefined, undefined, initialArea.current);
    return () => drawer.current?.destroy();
  }, []);
  return (
    <div className="fr-mb-2w">
      <p className="fr-text--sm fr-mb-1w">Cliquez sur la carte pour placer les sommets de la zone (au moins trois). {hint}</p>
      <div ref={container} className="sillage-draw-map" data-testid="draw-map" style={{ height: 360, border: '1px solid #ddd' }} role="application" aria-label={label} />
      <p className="fr-text--sm fr-mt-1w" role="status">{vertices ? `${vertices} sommets` : 'Aucune zone dessinée'} <button type="button" className="fr-btn fr-btn--sm fr-btn--tertiary fr-ml-1w" onClick={() => drawer.current?.clear()}>Effacer</button></p>
    </div>
  );
}
