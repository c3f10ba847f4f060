/**
 * The one dictionary of the French words shown for the API's codes (roles, sources, statuses,
 * products, operation kinds, commune size classes): pages never show a raw code such as
 * `police_nationale` or `departmental_analyst`.
 */
export const roleLabels: Record<string, string> = {
  national_analyst: 'Analyste national (OFAST)', departmental_analyst: 'Analyste départemental (CROSS)', prefect: 'Préfecture',
  deputy: 'Député', admin: 'Administrateur', public: 'Public',
};
export const sourceLabels: Record<string, string> = {
  police_nationale: 'Police nationale', gendarmerie: 'Gendarmerie nationale', police_municipale: 'Police municipale', douane: 'Douane',
  bailleur_social: 'Bailleur social', transport: 'Opérateur de transport', signalement_public: 'Signalement public',
};
export const statusLabels: Record<string, string> = { active: 'actif', dismantled: 'démantelé', reopened: 'rouvert' };
export const productLabels: Record<string, string> = {
  cannabis_resine: 'résine de cannabis', cannabis_herbe: 'herbe de cannabis', cocaine: 'cocaïne', crack: 'crack', heroine: 'héroïne',
  drogues_synthetiques: 'drogues de synthèse', medicaments_detournes: 'médicaments détournés', autre: 'autre',
};
export const operationKindLabels: Record<string, string> = { place_nette: 'Place nette', operation_ampleur: 'Opération d’ampleur', operation_ciblee: 'Opération ciblée', autre: 'Autre' };
export const sizeClassLabels: Record<string, string> = {
  metropole: 'métropole', grande_ville: 'grande ville', ville_moyenne: 'ville moyenne', petite_ville: 'petite ville', rural: 'commune rurale',
};

/** The French word for `code` in `dictionary`; an unknown code is shown as words, never with underscores. */
export function frenchLabel(dictionary: Record<string, string>, code: string | null | undefined): string {
  if (code === null || code === undefined || code === '') return '—';
  return dictionary[code] ?? code.replace(/_/g, ' ');
}
