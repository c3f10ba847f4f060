/**
 * The controlled vocabularies shared by the API schemas and the importers. The database holds the
 * same lists in its CHECK constraints and reference tables (db/migrations), which stay the last word.
 */
export const serviceCodes = ['police_nationale', 'gendarmerie', 'police_municipale', 'douane', 'bailleur_social', 'transport', 'signalement_public'] as const;
export const productCodes = ['cannabis_resine', 'cannabis_herbe', 'cocaine', 'crack', 'heroine', 'drogues_synthetiques', 'medicaments_detournes', 'autre'] as const;
export const operationKindCodes = ['place_nette', 'operation_ampleur', 'operation_ciblee', 'autre'] as const;
export const datasetCodes = ['real', 'synthetic'] as const;
/** Reasons for rejecting a report, as the moderation screen lists them. */
export const rejectionReasons = {
  sans_activite: 'Lieu sans activité constatée', information_insuffisante: 'Information insuffisante', hors_sujet: 'Hors sujet (pas un point de deal)',
  lieu_imprecis: 'Lieu trop imprécis', deja_connu: 'Déjà connu et traité', abusif: 'Signalement abusif', autre: 'Autre motif',
} as const;
