/**
 * The H3 × month cube of the map's view: fetched when the window, the resolution, the area or the
 * sources' filter changes, never per tick; its cells are handed to the map before it is shown.
 */
import { useEffect, useState, type RefObject } from 'react';
import { get } from '../api/routes';
import { monthIndex } from '../../server/domain/months';
import type { Cube } from '../map/cube';
import type { SillageMap } from '../map/map-adapter';

export interface CubeRequest {
  resolution: number;
  from: string;
  to: string;
  /** West, south, east, north; null for all of France. */
  area: [number, number, number, number] | null;
  /** K, the sources a point needs; it filters the hexbins for precise roles only (the server refuses it for deputies). */
  minSources: number;
  precise: boolean;
}

export function useViewCube(map: RefObject<SillageMap | null>, request: CubeRequest, onError: (e: unknown) => void, onLoaded: () => void): { cube: Cube | null; status: string } {
  const [cube, setCube] = useState<Cube | null>(null);
  const [status, setStatus] = useState('');
  const { resolution, from, to, area, minSources, precise } = request;
  useEffect(() => {
    let cancelled = false;
    const started = performance.now();
    setStatus(`Chargement des hexagones (résolution ${resolution}, ${monthIndex(to) - monthIndex(from) + 1} mois)…`);
    get('/api/aggregates/deal-points/cube', { query: {
      resolution, from, to, bbox: area?.map((v) => v.toFixed(4)).join(','), min_sources: precise && minSources > 1 ? minSources : null,
    } })
      .then(async (loaded) => {
        if (cancelled) return;
        await map.current?.setHexCells(loaded.cells.map((c) => c.h3));
        setCube(loaded);
        onLoaded();
        setStatus(`${loaded.cells.length.toLocaleString('fr-FR')} hexagones × ${loaded.months.length} mois chargés en ${Math.round(performance.now() - started)} ms`);
      })
      .catch((e) => { if (!cancelled) { setStatus(''); onError(e); } });
    return () => { cancelled = true; };
  }, [map, resolution, from, to, area, onError, onLoaded, precise, minSources]);
  return { cube, status };
}
