/** Types of the prefect's desk API (sectors, rankings, action plans), as the pages read them. */
import { frenchNumber } from '../format';
export interface Indicator { code: string; criterion: 1 | 2 | 3 | 4; label: string; definition: string; unit: string; source: string }
export interface Conjunctive { qualifies: boolean; criteria: Record<string, 'pass' | 'fail' | 'missing' | 'not_tested'> }
export interface RankedSector {
  code: string; name: string; rank: number; score: number;
  criteria: { criterion: number; weight: number; score: number | null; contribution: number }[];
  indicators: { code: string; criterion: number; raw: number | null; normalised: number | null }[];
  monte_carlo: { median: number; p5: number; p95: number; unstable: boolean } | null;
  conjunctive: Conjunctive;
}
export interface ExcludedSector { code: string; name: string; reason: 'inactive' | 'missing'; missing: string[]; conjunctive: Conjunctive | null }
export type Threshold = { minimum: number } | { median: true };
export interface Parameters {
  at: string; normalisation: 'min_max' | 'rank'; aggregation: 'arithmetic' | 'geometric'; weights: Record<string, number>;
  thresholds: Record<string, Threshold>; min_active_points: number; monte_carlo: { draws: number; seed: number; weight_spread: number; vary_methods: boolean }; unstable_rank_width: number;
}
export interface Supplied { value: number; source: string; observed_on: string; justification: string | null; version: number }
export interface RankingResponse {
  department: string; kind: string; parameters: Parameters; data_vintage: Record<string, unknown>;
  result: { ranked: RankedSector[]; excluded: ExcludedSector[]; qualifying: string[]; weights: Record<string, number>; thresholds: Record<string, number | null>; rules: string[]; indicators: Indicator[]; supplied: Record<string, Record<string, Supplied>> };
  criteria: { criterion: number; label: string; definition: string; has_data: boolean }[];
  threshold_notes: string[];
}
export interface SavedRankingSummary { id: number; department_code: string; title: string; sector_kind: string; sha256: string; created_at: string; created_by: string | null; ranked: number }
export interface SavedRanking extends RankingResponse { id: number; title: string; sha256: string; created_at: string; sector_kind: string; department_code: string; hash_verified?: boolean }
export interface Comparison { a: { id: number; title: string }; b: { id: number; title: string }; sectors: { code: string; name: string; rank_a: number | null; rank_b: number | null; change: number | null }[] }
export interface SectorCollection { type: 'FeatureCollection'; features: { type: 'Feature'; id: string; geometry: GeoJSON.Geometry | null; properties: { code: string; name: string; population: number | null; area_km2: number } }[] }

export interface FollowedIndicator { code: string; label: string; target: 'at_most' | 'at_least' }
export interface Plan {
  id: number; department_code: string; ranking_id: number; title: string; first_semester: string; school_radius_m: number; created_at: string; created_by: string | null;
  sectors: { position: number; sector_code: string; sector_name: string; objective: string; targets: Record<string, number> }[];
  reviews: { id: number; semester: string; note: string | null; created_at: string; created_by: string | null }[];
  indicators: FollowedIndicator[];
}
export interface PlanSummary { id: number; title: string; department_code: string; ranking_id: number; first_semester: string; created_at: string; sectors: number; reviews: number }
export interface Review {
  semester: string; from: string; to: string; measured_on: string; school_radius_m: number;
  sectors: { position: number; code: string; name: string; objective: string;
    indicators: { code: string; label: string; target_reads: 'at_most' | 'at_least'; measured: number | null; target: number | null; status: 'met' | 'not_met' | 'no_target' | 'no_value' }[];
    schools: { uai: string; name: string; distance_m: number }[] }[];
}

export const criterionNames: Record<string, string> = {
  1: 'Trafic enraciné', 2: 'Concentration', 3: 'Troubles à l’ordre public', 4: 'Immigration irrégulière et repli communautaire',
};
export const kindLabels: Record<string, string> = { commune: 'Communes', arrondissement: 'Arrondissements (Paris, Lyon, Marseille)', h3: 'Cellules H3 (rés. 7, ~5 km²)', area: 'Zones dessinées ou importées' };

export const number = frenchNumber;

/** The departments a principal works on: its own, or a typed one for national roles. */
export function defaultDepartment(departments: string[]): string { return departments[0] ?? '84'; }
