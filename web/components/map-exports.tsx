/** Exports of what the analysts' map shows: the hexbins it plays, the points in view. */
import { cubeCsv, cubeMonthGeoJson, type Cube } from '../map/cube';
import { cellPolygon } from '../../server/domain/h3-cells';
import { frenchMonth } from '../format';
import { monthEnd } from '../../server/domain/months';

/** Saves a file built in the page. */
function download(name: string, type: string, content: string) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([content], { type }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

/**
 * Exports of the hexbins the map plays, for every role that sees them: the cube already loaded
 * (and audited when it was read), suppressed counts kept as "< 5" (CSV) or null (GeoJSON).
 */
export function HexbinExport({ cube, offset, cumulative, month }: { cube: Cube; offset: number; cumulative: boolean; month: string }) {
  const name = `sillage-hexagones-r${cube.resolution}`;
  return (
    <p className="fr-text--xs fr-mb-1v" data-testid="hexbin-export">Exporter les hexagones :{' '}
      <button type="button" className="fr-link fr-text--xs" onClick={() => download(`${name}-${cube.from}-${cube.to}.csv`, 'text/csv;charset=utf-8', cubeCsv(cube, cumulative))}>CSV ({frenchMonth(cube.from)} – {frenchMonth(cube.to)})</button>
      {' · '}
      {offset >= 0 && offset < cube.months.length && <button type="button" className="fr-link fr-text--xs" onClick={() => download(`${name}-${month}.geojson`, 'application/geo+json', JSON.stringify(cubeMonthGeoJson(cube, offset, cumulative, cellPolygon)))}>GeoJSON ({frenchMonth(month)})</button>}
    </p>
  );
}

/**
 * Exports of what the map shows: the points of the visible area that were active at some time in
 * the month shown (with the reliability filter), as the points list's exports (audited there).
 */
export function MapViewExport({ month, bounds, minSources }: { month: string; bounds: [number, number, number, number]; minSources: number }) {
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const bbox = [clamp(bounds[0], -180, 180), clamp(bounds[1], -85, 85), clamp(bounds[2], -180, 180), clamp(bounds[3], -85, 85)].map((v) => v.toFixed(5)).join(',');
  const query = new URLSearchParams({ bbox, from: `${month}-01`, to: monthEnd(month), ...(minSources > 1 ? { min_sources: String(minSources) } : {}) });
  return (
    <p className="fr-text--xs fr-mb-1v" data-testid="map-view-export">Exporter les points de la vue ({frenchMonth(month)}) :{' '}
      {(['csv', 'geojson', 'gpkg'] as const).map((format, i) => (
        <span key={format}>{i > 0 && ' · '}<a href={`/api/exports/deal-points.${format}?${query}`} download>{format === 'gpkg' ? 'GeoPackage' : format.toUpperCase()}</a></span>
      ))}
    </p>
  );
}
