import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, roleLabels, setCsrfToken, type Me } from '../api/client';
import { send } from '../api/send';
import { safeReturnPath } from '../page-titles';

export function SignInPage({ me, onChange }: { me: Me | null; onChange: () => void }) {
  const [username, setUsername] = useState(new URLSearchParams(location.search).get('identifiant') ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const leaving = new URLSearchParams(location.search).has('sortie');
  // The page the user was sent here from (a shared link, a reserved page): back to it once signed in.
  const returnPath = safeReturnPath(new URLSearchParams(location.search).get('suite'));

  useEffect(() => {
    if (leaving && me?.user) {
      send('POST', '/api/auth/sign-out').then(() => { setCsrfToken(null); onChange(); }).catch((e: Error) => setError(e.message));
    }
  }, [leaving, me, onChange]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      const answer = await send('POST', '/api/auth/sign-in', { body: { username, password } });
      setCsrfToken(answer.csrf_token);
      const role = answer.user?.role;
      location.assign(returnPath ?? (role === 'admin' ? '/admin/journal' : '/'));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : (e as Error).message);
    }
  };

  if (leaving && !me?.user) return <div><h1>Déconnexion</h1><div className="fr-alert fr-alert--info"><p>Vous êtes déconnecté.</p></div></div>;
  if (leaving) return <p role="status">Déconnexion…</p>;
  if (me?.user) {
    return (
      <div data-testid="already-signed-in">
        <h1>Connexion</h1>
        <div className="fr-alert fr-alert--info fr-mb-3w">
          <p>Vous êtes déjà connecté en tant que <strong>{me.user.username}</strong> ({roleLabels[me.user.role] ?? me.user.role}).</p>
        </div>
        <ul className="fr-btns-group fr-btns-group--inline-md">
          <li><a className="fr-btn" href={returnPath ?? (me.user.role === 'admin' ? '/admin/journal' : '/')}>Continuer</a></li>
          <li><a className="fr-btn fr-btn--secondary" href="/connexion?sortie=1">Se déconnecter</a></li>
        </ul>
      </div>
    );
  }
  return (
    <form onSubmit={submit} style={{ maxWidth: 480 }}>
      <h1>Connexion</h1>
      <p>Réservée aux agents habilités (OFAST, CROSS, préfectures, parlementaires, administrateurs).</p>
      <div className="fr-input-group"><label className="fr-label" htmlFor="username">Identifiant</label>
        <input className="fr-input" id="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} /></div>
      <div className="fr-input-group"><label className="fr-label" htmlFor="password">Mot de passe</label>
        <input className="fr-input" id="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} /></div>
      {error && <div className="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert"><p>{error}</p></div>}
      <button className="fr-btn" type="submit">Se connecter</button>
      <p className="fr-mt-3w">Première connexion avec un code remis par l’administrateur ? <a href="/activer">Activer mon compte</a></p>
    </form>
  );
}
