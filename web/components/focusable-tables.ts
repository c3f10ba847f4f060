/**
 * DSFR tables scroll sideways when wider than the screen (`.fr-table > table`); a keyboard user
 * can scroll them only if they take the focus. Every such table of the page gets `tabindex=0`, as
 * pages render them (one observer for the whole layout rather than an attribute in each page).
 */
import { useEffect } from 'react';

function markTables(root: ParentNode): void {
  root.querySelectorAll<HTMLTableElement>('.fr-table > table:not([tabindex])').forEach((table) => { table.tabIndex = 0; });
}

export function useFocusableTables(): void {
  useEffect(() => {
    markTables(document);
    const observer = new MutationObserver(() => markTables(document));
    observer.observe(document.getElementById('root') ?? document.body, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, []);
}
