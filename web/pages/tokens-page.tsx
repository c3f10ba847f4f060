/**
 * Personal access tokens (/compte/jetons): for QGIS and GDAL, which cannot hold a session cookie.
 * A token only reads, with the account's own role and departments, until it expires or is revoked;
 * its secret is shown once, at creation.
 */
import { useCallback, useEffect, useState } from 'react';
import { get, type GetRoutes } from '../api/routes';
import { send, type SendRoutes } from '../api/send';

type AccessToken = GetRoutes['/api/auth/tokens']['items'][number];
type CreatedToken = SendRoutes['POST /api/auth/tokens']['answer'];

const day = (iso: string) => new Date(iso).toLocaleString('fr-FR', { dateStyle: 'medium', timeStyle: 'short' });

function stateOf(t: AccessToken): string {
  if (t.revoked_at) return `révoqué le ${day(t.revoked_at)}`;
  if (Date.parse(t.expires_at) <= Date.now()) return `expiré le ${day(t.expires_at)}`;
  return `valide jusqu’au ${day(t.expires_at)}`;
}

export function TokensPage({ username }: { username: string }) {
  const [items, setItems] = useState<AccessToken[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const load = useCallback(() => {
    get('/api/auth/tokens').then((r) => setItems(r.items)).catch((e: Error) => setError(e.message));
  }, []);
  useEffect(load, [load]);

  const create = async (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      setCreated(await send('POST', '/api/auth/tokens', { body: { name: name.trim(), expires_in_days: Number(days) } }));
      setName('');
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const revoke = async (t: AccessToken) => {
    if (!window.confirm(`Révoquer le jeton « ${t.name} » ? Les logiciels qui l’utilisent perdront l’accès immédiatement.`)) return;
    setError(null);
    try {
      await send('DELETE', '/api/auth/tokens/:id', { params: { id: t.id } });
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const origin = location.origin;

  return (
    <div>
      <h1>Jetons d’accès pour les logiciels SIG</h1>
      <p>QGIS et GDAL ne peuvent pas utiliser votre session : donnez-leur un jeton personnel. Un jeton <strong>ne fait que lire</strong>,
        avec exactement vos droits (votre rôle, vos départements) ; chaque lecture est inscrite au journal. Révoquez-le dès qu’il ne sert plus.</p>
      {error && <div className="fr-alert fr-alert--error fr-mb-2w" role="alert"><p>{error}</p></div>}
      {created && (
        <div className="fr-alert fr-alert--success fr-mb-3w" role="status" data-testid="new-token">
          <h2 className="fr-alert__title">Jeton « {created.name} » créé</h2>
          <p>Copiez-le maintenant : il ne sera plus jamais affiché.</p>
          <p><span className="fr-sr-only">Jeton : </span><code className="sillage-token" data-testid="token-value">{created.token}</code></p>
          <p className="fr-text--sm">QGIS : <em>Couche › Ajouter une couche › Ajouter une couche WFS / OGC API - Features</em>, URL <code>{origin}/ogc</code>,
            authentification « De base » avec l’identifiant <code>{username}</code> et ce jeton comme mot de passe.
            GDAL : <code>ogrinfo OAPIF:{origin}/ogc --config GDAL_HTTP_HEADERS "Authorization: Bearer …"</code>.</p>
        </div>
      )}
      <form className="fr-mb-4w" onSubmit={create} aria-labelledby="new-token-title">
        <h2 id="new-token-title" className="fr-h5">Nouveau jeton</h2>
        <div className="sillage-token-form">
          <div className="fr-input-group">
            <label className="fr-label" htmlFor="token-name">Usage<span className="fr-hint-text">par exemple « QGIS poste 12 »</span></label>
            <input className="fr-input" id="token-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="fr-select-group">
            <label className="fr-label" htmlFor="token-days">Durée de validité</label>
            <select className="fr-select" id="token-days" value={days} onChange={(e) => setDays(e.target.value)}>
              <option value="7">7 jours</option><option value="30">30 jours</option><option value="90">90 jours</option><option value="365">1 an</option>
            </select>
          </div>
        </div>
        <button className="fr-btn" type="submit" disabled={!name.trim()}>Créer le jeton</button>
      </form>
      <h2 className="fr-h5">Vos jetons</h2>
      {items === null ? <p role="status">Chargement…</p> : items.length === 0 ? <p>Aucun jeton.</p> : (
        <ul className="sillage-token-list" data-testid="token-list" aria-label="Vos jetons d’accès">
          {items.map((t) => (
            <li key={t.id} className="fr-card fr-p-2w fr-mb-2w">
              <h3 className="fr-h6 fr-mb-1w">{t.name} <code className="fr-text--sm">{t.prefix}…</code></h3>
              <p className="fr-text--sm fr-mb-1w">Créé le {day(t.created_at)} · {stateOf(t)} · dernière utilisation : {t.last_used_at ? day(t.last_used_at) : 'jamais'}</p>
              {!t.revoked_at && Date.parse(t.expires_at) > Date.now() && (
                <button className="fr-btn fr-btn--sm fr-btn--secondary" type="button" onClick={() => revoke(t)}>Révoquer<span className="fr-sr-only"> le jeton {t.name}</span></button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
