/**
 * The four criteria of the circular of 12 February 2025 ("villes de sécurité renforcée") and the
 * indicators that stand for them, with their definitions as the screens show them (French), the
 * default parameters of a ranking and the rules the ranking states (coverage, eligibility).
 * Criterion 4 (irregular immigration, communal withdrawal) is never computed nor inferred: Sillage
 * holds no data on persons; only values entered or imported by the prefecture stand for it.
 */
import type { Aggregation } from './aggregate.js';
import type { Normalisation } from './normalise.js';

export const criteria = [1, 2, 3, 4] as const;
export type Criterion = (typeof criteria)[number];

export const criterionLabels: Record<Criterion, string> = {
  1: 'Trafic enraciné',
  2: 'Concentration sur un petit territoire',
  3: 'Troubles récurrents à l’ordre public',
  4: 'Immigration irrégulière et repli communautaire',
};

export const criterionDefinitions: Record<Criterion, string> = {
  1: 'Trafic installé dans la durée : points actifs, part en points chauds persistants ou en intensification, durée de vie moyenne, réouvertures après démantèlement (données Sillage).',
  2: 'Trafic concentré : part des points actifs du département, points par km², concentration entre cellules H3 (données Sillage).',
  3: 'Indicateurs communaux du SSMSI lorsqu’ils sont chargés, sinon indicateurs importés par la préfecture.',
  4: 'Jamais calculé ni déduit par Sillage, qui ne détient aucune donnée sur les personnes : valeur saisie ou importée par la préfecture, avec sa source et sa justification, journalisée.',
};

export type IndicatorSource = 'sillage' | 'ssmsi' | 'prefecture';
export interface IndicatorDefinition { code: string; criterion: Criterion; label: string; definition: string; unit: string; source: IndicatorSource }

/** Months of history behind the reopening count and the emerging hot spot analysis. */
export const historyMonths = 24;

export const computedIndicators: readonly IndicatorDefinition[] = [
  { code: 'active_points', criterion: 1, source: 'sillage', unit: 'points', label: 'Points de deal actifs', definition: 'Nombre de points de deal actifs (actifs ou rouverts) à la date de référence dans le secteur.' },
  { code: 'hot_spot_share', criterion: 1, source: 'sillage', unit: 'part (0 à 1)', label: 'Part en points chauds persistants ou en intensification', definition: `Part des points actifs du secteur situés dans une cellule H3 de résolution 7 classée « point chaud persistant » ou « point chaud en intensification » par l’analyse des points chauds émergents des ${historyMonths} mois précédant la date (Gi* avec 99 permutations, taux de fausses découvertes 5 %, tendance de Mann-Kendall). 0 sans point actif.` },
  { code: 'mean_lifetime_months', criterion: 1, source: 'sillage', unit: 'mois', label: 'Durée de vie moyenne', definition: 'Durée moyenne, en mois, écoulée depuis la première activité connue des points actifs à la date. 0 sans point actif.' },
  { code: 'reopenings', criterion: 1, source: 'sillage', unit: 'réouvertures', label: 'Réouvertures après démantèlement', definition: `Nombre de points passés au statut « rouvert » après un démantèlement dans les ${historyMonths} mois précédant la date.` },
  { code: 'department_share', criterion: 2, source: 'sillage', unit: 'part (0 à 1)', label: 'Part des points actifs du département', definition: 'Points actifs du secteur divisés par les points actifs du département à la date.' },
  { code: 'density_per_km2', criterion: 2, source: 'sillage', unit: 'points / km²', label: 'Points actifs par km²', definition: 'Points actifs à la date divisés par la superficie du secteur (km², sur l’ellipsoïde).' },
  { code: 'cell_gini', criterion: 2, source: 'sillage', unit: 'indice (0 à 1)', label: 'Concentration entre cellules (Gini)', definition: 'Indice de Gini des points actifs entre les cellules H3 de résolution 8 (0,74 km²) qui couvrent le secteur : 0 s’ils sont répartis également, proche de 1 s’ils tiennent dans une seule cellule. 0 sans point actif.' },
];

/** SSMSI communal indicators read as public-order troubles (rate per 1,000 inhabitants, latest year not after the date). */
export const ssmsiPublicOrderIndicators = ['violences_physiques_hors_cadre_familial', 'destructions_et_degradations_volontaires'] as const;

