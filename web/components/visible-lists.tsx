/**
 * The keyboard's way to the map's hexbins and points: lists of what the view shows for the month
 * shown, each row a button opening the same panel as a click on the map.
 */
import { useEffect, useState } from 'react';
import { visibleCells, type Cube } from '../map/cube';
import type { Selection, SillageMap } from '../map/map-adapter';
import { sourceLabels } from '../labels';

const coordinates = (longitude: number, latitude: number) =>
  `${latitude.toLocaleString('fr-FR', { maximumFractionDigits: 3 })} N, ${longitude.toLocaleString('fr-FR', { maximumFractionDigits: 3 })} E`;

export function VisibleLists({ cube, offset, cumulative, bounds, monthLabel, map, showPoints, refreshKey, onPick }: {
  cube: Cube | null; offset: number; cumulative: boolean; bounds: [number, number, number, number]; monthLabel: string;
  map: SillageMap | null; showPoints: boolean; refreshKey: string; onPick: (selection: Selection) => void;
}) {
  const [hexOpen, setHexOpen] = useState(false);
  const [pointsOpen, setPointsOpen] = useState(false);
  const [points, setPoints] = useState<Awaited<ReturnType<SillageMap['visiblePoints']>> | null>(null);
  const cells = hexOpen && cube && offset >= 0 && offset < cube.months.length ? visibleCells(cube, offset, cumulative, bounds) : null;

  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshKey says the map's view changed (the map object stays the same), so the visible points are read again
  useEffect(() => {
    if (!pointsOpen || !map || !showPoints) return undefined;
    let cancelled = false;
    setPoints(null);
    map.visiblePoints().then((found) => { if (!cancelled) setPoints(found); }).catch(() => { if (!cancelled) setPoints({ points: [], total: 0 }); });
    return () => { cancelled = true; };
  }, [pointsOpen, map, showPoints, refreshKey]);

  return (
    <div className="sillage-visible-lists fr-mt-2w">
      <details onToggle={(e) => setHexOpen((e.target as HTMLDetailsElement).open)} data-testid="hex-list">
        <summary className="fr-text--sm fr-text--bold">Liste des hexagones visibles</summary>
        {cells && (
          <>
            <p className="fr-text--xs fr-mb-1v" role="status">
              {cells.total === 0 ? `Aucun hexagone avec des points actifs dans la vue en ${monthLabel}.`
                : `${cells.total.toLocaleString('fr-FR')} hexagone(s) dans la vue en ${monthLabel}${cells.total > cells.cells.length ? `, les ${cells.cells.length} plus fournis ci-dessous` : ''}.`}
            </p>
            <ul className="fr-text--xs sillage-pick-list">
              {cells.cells.map((c) => (
                <li key={c.h3}>
                  <button type="button" className="fr-link fr-text--xs" onClick={() => onPick({ kind: 'hex', h3: c.h3 })}>
                    {c.count === null ? 'moins de 5 points (masqué)' : `${c.count.toLocaleString('fr-FR')} point(s)`}, vers {coordinates(c.longitude, c.latitude)}
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </details>
      {showPoints && (
        <details onToggle={(e) => setPointsOpen((e.target as HTMLDetailsElement).open)} data-testid="point-list">
          <summary className="fr-text--sm fr-text--bold">Liste des points visibles</summary>
          {pointsOpen && !points && <p className="fr-text--xs" role="status">Recherche des points affichés…</p>}
          {points && (
            <>
              <p className="fr-text--xs fr-mb-1v" role="status">
                {points.total === 0 ? 'Aucun point affiché dans la vue (les points apparaissent à partir du zoom 7).'
                  : `${points.total.toLocaleString('fr-FR')} point(s) affiché(s)${points.total > points.points.length ? `, les ${points.points.length} plus proches du centre ci-dessous` : ''}.`}
              </p>
              <ul className="fr-text--xs sillage-pick-list">
                {points.points.map((p) => (
                  <li key={p.id}>
                    <button type="button" className="fr-link fr-text--xs" onClick={() => onPick({ kind: 'point', id: p.id })}>
                      Point n° {p.id} ({sourceLabels[p.source] ?? p.source}), {coordinates(p.longitude, p.latitude)}
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </details>
      )}
    </div>
  );
}
