/** The map's selection (a clicked hexagon, point, commune or operation) as the URL's `sel` text, and back. */

/** What a click on the map (or a list of what it shows) opens in the side panel. */
export type Selection =
  | { kind: 'point'; id: number }
  | { kind: 'hex'; h3: string }
  | { kind: 'commune'; insee: string; name: string }
  | { kind: 'operation'; id: number };

export function selectionKey(selection: Selection | null): string | null {
  if (!selection) return null;
  return selection.kind === 'hex' ? `hex:${selection.h3}` : selection.kind === 'commune' ? `commune:${selection.insee}` : `${selection.kind}:${selection.id}`;
}

export function parseSelection(key: string | null): Selection | null {
  if (!key) return null;
  const [kind, id] = key.split(':');
  if (kind === 'hex') return { kind, h3: id };
  if (kind === 'commune') return { kind, insee: id, name: id };
  if (kind === 'point' || kind === 'operation') return { kind, id: Number(id) };
  return null;
}
