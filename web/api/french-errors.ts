/**
 * The API speaks English (its contract: `{error, message, details}`); the interface says it in
 * French: a sentence per error code, and for bad input the field and the reason translated.
 */
import { operationKindLabels, productLabels, roleLabels, sizeClassLabels, sourceLabels, statusLabels } from '../labels.js';

export interface Problem { field: string; reason: string; line?: number }

const codeMessages: Record<string, string> = {
  bad_credentials: 'Identifiant inconnu ou mot de passe erroné.',
  rate_limited: 'Trop de tentatives : réessayez plus tard, ou depuis un navigateur où vous vous êtes déjà connecté.',
  bad_activation: 'Identifiant inconnu, ou code d’activation erroné ou expiré.',
  database_unavailable: 'La base de données est momentanément indisponible : réessayez dans quelques secondes.',
  not_found: 'Introuvable (inexistant, ou hors de votre périmètre).',
  awaiting_approval: 'Ce compte attend la validation d’un analyste (OFAST ou CROSS de son département) avant d’ouvrir des données.',
  unauthenticated: 'Session absente ou expirée : reconnectez-vous.',
  forbidden: 'Votre rôle ne permet pas cette action.',
  out_of_scope: 'Ce département est hors de votre périmètre : ni données précises ni analyse n’y sont disponibles (la carte ne le montre qu’en hexagones agrégés).',
  csrf: 'Jeton de sécurité manquant : rechargez la page.',
  version_conflict: 'Cet enregistrement a été modifié entre-temps : rechargez-le, puis refaites votre modification.',
  still_referenced: 'Cet enregistrement est encore utilisé par d’autres : il ne peut pas être supprimé.',
  already_undone: 'Cette fusion a déjà été annulée.',
  merged_candidate: 'Ce point candidat a absorbé un autre point par une fusion : annulez d’abord la fusion.',
  later_merges: 'Annulez d’abord les fusions plus récentes de ce point.',
  already_moderated: 'Ce signalement a déjà été traité.',
  not_moderated: 'Ce signalement est en attente : il n’y a rien à annuler.',
  too_late: 'Cette décision a été prise un jour précédent : elle ne peut être annulée que le jour même.',
  has_merged_reports: 'D’autres signalements ont été rattachés à celui-ci : annulez d’abord leurs décisions.',
  bad_token: 'Jeton d’accès inconnu, expiré ou révoqué.',
  read_only_token: 'Un jeton d’accès ne permet que la lecture : connectez-vous pour modifier.',
  too_fine: 'Cette résolution est plus fine que ce que votre rôle permet ici.',
  min_sources_not_allowed: 'Le filtre par nombre de sources est réservé aux analystes et aux préfets : les agrégats de votre rôle comptent tous les points actifs.',
  too_many_tokens: 'Trop de jetons actifs sur ce compte : révoquez-en un d’abord.',
  bad_url: 'Adresse invalide.',
  range_not_satisfiable: 'Partie de fichier demandée hors du fichier.',
  internal_error: 'Erreur du serveur ; elle a été consignée. Réessayez plus tard.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Demande trop volumineuse.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Type de contenu non accepté.',
};

/** Codes whose message names a field: told as « field » : reason. */
const fieldCodes = new Set(['validation_error', 'invalid_input', 'unprocessable', 'constraint_violation', 'invalid_value', 'unknown_reference', 'duplicate']);

const fieldNames: Record<string, string> = {
  name: 'nom', label: 'libellé', started_on: 'date de début', ended_on: 'date de fin', location: 'position', target: 'zone ciblée',
  external_id: 'référence externe', version: 'version', status: 'statut', username: 'identifiant', password: 'mot de passe', role: 'rôle',
  departments: 'départements', department: 'département', kind: 'type', source: 'source', products: 'produits', observed_on: 'date d’observation',
  description: 'description', resolution: 'résolution', from: 'début', to: 'fin', month: 'mois', bbox: 'emprise', id: 'identifiant',
  commune: 'commune', insee: 'code INSEE', effective_on: 'date d’effet', operation_id: 'opération', deal_point_id: 'point de deal',
  network_id: 'réseau', code: 'code', comment: 'commentaire', reason: 'motif', title: 'titre', area: 'zone', year: 'année',
  file: 'fichier', body: 'demande', 'content-type': 'type de contenu', url: 'adresse', activity_level: 'niveau d’activité',
  arrests: 'interpellations', officers_mobilised: 'effectifs mobilisés', cannabis_seized_kg: 'cannabis saisi (kg)', cocaine_seized_kg: 'cocaïne saisie (kg)',
  cash_seized_eur: 'numéraire saisi (€)', weapons_seized: 'armes saisies', estimated_daily_transactions: 'transactions quotidiennes estimées',
  commune_insee: 'code INSEE', department_code: 'département', status_history: 'historique des statuts', coordinates: 'coordonnées',
  geometry: 'géométrie', polygon: 'polygone', justification: 'justification', weights: 'pondérations', value: 'valeur', product: 'produit',
  buffer_m: 'rayon', radius_m: 'rayon', placebo: 'test placebo', expires_at: 'date d’expiration', indicator: 'indicateur', limit: 'nombre maximal',
};

const types: Record<string, string> = {
  string: 'un texte', integer: 'un nombre entier', number: 'un nombre', boolean: 'vrai ou faux', array: 'une liste', object: 'un objet', null: 'vide',
};

const codeWords: Record<string, string> = { ...sizeClassLabels, ...statusLabels, ...productLabels, ...sourceLabels, ...roleLabels, ...operationKindLabels };

