/**
 * The DSFR "first page / next page" pagination of the keyset lists (points, operations): a link
 * when there is somewhere to go, otherwise a disabled button (DSFR draws both the same).
 */
export function Pagination({ label, first, next }: { label: string; first: string | null; next: string | null }) {
  return (
    <nav className="fr-pagination" aria-label={label}>
      <ul className="fr-pagination__list">
        <li>{first ? <a className="fr-pagination__link fr-pagination__link--first" href={first}>Première page</a> : <button type="button" className="fr-pagination__link fr-pagination__link--first" disabled>Première page</button>}</li>
        <li>{next ? <a className="fr-pagination__link fr-pagination__link--next" href={next} data-testid="next-page">Page suivante</a> : <button type="button" className="fr-pagination__link fr-pagination__link--next" disabled>Page suivante</button>}</li>
      </ul>
    </nav>
  );
}
