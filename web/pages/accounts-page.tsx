/**
 * The second person: an analyst approves the accounts an admin created or reset, after checking
 * with the person named (by telephone, in person) that the account is theirs. Until then the
 * account opens no data, so an admin alone can never use an account it activated itself.
 */
import { useCallback, useEffect, useState } from 'react';
import { get, type GetRoutes } from '../api/routes';
import { send } from '../api/send';

type Pending = GetRoutes['/api/accounts/pending']['items'][number];

import { roleLabels } from '../labels';
const day = (iso: string) => new Date(iso).toLocaleString('fr-FR', { dateStyle: 'long', timeStyle: 'short' });

export function AccountsPage() {
  const [items, setItems] = useState<Pending[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = useCallback(() => {
    get('/api/accounts/pending').then((r) => setItems(r.items)).catch((e: Error) => setError(e.message));
  }, []);
  useEffect(load, [load]);

  const approve = async (account: Pending) => {
    if (!window.confirm(`Confirmez-vous avoir vérifié auprès de la personne que le compte « ${account.username} » est bien le sien ?`)) return;
    setError(null);
    try {
      await send('POST', '/api/accounts/:id/approve', { params: { id: account.id } });
      setNotice(`Compte ${account.username} validé.`);
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div>
      <h1>Comptes à valider</h1>
      <p>Un compte créé ou réinitialisé par un administrateur n’ouvre aucune donnée tant qu’une seconde personne ne l’a pas validé :
        vérifiez auprès de son titulaire, par un autre moyen, qu’il a bien reçu le code d’activation et activé lui-même son compte.</p>
      {error && <div className="fr-alert fr-alert--error fr-mb-2w" role="alert"><p>{error}</p></div>}
      {notice && <div className="fr-alert fr-alert--success fr-mb-2w" role="status"><p>{notice}</p></div>}
      {items === null ? <p role="status">Chargement…</p> : items.length === 0 ? <p>Aucun compte en attente.</p> : (
        <ul className="sillage-account-list" data-testid="pending-accounts" aria-label="Comptes en attente de validation">
          {items.map((a) => (
            <li key={a.id} className="fr-card fr-p-2w fr-mb-2w">
              <h2 className="fr-h6 fr-mb-1w">{a.username}</h2>
              <p className="fr-mb-1w">{roleLabels[a.role] ?? a.role}{a.departments.length ? ` — département${a.departments.length > 1 ? 's' : ''} ${a.departments.join(', ')}` : ''}</p>
              <p className="fr-text--sm fr-mb-1w">Créé le {day(a.created_at)}{a.created_by ? ` par ${a.created_by}` : ''} · {a.activated_at ? `activé le ${day(a.activated_at)}` : 'pas encore activé'}</p>
              <button className="fr-btn fr-btn--sm" type="button" onClick={() => approve(a)}>Valider le compte {a.username}</button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
