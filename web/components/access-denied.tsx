/**
 * A page the user may not open: signed-out visitors are sent to the sign-in form, which brings
 * them back here; signed-in users are told who may open it and what their own role is.
 */
import { useEffect } from 'react';
import { roleLabels, type Me } from '../api/client';
import { signInHref } from '../page-titles';

export function AccessDenied({ me, audience }: { me: Me; audience: string }) {
  const signedIn = Boolean(me.user);
  const signIn = signInHref(`${location.pathname}${location.search}`);
  useEffect(() => { if (!signedIn) location.replace(signIn); }, [signedIn, signIn]);
  if (!me.user) {
    return (
      <div>
        <h1>Connexion nécessaire</h1>
        <p role="status">Cette page est réservée {audience}. <a href={signIn}>Se connecter</a> pour l’ouvrir.</p>
      </div>
    );
  }
  return (
    <div>
      <h1>Accès réservé</h1>
      <div className="fr-alert fr-alert--warning fr-mb-3w" role="alert">
        <p>Cette page est réservée {audience}. Votre compte <strong>{me.user.username}</strong> ({roleLabels[me.user.role] ?? me.user.role}) n’y a pas accès.</p>
      </div>
      <p><a className="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/">Retour à l’accueil</a></p>
    </div>
  );
}

export function NotFoundPage() {
  return (
    <div>
      <h1>Page introuvable</h1>
      <p className="fr-text--lead">La page que vous cherchez est introuvable. Excusez-nous pour la gêne occasionnée.</p>
      <p>Si vous avez tapé l’adresse, vérifiez qu’elle est correcte. La page n’est peut-être plus disponible.</p>
      <ul className="fr-btns-group fr-btns-group--inline-md">
        <li><a className="fr-btn" href="/">Page d’accueil</a></li>
      </ul>
    </div>
  );
}