const reasons: [RegExp, (...groups: string[]) => string][] = [
  [/^is required$/, () => 'est obligatoire'],
  [/^is not a known property$/, () => 'n’est pas un champ connu'],
  [/^must be one of: (.+)$/, (values) => `doit être l’une des valeurs : ${values.split(', ').map((value) => codeWords[value] ?? value.replace(/_/g, ' ')).join(', ')}`],
  [/^must be equal to one of the allowed values$/, () => 'n’est pas une des valeurs permises'],
  [/^must be (>=|<=|>|<) (.+)$/, (op, value) => `doit être ${({ '>=': '≥', '<=': '≤', '>': '>', '<': '<' } as Record<string, string>)[op]} ${value}`],
  [/^must NOT have more than (\d+) characters?$/, (n) => `ne doit pas dépasser ${n} caractères`],
  [/^must NOT have fewer than (\d+) characters?$/, (n) => `doit compter au moins ${n} caractère${n === '1' ? '' : 's'}`],
  [/^must NOT have more than (\d+) items?$/, (n) => `ne doit pas compter plus de ${n} éléments`],
  [/^must NOT have fewer than (\d+) items?$/, (n) => `doit compter au moins ${n} élément${n === '1' ? '' : 's'}`],
  [/^must match format "date"$/, () => 'doit être une date AAAA-MM-JJ'],
  [/^must match format "date-time"$/, () => 'doit être une date et une heure'],
  [/^must match format "(.+)"$/, (format) => `n’a pas le format attendu (${format})`],
  [/^must match pattern .*$/, () => 'n’a pas la forme attendue'],
  [/^must be (string|integer|number|boolean|array|object|null)(,(string|integer|number|boolean|array|object|null))*$/, (type) => `doit être ${types[type]}`],
  [/^must match a schema in anyOf$|^must match exactly one schema in oneOf$/, () => 'n’a pas la forme attendue'],
  [/^already exists$/, () => 'existe déjà'],
  [/^is already used by another (deal point|operation|network) from this source$/, (what) => `est déjà utilisé par ${({ 'deal point': 'un autre point de deal', operation: 'une autre opération', network: 'un autre réseau' } as Record<string, string>)[what]} de cette source`],
  [/^unknown id$/, () => 'identifiant inconnu'],
  [/^expected (\d+)$/, (version) => `la version actuelle est la ${version}`],
  [/^is not an accepted value.*$/, () => 'n’est pas une valeur acceptée'],
  [/^refers to a record that does not exist$/, () => 'désigne un enregistrement qui n’existe pas'],
  [/^is not inside any French commune.*$/, () => 'n’est dans aucune commune française (en mer, à l’étranger, ou hors des données de référence)'],
  [/^is outside France's extents$/, () => 'est hors de France'],
  [/^is not inside any French department$/, () => 'n’est dans aucun département français'],
  [/^is not a valid, non-empty area$/, () => 'n’est pas une zone valide et non vide'],
  [/^must not be before started_on$/, () => 'ne doit pas précéder la date de début'],
  [/^unknown (operation|deal point|network)$/, (what) => ({ operation: 'opération inconnue', 'deal point': 'point de deal inconnu', network: 'réseau inconnu' } as Record<string, string>)[what]],
  [/^this source already has an observation of this deal point on this date$/, () => 'cette source a déjà une observation de ce point à cette date'],
  [/^is larger than the (\d+) bytes allowed$/, (bytes) => `dépasse la taille permise (${Number(bytes).toLocaleString('fr-FR')} octets)`],
  [/^is invalid$/, () => 'n’est pas valide'],
];

/** A field path (`body.status_history.0.operation_id`) as the words of its last named part. */
export function frenchField(field: string): string {
  const parts = field.split('.').filter((part) => !['body', 'querystring', 'params', 'headers', 'request'].includes(part) && !/^\d+$/.test(part));
  const last = parts[parts.length - 1] ?? field;
  return fieldNames[last] ?? last.replace(/_/g, ' ');
}

/** A reason the API gives for a field, in French; an unknown one is kept, marked as a technical detail. */
export function frenchReason(reason: string): string {
  for (const [pattern, say] of reasons) {
    const match = pattern.exec(reason);
    if (match) return say(...match.slice(1));
  }
  return `valeur refusée (détail technique : ${reason})`;
}

export function frenchProblem(problem: Problem): string {
  return `${problem.line !== undefined ? `ligne ${problem.line}, ` : ''}« ${frenchField(problem.field)} » ${frenchReason(problem.reason)}`;
}

/** The sentence shown for an API error. */
export function frenchMessage(code: string | undefined, status: number, message: string, details: Problem[] = []): string {
  if (code && fieldCodes.has(code) && details.length > 0) {
    const more = details.length > 1 ? ` (et ${details.length - 1} autre${details.length > 2 ? 's' : ''} problème${details.length > 2 ? 's' : ''})` : '';
    const lead = code === 'duplicate' ? 'Déjà enregistré' : code === 'unknown_reference' ? 'Référence inconnue' : 'Saisie refusée';
    return `${lead} : ${frenchProblem(details[0])}${more}.`;
  }
  if (code && codeMessages[code]) return codeMessages[code];
  if (status === 429) return codeMessages.rate_limited;
  if (status === 413) return codeMessages.FST_ERR_CTP_BODY_TOO_LARGE;
  if (status === 404) return codeMessages.not_found;
  if (status >= 500) return `Erreur du serveur (${status}) : réessayez plus tard.`;
  return `Demande refusée (${status}) : ${message}`;
}

/** Every code with its own sentence (tests check that the server emits no other). */
export const frenchErrorCodes = [...Object.keys(codeMessages), ...fieldCodes];
