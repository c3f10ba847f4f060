/** First sign-in of an account created by an admin: the user chooses their own password. */
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { send } from '../api/send';

export function ActivationPage() {
  const [username, setUsername] = useState(new URLSearchParams(location.search).get('identifiant') ?? '');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (password.length < 12) { setError('Le mot de passe doit compter au moins 12 caractères.'); return; }
    if (password !== confirmation) { setError('Les deux mots de passe ne sont pas identiques.'); return; }
    try {
      await send('POST', '/api/auth/activate', { body: { username, activation_code: code, password } });
      setDone(true);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : (e as Error).message);
    }
  };

  if (done) {
    return (
      <div className="fr-alert fr-alert--success" role="status">
        <p>Votre compte est activé. <a href={`/connexion?identifiant=${encodeURIComponent(username)}`}>Se connecter</a></p>
      </div>
    );
  }
  return (
    <form onSubmit={submit} style={{ maxWidth: 520 }}>
      <h1>Activer mon compte</h1>
      <p>Saisissez le code d’activation remis par l’administrateur (valable 72 heures, une seule fois), puis choisissez votre mot de passe.
        L’administrateur ne connaît jamais votre mot de passe.</p>
      <div className="fr-input-group"><label className="fr-label" htmlFor="username">Identifiant</label>
        <input className="fr-input" id="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required /></div>
      <div className="fr-input-group"><label className="fr-label" htmlFor="code">Code d’activation<span className="fr-hint-text">Format XXXXX-XXXXX-XXXXX-XXXXX</span></label>
        <input className="fr-input" id="code" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} required /></div>
      <div className="fr-input-group"><label className="fr-label" htmlFor="password">Nouveau mot de passe<span className="fr-hint-text">12 caractères au moins</span></label>
        <input className="fr-input" id="password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} required /></div>
      <div className="fr-input-group"><label className="fr-label" htmlFor="confirmation">Confirmer le mot de passe</label>
        <input className="fr-input" id="confirmation" type="password" autoComplete="new-password" value={confirmation} onChange={(e) => setConfirmation(e.target.value)} required /></div>
      {error && <div className="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert"><p>{error}</p></div>}
      <button className="fr-btn" type="submit">Activer mon compte</button>
    </form>
  );
}
