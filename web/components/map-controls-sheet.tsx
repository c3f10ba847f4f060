/**
 * The map's controls: a sidebar beside the map on wide screens; on phones a sheet from the bottom
 * of the screen (within reach of a thumb), opened by a button over the map and closed by its own
 * button or Escape, so that the map keeps the whole width.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';

export function MapControlsSheet({ label, children }: { label: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const closer = useRef<HTMLButtonElement>(null);
  const close = useCallback(() => { setOpen(false); opener.current?.focus(); }, []);
  useEffect(() => {
    if (!open) return undefined;
    closer.current?.focus();
    const onKey = (event: KeyboardEvent) => { if (event.key === 'Escape') close(); };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open, close]);
  return (
    <>
      <button ref={opener} type="button" className="fr-btn fr-btn--sm fr-icon-equalizer-line fr-btn--icon-left sillage-controls-opener"
        aria-controls="commandes-carte" aria-expanded={open} onClick={() => setOpen(!open)}>{label}</button>
      <aside id="commandes-carte" className={`sillage-sidebar${open ? ' sillage-sidebar--open' : ''}`} aria-label={label}>
        <div className="sillage-controls-closer">
          <button ref={closer} type="button" className="fr-btn--close fr-btn" aria-controls="commandes-carte" onClick={close}>Fermer</button>
        </div>
        {children}
      </aside>
    </>
  );
}
