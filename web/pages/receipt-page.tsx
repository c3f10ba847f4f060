/**
 * Following a report (`/signaler/suivi?recepisse=SIG-…`): the person who reported learns only
 * whether it was received or examined, nothing else (no decision, no place, no point).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { get } from '../api/routes';

const statusText: Record<string, string> = {
  received: 'Reçu : votre signalement attend d’être examiné par la cellule de renseignement (CROSS) de votre département.',
  examined: 'Examiné : votre signalement a été examiné par la cellule de renseignement (CROSS) de votre département.',
};

export function ReceiptStatusPage() {
  // The receipt in the address when the page opened (looked up once; a lookup then rewrites the address).
  const [initial] = useState(() => new URLSearchParams(location.search).get('recepisse') ?? '');
  const [receipt, setReceipt] = useState(initial);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const look = useCallback(async (value: string) => {
    setError(null); setStatus(null);
    const normalised = value.trim().toUpperCase();
    if (!/^SIG-[0-9A-HJ-NP-Z]{10}$/.test(normalised)) { setError('Le numéro de récépissé a la forme SIG- suivi de 10 caractères.'); return; }
    history.replaceState(null, '', `/signaler/suivi?recepisse=${normalised}`);
    try {
      setStatus((await get('/api/public/reports/:receipt', { params: { receipt: normalised } })).status);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 404 ? 'Aucun signalement ne porte ce numéro.' : (e as Error).message);
    }
  }, []);
  useEffect(() => { if (initial) void look(initial); }, [initial, look]);

  return (
    <div>
      <h1>Suivre un signalement</h1>
      <p>Indiquez le numéro de récépissé reçu à l’envoi. Seul l’état est donné : reçu ou examiné.</p>
      <form onSubmit={(e: FormEvent) => { e.preventDefault(); void look(receipt); }} className="sillage-reliability__filters fr-mb-2w">
        <div className="fr-input-group fr-mb-0">
          <label className="fr-label" htmlFor="receipt-number">Numéro de récépissé</label>
          <input id="receipt-number" className="fr-input" placeholder="SIG-XXXXXXXXXX" value={receipt} onChange={(e) => setReceipt(e.target.value)} style={{ width: 220 }} />
        </div>
        <button type="submit" className="fr-btn">Voir l’état</button>
      </form>
      {error && <div className="fr-alert fr-alert--error fr-alert--sm" role="alert"><p>{error}</p></div>}
      {status && <div className="fr-alert fr-alert--info fr-alert--sm" role="status" data-testid="receipt-status"><p>{statusText[status] ?? status}</p></div>}
    </div>
  );
}
