/**
 * The typed client: each GET route the pages read, with its answer's type taken from the server's
 * own response schema (`Static<>` of server/schemas/*: the schema that validates the answer in the
 * API tests is the type the page reads). Paths are written as the server declares them
 * (`/api/communes/:insee`); parameters and query strings are encoded here, in one place.
 */
import type { Static } from 'typebox';
import type { Cube, Series } from '../../server/schemas/aggregates';
import type { DepartmentWake, DepartmentWakes, Job, OperationSummary, SizeClassShift, Watchlist } from '../../server/schemas/analyses';
import type { SnapshotDocumentSchema, SnapshotSummary, ThreatReportSchema } from '../../server/schemas/snapshots';
import type { CandidateList, DecisionList, FormToken, Queue, ReasonList, ReceiptStatus, Surroundings } from '../../server/schemas/moderation';
import type { MergeList, Pair, ProposalList } from '../../server/schemas/duplicates';
import type { ImportRun } from '../../server/schemas/imports';
import type { AccountList, Me, PendingList, TokenList } from '../../server/schemas/accounts';
import type { GroupedAudit } from '../../server/schemas/audit';
import type { Reliability } from '../../server/schemas/reliability';
import type { ListOf } from '../../server/schemas/common';
import type { RankingComparison, RankingList, SavedRanking, Sectors } from '../../server/schemas/rankings';
import type { Plan, PlanList, SemesterReview } from '../../server/schemas/action-plans';
import type { SectorTrend } from '../../server/schemas/sectors';
import type { ActivePoints, IndicatorItems, NationalItems, DepartmentItems } from '../../server/schemas/statistics';
import type { Health } from '../../server/schemas/system';
import type { DealPointCollection, DealPointFeature } from '../../server/schemas/deal-points';
import type { Observation, OperationCollection, OperationFeature } from '../../server/schemas/records';
import type { CommuneAt, CommuneUnion, CommuneFeature, CommuneList, DepartmentFeature, DepartmentList, DepartmentOutlines, ServiceList, SizeClassList } from '../../server/schemas/geography';
import { api } from './client';
import { routeUrl, type Query } from './route-url';

export interface GetRoutes {
  '/api/aggregates/deal-points/cube': Static<typeof Cube>;
  '/api/aggregates/deal-points/series': Static<typeof Series>;
  '/api/analyses/watchlist': Static<typeof Watchlist>;
  '/api/analyses/operations/:id': Static<typeof OperationSummary>;
  '/api/analyses/size-class-shift': Static<typeof SizeClassShift>;
  '/api/analyses/jobs/:id': Static<typeof Job>;
  '/api/analyses/department-wakes': Static<typeof DepartmentWakes>;
  '/api/analyses/operations/:id/department-wake': Static<typeof DepartmentWake>;
  '/api/statistics/active-points': Static<typeof ActivePoints>;
  '/api/health': Static<typeof Health>;
  '/api/communes': Static<typeof CommuneList>;
  '/api/communes/:insee': Static<typeof CommuneFeature>;
  '/api/communes/union': Static<typeof CommuneUnion>;
  '/api/communes/at': Static<typeof CommuneAt>;
  '/api/departments': Static<typeof DepartmentList>;
  '/api/departments/:code': Static<typeof DepartmentFeature>;
  '/api/departments/outlines': Static<typeof DepartmentOutlines>;
  '/api/size-classes': Static<typeof SizeClassList>;
  '/api/deal-points': Static<typeof DealPointCollection>;
  '/api/deal-points/:id': Static<typeof DealPointFeature>;
  '/api/observations': { items: Static<typeof Observation>[]; next: number | null };
  '/api/operations': Static<typeof OperationCollection>;
  '/api/operations/:id': Static<typeof OperationFeature>;
  '/api/statistics/indicators': Static<typeof IndicatorItems>;
  '/api/statistics/national': Static<typeof NationalItems>;
  '/api/statistics/departments': Static<typeof DepartmentItems>;
  '/api/sectors': Static<typeof Sectors>;
  '/api/sectors/trend': Static<typeof SectorTrend>;
  '/api/sectors/rankings': Static<typeof RankingList>;
  '/api/sectors/rankings/:id': Static<typeof SavedRanking>;
  '/api/sectors/rankings/:id/compare/:other': Static<typeof RankingComparison>;
  '/api/action-plans': Static<typeof PlanList>;
  '/api/action-plans/:id': Static<typeof Plan>;
  '/api/action-plans/:id/review': Static<typeof SemesterReview>;
  '/api/services': Static<typeof ServiceList>;
  '/api/snapshots': { items: Static<typeof SnapshotSummary>[] };
  '/api/snapshots/:id': Static<typeof SnapshotDocumentSchema>;
  '/api/threat-reports': { items: Static<typeof SnapshotSummary>[] };
  '/api/threat-reports/:id': Static<typeof ThreatReportSchema>;
  '/api/public/form-token': Static<typeof FormToken>;
  '/api/public/reports/:receipt': Static<typeof ReceiptStatus>;
  '/api/moderation/reports': Static<typeof Queue>;
  '/api/moderation/reasons': Static<typeof ReasonList>;
  '/api/moderation/reports/:id/history': Static<typeof DecisionList>;
  '/api/moderation/reports/:id/surroundings': Static<typeof Surroundings>;
  '/api/moderation/candidates': Static<typeof CandidateList>;
  '/api/duplicates': Static<typeof ProposalList>;
  '/api/duplicates/pair': Static<typeof Pair>;
  '/api/duplicates/merges': Static<typeof MergeList>;
  '/api/imports': Static<ReturnType<typeof ListOf<typeof ImportRun>>>;
  '/api/auth/me': Static<typeof Me>;
  '/api/auth/tokens': Static<typeof TokenList>;
  '/api/admin/users': Static<typeof AccountList>;
  '/api/admin/audit/grouped': Static<typeof GroupedAudit>;
  '/api/accounts/pending': Static<typeof PendingList>;
  '/api/registry/reliability': Static<typeof Reliability>;
  '/api/snapshots/defaults': { constituency: { insee: string; name: string; department_code: string }[] };
}

/** The `:name` parameters of a path. */
export type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}` ? Name | ParamNames<`/${Rest}`> : P extends `${string}:${infer Name}` ? Name : never;
type Options<P extends string> = [ParamNames<P>] extends [never] ? { query?: Query } : { params: Record<ParamNames<P>, string | number>; query?: Query };

/** GET a route the client knows, with its answer typed by the server's schema. */
export function get<P extends keyof GetRoutes>(path: P, ...[options]: [ParamNames<P>] extends [never] ? [Options<P>?] : [Options<P>]): Promise<GetRoutes[P]> {
  return api<GetRoutes[P]>(routeUrl(path, options as { params?: Record<string, string | number>; query?: Query }));
}
