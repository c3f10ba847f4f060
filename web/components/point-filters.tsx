/**
 * The filters of `/points` (department, commune, status at a date, source, network, product,
 * data set): typed here, applied by loading the page at their address (the URL is the state).
 */
import { useState, type FormEvent } from 'react';
import { productLabels, sourceLabels, statusLabels } from '../labels';

export const pointFilterNames = ['department', 'commune', 'at', 'status', 'source', 'network_id', 'product', 'dataset'] as const;

export function PointFilters() {
  const [filters, setFilters] = useState<Record<string, string>>(() => {
    const params = new URLSearchParams(location.search);
    return Object.fromEntries(pointFilterNames.map((n) => [n, params.get(n) ?? '']));
  });
  function apply(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const n of pointFilterNames) if (filters[n]) next.set(n, filters[n]);
    location.assign(`/points?${next}`);
  }
  return (
    <form onSubmit={apply} className="fr-mb-2w" aria-label="Filtrer les points" data-testid="point-filters">
      <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        <div className="fr-col-6 fr-col-md-1"><label className="fr-label" htmlFor="pf-department">Dépt</label>
          <input className="fr-input" id="pf-department" maxLength={3} value={filters.department} onChange={(e) => setFilters({ ...filters, department: e.target.value.toUpperCase() })} /></div>
        <div className="fr-col-6 fr-col-md-2"><label className="fr-label" htmlFor="pf-commune">Commune (INSEE)</label>
          <input className="fr-input" id="pf-commune" maxLength={5} value={filters.commune} onChange={(e) => setFilters({ ...filters, commune: e.target.value.toUpperCase() })} /></div>
        <div className="fr-col-6 fr-col-md-2"><label className="fr-label" htmlFor="pf-status">Statut</label>
          <select className="fr-select" id="pf-status" value={filters.status} onChange={(e) => setFilters({ ...filters, status: e.target.value })}>
            <option value="">Tous</option>{Object.entries(statusLabels).map(([c, l]) => <option key={c} value={c}>{l}</option>)}
          </select></div>
        <div className="fr-col-6 fr-col-md-2"><label className="fr-label" htmlFor="pf-at">au</label>
          <input className="fr-input" type="date" id="pf-at" value={filters.at} onChange={(e) => setFilters({ ...filters, at: e.target.value })} /></div>
        <div className="fr-col-6 fr-col-md-2"><label className="fr-label" htmlFor="pf-source">Source</label>
          <select className="fr-select" id="pf-source" value={filters.source} onChange={(e) => setFilters({ ...filters, source: e.target.value })}>
            <option value="">Toutes</option>{Object.entries(sourceLabels).map(([c, l]) => <option key={c} value={c}>{l}</option>)}
          </select></div>
        <div className="fr-col-6 fr-col-md-1"><label className="fr-label" htmlFor="pf-network">Réseau</label>
          <input className="fr-input" id="pf-network" inputMode="numeric" value={filters.network_id} onChange={(e) => setFilters({ ...filters, network_id: e.target.value.replace(/\D/g, '') })} /></div>
        <div className="fr-col-6 fr-col-md-1"><label className="fr-label" htmlFor="pf-product">Produit</label>
          <select className="fr-select" id="pf-product" value={filters.product} onChange={(e) => setFilters({ ...filters, product: e.target.value })}>
            <option value="">Tous</option>{Object.entries(productLabels).map(([c, l]) => <option key={c} value={c}>{l}</option>)}
          </select></div>
        <div className="fr-col-6 fr-col-md-1"><label className="fr-label" htmlFor="pf-dataset">Données</label>
          <select className="fr-select" id="pf-dataset" value={filters.dataset} onChange={(e) => setFilters({ ...filters, dataset: e.target.value })}>
            <option value="">Toutes</option><option value="real">réelles</option><option value="synthetic">synthétiques</option>
          </select></div>
        <div className="fr-col-12 fr-col-md-12"><button type="submit" className="fr-btn">Filtrer</button></div>
      </div>
    </form>
  );
}
