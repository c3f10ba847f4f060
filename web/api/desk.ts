/** Types of the prefect's desk API (sectors, rankings, action plans), as the pages read them. */
import { frenchNumber } from '../format';
import type { Static } from 'typebox';
import type { ComputedRanking, IndicatorDefinition, RankingComparison, RankingList, RankingParameters, RankingResult, SavedRanking as SavedRankingSchema, Sectors } from '../../server/schemas/rankings';
import type { SectorKind as SectorKindSchema } from '../../server/schemas/sectors';
import type { Plan as PlanSchema, PlanSummary as PlanSummarySchema, SemesterReview } from '../../server/schemas/action-plans';

// The desk's answers, typed by the server's own response schemas (server/schemas/rankings.ts and
// action-plans.ts): a field the server does not send is a compile error in the page that reads it.
export type Indicator = Static<typeof IndicatorDefinition>;
export type RankedSector = Static<typeof RankingResult>['ranked'][number];
export type ExcludedSector = Static<typeof RankingResult>['excluded'][number];
export type Conjunctive = RankedSector['conjunctive'];
export type Parameters = Static<typeof RankingParameters>;
export type Threshold = Parameters['thresholds'][string];
export type Supplied = Static<typeof RankingResult>['supplied'][string][string];
export type RankingResponse = Static<typeof ComputedRanking>;
export type SavedRankingSummary = Static<typeof RankingList>['items'][number];
export type SavedRanking = Static<typeof SavedRankingSchema>;
export type Comparison = Static<typeof RankingComparison>;
export type SectorCollection = Static<typeof Sectors>;
export type SectorKind = Static<typeof SectorKindSchema>;
export type Plan = Static<typeof PlanSchema>;
export type FollowedIndicator = Plan['indicators'][number];
export type PlanSummary = Static<typeof PlanSummarySchema>;
export type Review = Static<typeof SemesterReview>;

export const criterionNames: Record<string, string> = {
  1: 'Trafic enraciné', 2: 'Concentration', 3: 'Troubles à l’ordre public', 4: 'Immigration irrégulière et repli communautaire',
};
export const kindLabels: Record<SectorKind, string> = { commune: 'Communes', arrondissement: 'Arrondissements (Paris, Lyon, Marseille)', h3: 'Cellules H3 (rés. 7, ~5 km²)', area: 'Zones dessinées ou importées' };

export const number = frenchNumber;

/** The departments a principal works on: its own, or a typed one for national roles. */
export function defaultDepartment(departments: string[]): string { return departments[0] ?? '84'; }
