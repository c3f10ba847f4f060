/**
 * The deal points page's small forms and messages: a point's products and source fields, the
 * new-point form (a click on the map), and the message that explains an API error (a 409 with
 * a reload).
 */
import { useState, type FormEvent } from 'react';
import { frenchProblem } from '../api/french-errors';
import { ApiError } from '../api/client';
import type { GetRoutes } from '../api/routes';
import { send } from '../api/send';
import { asSource, productCodes, serviceCodes, type Product, type Source } from '../api/codes';
import { productLabels, sourceLabels } from '../labels';

export type PointFeature = GetRoutes['/api/deal-points/:id'];
/** What the page says after a write: done (ok), refused, or refused because of a newer version (conflict). */
export type PointMessage = { text: string; conflict: boolean; ok?: boolean };

export const today = () => new Date().toISOString().slice(0, 10);
const conflictText = 'Ce point a été modifié entre-temps (par quelqu’un d’autre ou dans un autre onglet) : votre changement n’a pas été enregistré. Rechargez-le pour voir sa dernière version, puis refaites votre changement.';

export function explain(error: unknown): { text: string; conflict: boolean } {
  if (error instanceof ApiError && error.status === 409 && /version/.test(error.message + JSON.stringify(error.details))) return { text: conflictText, conflict: true };
  if (error instanceof ApiError && error.details.length) return { text: `${error.message}${error.details.length > 1 ? ` — ${error.details.map(frenchProblem).join(' ; ')}` : ''}`, conflict: false };
  return { text: (error as Error).message, conflict: false };
}

export function Message({ message, onReload }: { message: PointMessage | null; onReload(): void }) {
  if (!message) return null;
  return (
    <div className={`fr-alert fr-alert--sm fr-mb-2w ${message.ok ? 'fr-alert--success' : 'fr-alert--error'}`} role={message.ok ? 'status' : 'alert'} data-testid={message.ok ? 'point-saved' : 'point-error'}>
      <p>{message.text}{message.conflict && <> <button type="button" className="fr-btn fr-btn--sm fr-btn--secondary fr-ml-1w" onClick={onReload} data-testid="reload">Recharger le point</button></>}</p>
    </div>
  );
}

export function ProductChoices({ value, onChange, prefix }: { value: Product[]; onChange(v: Product[]): void; prefix: string }) {
  return (
    <fieldset className="fr-fieldset">
      <legend className="fr-fieldset__legend fr-text--regular">Produits</legend>
      {productCodes.map((code) => [code, productLabels[code]] as const).map(([code, label]) => (
        <div key={code} className="fr-fieldset__element fr-fieldset__element--inline"><div className="fr-checkbox-group fr-checkbox-group--sm">
          <input type="checkbox" id={`${prefix}-${code}`} checked={value.includes(code)} onChange={(e) => onChange(e.target.checked ? [...value, code] : value.filter((c) => c !== code))} />
          <label className="fr-label" htmlFor={`${prefix}-${code}`}>{label}</label>
        </div></div>
      ))}
    </fieldset>
  );
}

export function SourceSelect({ id, value, onChange }: { id: string; value: Source; onChange(v: Source): void }) {
  return (
    <div className="fr-select-group"><label className="fr-label" htmlFor={id}>Source</label>
      <select className="fr-select" id={id} value={value} onChange={(e) => onChange(asSource(e.target.value))}>
        {serviceCodes.map((code) => <option key={code} value={code}>{sourceLabels[code]}</option>)}
      </select></div>
  );
}

export function NewPointForm({ location, onCreated, onCancel }: { location: [number, number]; onCreated(point: PointFeature): void; onCancel(): void }) {
  const [source, setSource] = useState<Source>('police_nationale');
  const [products, setProducts] = useState<Product[]>([]);
  const [externalId, setExternalId] = useState('');
  const [firstSeen, setFirstSeen] = useState(today());
  const [message, setMessage] = useState<{ text: string; conflict: boolean } | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      const created = await send('POST', '/api/deal-points', { body: {
        location: { type: 'Point', coordinates: location }, source, products, ...(externalId.trim() ? { external_id: externalId.trim() } : {}),
        status_history: [{ status: 'active', effective_on: firstSeen }],
      } });
      onCreated(created);
    } catch (error) { setMessage(explain(error)); }
  }
  return (
    <form onSubmit={submit} data-testid="new-point-form" aria-labelledby="new-point-title">
      <h2 id="new-point-title" className="fr-h5">Nouveau point ({location[1].toFixed(5)} ; {location[0].toFixed(5)})</h2>
      <Message message={message} onReload={() => setMessage(null)} />
      <SourceSelect id="new-source" value={source} onChange={setSource} />
      <div className="fr-input-group"><label className="fr-label" htmlFor="new-external-id">Identifiant dans la source (facultatif)</label>
        <input className="fr-input" id="new-external-id" value={externalId} maxLength={100} onChange={(e) => setExternalId(e.target.value)} /></div>
      <div className="fr-input-group"><label className="fr-label" htmlFor="new-first-seen">Actif depuis le</label>
        <input className="fr-input" type="date" id="new-first-seen" value={firstSeen} onChange={(e) => setFirstSeen(e.target.value)} /></div>
      <ProductChoices value={products} onChange={setProducts} prefix="new-product" />
      <ul className="fr-btns-group fr-btns-group--inline-sm">
        <li><button type="submit" className="fr-btn">Créer le point</button></li>
        <li><button type="button" className="fr-btn fr-btn--secondary" onClick={onCancel}>Annuler</button></li>
      </ul>
    </form>
  );
}