export function ssmsiIndicator(code: string, label: string): IndicatorDefinition {
  return { code: `ssmsi_${code}`, criterion: 3, source: 'ssmsi', unit: 'pour 1 000 habitants', label: `SSMSI : ${label}`, definition: `Taux pour 1 000 habitants de l’indicateur « ${label} » de la base communale du SSMSI, dernière année publiée jusqu’à la date. Une valeur non diffusée par le SSMSI (petits effectifs) est une donnée manquante, jamais un zéro.` };
}

export function prefectureIndicator(code: string, criterion: 3 | 4): IndicatorDefinition {
  return { code, criterion, source: 'prefecture', unit: 'valeur de la préfecture', label: criterion === 4 ? `Critère 4 : ${code}` : `Préfecture : ${code}`, definition: criterion === 4 ? criterionDefinitions[4] : 'Indicateur importé par la préfecture (code, valeur, source, date), dernière version en vigueur ; une valeur plus élevée est lue comme plus préoccupante.' };
}

/** A threshold of the conjunctive rule on one indicator: a fixed minimum, or the median of the department's sectors. */
export type Threshold = { minimum: number } | { median: true };

export interface RankingParameters {
  at: string;
  normalisation: Normalisation;
  aggregation: Aggregation;
  /** Weight of each criterion (any non-negative numbers; scaled to sum to 1). */
  weights: Record<`${Criterion}`, number>;
  /** Conjunctive rule: indicator code -> threshold; an indicator without one is not tested. */
  thresholds: Record<string, Threshold>;
  min_active_points: number;
  monte_carlo: { draws: number; seed: number; weight_spread: number; vary_methods: boolean };
  unstable_rank_width: number;
}

/** The documented defaults of the conjunctive rule. */
export const defaultThresholdNotes = [
  'Critère 1 : au moins 3 points actifs.',
  'Critère 2 : au moins 5 % des points actifs du département.',
  'Critères 3 et 4 : chaque indicateur au moins égal à la médiane des secteurs du département qui en ont une valeur.',
];

export function defaultThresholds(indicators: readonly IndicatorDefinition[]): Record<string, Threshold> {
  const thresholds: Record<string, Threshold> = { active_points: { minimum: 3 }, department_share: { minimum: 0.05 } };
  for (const indicator of indicators) if (indicator.criterion >= 3) thresholds[indicator.code] = { median: true };
  return thresholds;
}

/**
 * Default weights: equal over the criteria that have at least one indicator with a value in the
 * department; 0 for a criterion without any (the screen says so), never a silent zero value.
 */
export function defaultWeights(criteriaWithData: ReadonlySet<Criterion>): Record<`${Criterion}`, number> {
  return { 1: criteriaWithData.has(1) ? 1 : 0, 2: criteriaWithData.has(2) ? 1 : 0, 3: criteriaWithData.has(3) ? 1 : 0, 4: criteriaWithData.has(4) ? 1 : 0 };
}

export const defaultMonteCarlo = { draws: 1000, seed: 20250212, weight_spread: 0.25, vary_methods: true };
export const defaultUnstableRankWidth = 5;

export const coverageRule = 'Couverture : un secteur n’est classé que s’il a une valeur pour chaque indicateur de chaque critère de poids non nul (100 %). Aucune valeur manquante n’est estimée : les secteurs incomplets sont listés à part avec ce qui leur manque.';
export const eligibilityRule = (minimum: number) => `Éligibilité : seuls les secteurs comptant au moins ${minimum} point${minimum > 1 ? 's' : ''} actif${minimum > 1 ? 's' : ''} à la date sont classés ; les autres sont listés comme sans activité.`;
export const monteCarloRule = (p: RankingParameters['monte_carlo'], width: number) => `Incertitude : ${p.draws} tirages (graine ${p.seed}) des poids (chacun multiplié par un facteur uniforme entre ${1 - p.weight_spread} et ${1 + p.weight_spread}, puis ramenés à une somme de 1)${p.vary_methods ? ', de la normalisation (min-max ou rang) et de l’agrégation (arithmétique ou géométrique)' : ''} ; rang médian et intervalle 5-95 % (rang le plus proche). Rang instable : intervalle de plus de ${width} rangs.`;
