/** The points of a `/points` page as a table; a point's number opens it. */
import type { GetRoutes } from '../api/routes';
import { productLabels, sourceLabels, statusLabels } from '../labels';

export type PointList = GetRoutes['/api/deal-points'];
type ListedPoint = PointList['features'][number];

export function PointTable({ points, selected, onOpen }: { points: ListedPoint[]; selected: number | null; onOpen(point: ListedPoint): void }) {
  return (
    <div className="fr-table fr-table--sm fr-mt-2w"><div className="fr-table__wrapper"><div className="fr-table__container"><div className="fr-table__content">
      <table data-testid="point-table">
        <caption>Points de cette page</caption>
        <thead><tr><th scope="col">N°</th><th scope="col">Commune</th><th scope="col">Statut</th><th scope="col">Produits</th><th scope="col">Source</th><th scope="col">Version</th></tr></thead>
        <tbody>
          {points.map((f) => (
            <tr key={f.id} data-id={f.id} aria-selected={f.id === selected}>
              <td><button type="button" className="fr-link" onClick={() => onOpen(f)}>{f.id}</button></td>
              <td>{f.properties.commune_name} ({f.properties.commune_insee})</td>
              <td>{f.properties.status ? statusLabels[f.properties.status] : '—'}</td>
              <td>{f.properties.products.map((c) => productLabels[c] ?? c).join(', ') || '—'}</td>
              <td>{sourceLabels[f.properties.source] ?? f.properties.source}</td>
              <td>{f.properties.version}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div></div></div></div>
  );
}
