/**
 * The annual threat report ("état de la menace", measure 4 of the 2019 plan) as stored (pure): a
 * scope (France or a department), a year, and figures either precise (analysts and prefects of the
 * department, OFAST) or aggregated at the deputies' level ("< 5", perturbed counts, readings without counts).
 */
import type { Published } from './document.js';

export const threatMethodVersion = 'sillage-etat-menace-1.0';

export type Precision = 'precise' | 'aggregated';

export interface ThreatParameters { scope: string; year: number; precision: Precision }

export interface ThreatOperation {
  name: string; department_code: string; started_on: string; ended_on: string | null;
  reading: string; reading_label: string;
  /** Precise only: the reading in full, WDQ and net effect. */
  text: string | null; wdq: number | null; total_net_effect: number | null;
  destinations: string[];
}

export interface ThreatReportData {
  scope_label: string;
  months: string[];
  series: { key: string; label: string; values: Published[] }[];
  events: { dismantled: Published; reopened: Published; appeared: Published };
  operations: ThreatOperation[];
  size_classes: { code: string; label: string; january: Published; december: Published }[];
  watch: { towns: { name: string; insee: string; department: string; active: Published }[]; resurgences: number | null };
  reports: { received: Published; accepted: Published };
  indicators: { scope: string; name: string; indicator: string; count: number | null; rate_per_1000: number | null }[];
  hot_spots: string;
  disclosure: string;
}

export interface ThreatReportDocument {
  format: 'sillage-etat-de-la-menace';
  id: string; created_at: string; method_version: string;
  parameters: ThreatParameters;
  data: ThreatReportData;
  sha256: string;
}

export const readingLabels: Record<string, string> = {
  indefini: 'effet indéfini', pas_d_effet: 'pas d’effet mesurable', diffusion: 'diffusion des bénéfices', deplacement: 'déplacement', effet_local: 'effet local',
};

export function threatMethodParagraphs(precision: Precision): string[] {
  return [
    'Points actifs : points dont le statut était « actif » ou « rouvert » au moins un jour du mois ; démantèlements, réouvertures et apparitions : changements de statut datés dans l’année.',
    'Opérations : celles qui ont commencé dans l’année. Leur lecture (effet, sillage) suit la méthode des analyses d’opération de Sillage : quotient de déplacement pondéré (Bowers et Johnson, 2003), différence pondérée (Wheeler et Ratcliffe, 2018), test de Knox par permutations et villes de destination (Poisson, Benjamini-Hochberg).',
    'Taille des communes : points actifs en janvier et en décembre par classe de taille (métropoles, grandes villes, villes moyennes, petites villes, communes rurales).',
    'Veille des villes moyennes (mesure 22) : villes moyennes et petites villes à moins de 100 km d’une opération des 12 derniers mois dont les points actifs ont augmenté d’au moins 2 (test de Poisson, p < 0,05).',
    precision === 'aggregated'
      ? 'Version agrégée (députés) : effectifs de 1 à 4 affichés « < 5 », autres perturbés de −2 à +2 (méthode de la clé de cellule) ; opérations terminées seulement, lues sans effectifs ; villes de la veille citées seulement quand elles comptent au moins 5 points publiés.'
      : 'Version précise (analystes et préfecture du département) : effectifs exacts. À ne pas diffuser hors des services habilités.',
  ];
}
