/**
 * Accounts for the admin (`/admin/comptes`): create an account (role, departments, a deputy's
 * communes) without a password and hand its one-time activation code to its user; deactivate,
 * reactivate, reset (a new code, sessions and password revoked). An analyst then approves the
 * account at /comptes (two people). Every change is in the journal.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError, roleLabels } from '../api/client';
import { get, type GetRoutes } from '../api/routes';
import { send, type SendRoutes } from '../api/send';

type Account = GetRoutes['/api/admin/users']['items'][number];
type Role = SendRoutes['POST /api/admin/users']['body']['role'];
type Pending = { kind: 'deactivate' | 'activate' | 'reset'; account: Account } | null;

const codeList = (text: string) => text.split(/[\s,;]+/).map((c) => c.trim().toUpperCase()).filter(Boolean);

export function AdminAccountsPage() {
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [form, setForm] = useState<{ username: string; role: Role; departments: string; communes: string }>({ username: '', role: 'departmental_analyst', departments: '', communes: '' });
  const [code, setCode] = useState<{ username: string; code: string; expires: string } | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fail = useCallback((e: unknown) => setError(e instanceof ApiError ? e.message : (e as Error).message), []);
  const load = useCallback(() => { get('/api/admin/users').then((r) => setAccounts(r.items)).catch(fail); }, [fail]);
  useEffect(load, [load]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null); setNotice(null); setCode(null);
    try {
      const departments = codeList(form.departments);
      const created = await send('POST', '/api/admin/users', {
        body: { username: form.username.trim(), role: form.role, ...(departments.length ? { departments } : {}) },
      });
      const communes = codeList(form.communes);
      if (form.role === 'deputy' && communes.length) await send('PUT', '/api/admin/users/:id/constituency', { params: { id: created.id }, body: { communes } });
      setCode({ username: form.username.trim(), code: created.activation_code, expires: created.activation_expires_at });
      setForm({ username: '', role: form.role, departments: '', communes: '' });
      load();
    } catch (e) { fail(e); }
  };

  const confirm = async () => {
    if (!pending) return;
    setError(null); setCode(null);
    try {
      if (pending.kind === 'reset') {
        const reset = await send('POST', '/api/admin/users/:id/activation', { params: { id: pending.account.id } });
        setCode({ username: pending.account.username, code: reset.activation_code, expires: reset.activation_expires_at });
      } else {
        await send('PATCH', '/api/admin/users/:id', { params: { id: pending.account.id }, body: { active: pending.kind === 'activate' } });
        setNotice(`Compte ${pending.account.username} ${pending.kind === 'activate' ? 'réactivé' : 'désactivé (ses sessions sont fermées)'}.`);
      }
      setPending(null);
      load();
    } catch (e) { fail(e); }
  };

  const state = (a: Account) => !a.active ? 'désactivé' : a.awaiting_activation ? 'en attente d’activation' : a.awaiting_approval ? 'en attente de validation par un analyste' : 'actif';

  return (
    <div>
      <h1>Comptes</h1>
      <p>Un compte est créé sans mot de passe : remettez à son titulaire le code d’activation (valable 72 h), avec lequel il choisit son mot de passe sur la page « Activer mon compte ». Un analyste (OFAST, ou CROSS du département) valide ensuite le compte.</p>
      {error && <div className="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert"><p>{error}</p></div>}
      {notice && <div className="fr-alert fr-alert--success fr-alert--sm fr-mb-2w" role="status"><p>{notice}</p></div>}
      {code && (
        <div className="fr-alert fr-alert--info fr-mb-2w" role="status" data-testid="activation-code">
          <p>Code d’activation de <strong>{code.username}</strong> : <code>{code.code}</code> (valable jusqu’au {new Date(code.expires).toLocaleString('fr-FR')}). Il n’est montré qu’une fois.</p>
        </div>
      )}
      <form className="fr-mb-4w sillage-reliability__filters" onSubmit={create} aria-labelledby="create-title">
        <h2 id="create-title" className="fr-h5" style={{ width: '100%' }}>Créer un compte</h2>
        <div className="fr-input-group fr-mb-0">
          <label className="fr-label" htmlFor="account-username">Identifiant</label>
          <input id="account-username" className="fr-input" required minLength={3} maxLength={64} value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
        </div>
        <div className="fr-select-group fr-mb-0">
          <label className="fr-label" htmlFor="account-role">Rôle</label>
          <select id="account-role" className="fr-select" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {Object.entries(roleLabels).map(([role, label]) => <option key={role} value={role}>{label}</option>)}
          </select>
        </div>
        <div className="fr-input-group fr-mb-0">
          <label className="fr-label" htmlFor="account-departments">Départements (codes)</label>
          <input id="account-departments" className="fr-input" placeholder="13, 84" value={form.departments} onChange={(e) => setForm({ ...form, departments: e.target.value })} />
        </div>
        {form.role === 'deputy' && (
          <div className="fr-input-group fr-mb-0">
            <label className="fr-label" htmlFor="account-communes">Communes de la circonscription (codes INSEE)</label>
            <input id="account-communes" className="fr-input" placeholder="84089, 84031" value={form.communes} onChange={(e) => setForm({ ...form, communes: e.target.value })} />
          </div>
        )}
        <button type="submit" className="fr-btn">Créer le compte</button>
      </form>
      {pending && (
        <div className="fr-alert fr-alert--warning fr-alert--sm fr-mb-2w" role="alertdialog" aria-labelledby="account-confirm">
          <p id="account-confirm">{pending.kind === 'reset'
            ? `Réinitialiser ${pending.account.username} ? Son mot de passe et ses sessions sont révoqués ; un nouveau code d’activation est émis et le compte doit être validé de nouveau.`
            : pending.kind === 'deactivate' ? `Désactiver ${pending.account.username} ? Ses sessions sont fermées.` : `Réactiver ${pending.account.username} ?`}</p>
          <ul className="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-mt-1w">
            <li><button type="button" className="fr-btn" onClick={confirm}>Confirmer</button></li>
            <li><button type="button" className="fr-btn fr-btn--tertiary" onClick={() => setPending(null)}>Revenir</button></li>
          </ul>
        </div>
      )}
      {!accounts && !error && <p role="status">Chargement…</p>}
      {accounts && (
        <div className="fr-table fr-table--sm"><table data-testid="accounts-table">
          <caption className="fr-sr-only">Comptes</caption>
          <thead><tr><th scope="col">Identifiant</th><th scope="col">Rôle</th><th scope="col">Départements</th><th scope="col">État</th><th scope="col">Actions</th></tr></thead>
          <tbody>
            {accounts.map((a) => (
              <tr key={a.id}>
                <td>{a.username}</td>
                <td>{roleLabels[a.role] ?? a.role}</td>
                <td>{a.departments.join(', ') || '—'}</td>
                <td>{state(a)}</td>
                <td>
                  <button type="button" className="fr-btn fr-btn--sm fr-btn--tertiary fr-mr-1w" onClick={() => setPending({ kind: a.active ? 'deactivate' : 'activate', account: a })}>{a.active ? 'Désactiver' : 'Réactiver'} {a.username}</button>
                  <button type="button" className="fr-btn fr-btn--sm fr-btn--tertiary" onClick={() => setPending({ kind: 'reset', account: a })}>Réinitialiser {a.username}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
    </div>
  );
}
