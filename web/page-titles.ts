/** Each page's title (the browser tab, and what screen readers announce first) and the sign-in return. */
const titles: [RegExp, string][] = [
  [/^\/signaler\/suivi/, 'Suivi d’un signalement'],
  [/^\/signaler/, 'Signaler un point de deal'],
  [/^\/compte\/jetons/, 'Jetons d’accès'],
  [/^\/statistiques/, 'Statistiques publiques'],
  [/^\/activer/, 'Activer mon compte'],
  [/^\/comptes/, 'Comptes à valider'],
  [/^\/connexion/, 'Connexion'],
  [/^\/moderation/, 'Signalements à modérer'],
  [/^\/fiabilite/, 'Fiabilité des sources'],
  [/^\/doublons/, 'Doublons probables'],
  [/^\/admin\/comptes/, 'Comptes (administration)'],
  [/^\/admin\/journal/, 'Journal des accès'],
  [/^\/imports$/, 'Imports'],
  [/^\/points$/, 'Points de deal'],
  [/^\/operations$/, 'Opérations'],
  [/^\/operations\/\d+$/, 'Analyse d’une opération'],
  [/^\/etat-de-la-menace/, 'État de la menace'],
  [/^\/instantanes\/I-/, 'Instantané'],
  [/^\/instantanes/, 'Instantanés'],
  [/^\/secteurs/, 'Secteurs'],
  [/^\/plan-d-action/, 'Plan d’action'],
  [/^\/accessibilite$/, 'Déclaration d’accessibilité'],
  [/^\/mentions-legales$/, 'Mentions légales'],
  [/^\/donnees-personnelles$/, 'Données personnelles'],
  [/^\/carte/, 'Carte des points de deal'],
];

/** "<page> — Sillage"; `/` is the map once signed in, the home page otherwise. */
export function pageTitle(path: string, signedIn: boolean): string {
  const page = path === '/' ? (signedIn ? 'Carte des points de deal' : 'Accueil') : titles.find(([pattern]) => pattern.test(path))?.[1] ?? 'Page introuvable';
  return `${page} — Sillage`;
}

/** Where the sign-in form sends the user back: a path of this site only, never another origin. */
export function safeReturnPath(value: string | null): string | null {
  if (!value?.startsWith('/') || value.startsWith('//') || value.includes('\\') || /[\s]/.test(value)) return null;
  if (value.startsWith('/connexion')) return null;
  return value;
}

export function signInHref(returnPath: string): string {
  return returnPath === '/' ? '/connexion' : `/connexion?suite=${encodeURIComponent(returnPath)}`;
}
