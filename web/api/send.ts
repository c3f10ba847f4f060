/**
 * The typed client's writes: each POST, PUT, PATCH and DELETE route the pages call, keyed
 * "METHOD path" as the server declares it, with its body typed by the server's body schema and its
 * answer by its response schema (`Static<>` of server/schemas/*). A route without a body takes
 * none; a 204 answers null.
 */
import type { Static, TSchema } from 'typebox';
import type { ActivateBody, ActiveAccount, ActiveBody, Activation, ApprovedAccount, CreatedToken, AccessToken, InviteBody, Invited, Me, SignInBody, TokenBody } from '../../server/schemas/accounts';
import type { AcceptBody, AcceptedReport, ConfirmedCandidate, DiscardBody, DiscardedCandidate, MergeBody as ReportMergeBody, RejectBody, Report, ReportBody, ReportReceipt, UndoneReport } from '../../server/schemas/moderation';
import type { Distinct, DistinctBody, MergeBody, Merged, UndoneMerge } from '../../server/schemas/duplicates';
import type { HotSpotBody, JobStarted } from '../../server/schemas/analyses';
import type { ConstituencyBody, ConstituencySet, PngDownload, SnapshotCreate, SnapshotDocumentSchema, ThreatReportBody, ThreatReportSchema } from '../../server/schemas/snapshots';
import type { CriterionFourBody, AreaCollection, ImportCounts, PlanBody, RankingBody, ReviewBody, SaveRankingBody, SavedAreas, ValuesReport } from '../../server/schemas/sectors';
import type { ImportPreview, ImportReport } from '../../server/schemas/imports';
import type { ComputedRanking, SavedRankingCreated } from '../../server/schemas/rankings';
import type { Plan, SavedReview } from '../../server/schemas/action-plans';
import type { DealPointCreate, DealPointFeature, DealPointUpdate, StatusChange } from '../../server/schemas/deal-points';
import type { Observation, ObservationCreate, ObservationUpdate, OperationCreate, OperationFeature, OperationUpdate } from '../../server/schemas/records';
import { api, apiText } from './client';
import { routeUrl, type Query } from './route-url';
import type { ParamNames } from './routes';

/** A write: its body schema (none: `never`) and its answer's schema (none, a 204: null). */
interface Write<Body extends TSchema | never, Answer extends TSchema | null> { body: [Body] extends [never] ? never : Static<Body>; answer: Answer extends TSchema ? Static<Answer> : null }

export interface SendRoutes {
  'POST /api/auth/sign-in': Write<typeof SignInBody, typeof Me>;
  'POST /api/auth/activate': Write<typeof ActivateBody, null>;
  'POST /api/auth/sign-out': Write<never, null>;
  'POST /api/auth/tokens': Write<typeof TokenBody, typeof CreatedToken>;
  'DELETE /api/auth/tokens/:id': Write<never, typeof AccessToken>;
  'POST /api/admin/users': Write<typeof InviteBody, typeof Invited>;
  'POST /api/admin/users/:id/activation': Write<never, typeof Activation>;
  'PATCH /api/admin/users/:id': Write<typeof ActiveBody, typeof ActiveAccount>;
  'PUT /api/admin/users/:id/constituency': Write<typeof ConstituencyBody, typeof ConstituencySet>;
  'POST /api/accounts/:id/approve': Write<never, typeof ApprovedAccount>;
  'POST /api/public/reports': Write<typeof ReportBody, typeof ReportReceipt>;
  'POST /api/moderation/reports/:id/accept': Write<typeof AcceptBody, typeof AcceptedReport>;
  'POST /api/moderation/reports/:id/merge': Write<typeof ReportMergeBody, typeof Report>;
  'POST /api/moderation/reports/:id/reject': Write<typeof RejectBody, typeof Report>;
  'POST /api/moderation/reports/:id/undo': Write<never, typeof UndoneReport>;
  'POST /api/moderation/candidates/:id/confirm': Write<never, typeof ConfirmedCandidate>;
  'POST /api/moderation/candidates/:id/discard': Write<typeof DiscardBody, typeof DiscardedCandidate>;
  'POST /api/duplicates/merge': Write<typeof MergeBody, typeof Merged>;
  'POST /api/duplicates/distinct': Write<typeof DistinctBody, typeof Distinct>;
  'POST /api/duplicates/merges/:id/undo': Write<never, typeof UndoneMerge>;
  'POST /api/deal-points': Write<typeof DealPointCreate, typeof DealPointFeature>;
  'PATCH /api/deal-points/:id': Write<typeof DealPointUpdate, typeof DealPointFeature>;
  'POST /api/deal-points/:id/status-changes': Write<typeof StatusChange, typeof DealPointFeature>;
  'POST /api/observations': Write<typeof ObservationCreate, typeof Observation>;
  'PATCH /api/observations/:id': Write<typeof ObservationUpdate, typeof Observation>;
  'POST /api/operations': Write<typeof OperationCreate, typeof OperationFeature>;
  'PATCH /api/operations/:id': Write<typeof OperationUpdate, typeof OperationFeature>;
  'POST /api/analyses/emerging-hot-spots': Write<typeof HotSpotBody, typeof JobStarted>;
  'POST /api/snapshots': Write<typeof SnapshotCreate, typeof SnapshotDocumentSchema>;
  'POST /api/snapshots/:id/downloads': Write<typeof PngDownload, null>;
  'POST /api/threat-reports': Write<typeof ThreatReportBody, typeof ThreatReportSchema>;
  'POST /api/sectors/ranking': Write<typeof RankingBody, typeof ComputedRanking>;
  'POST /api/sectors/rankings': Write<typeof SaveRankingBody, typeof SavedRankingCreated>;
  'POST /api/sectors/criterion-4': Write<typeof CriterionFourBody, typeof ValuesReport>;
  'POST /api/sectors/areas': Write<typeof AreaCollection, typeof SavedAreas>;
  'POST /api/action-plans': Write<typeof PlanBody, typeof Plan>;
  'POST /api/action-plans/:id/reviews': Write<typeof ReviewBody, typeof SavedReview>;
}

type Key = keyof SendRoutes;
export type Method = Key extends `${infer M} ${string}` ? M : never;
/** The paths of one method's routes. */
export type PathOf<M extends Method> = Key extends infer K ? K extends `${M} ${infer P}` ? P : never : never;
type Route<M extends Method, P extends string> = SendRoutes[`${M} ${P}` & Key];
type Options<M extends Method, P extends string> =
  ([ParamNames<P>] extends [never] ? { params?: never } : { params: Record<ParamNames<P>, string | number> })
  & { query?: Query }
  & ([Route<M, P>['body']] extends [never] ? { body?: never } : { body: Route<M, P>['body'] });
type Rest<M extends Method, P extends string> = Record<never, never> extends Options<M, P> ? [Options<M, P>?] : [Options<M, P>];

/** Sends a write the client knows: the body the server's schema accepts, the answer its schema declares. */
export function send<M extends Method, P extends PathOf<M>>(method: M, path: P, ...[options]: Rest<M, P>): Promise<Route<M, P>['answer']> {
  const { params, query, body } = (options ?? {}) as { params?: Record<string, string | number>; query?: Query; body?: unknown };
  return api<Route<M, P>['answer']>(routeUrl(path, { params, query }), { method, body });
}

/**
 * The routes that take a file's text (CSV, GeoJSON) as their body, with their answers' types. The
 * import itself (POST /api/imports) is sent by XMLHttpRequest for its upload progress: its answer is
 * `FileRoutes['POST /api/imports']` all the same.
 */
export interface FileRoutes {
  'POST /api/imports': Static<typeof ImportReport>;
  'POST /api/imports/preview': Static<typeof ImportPreview>;
  'POST /api/schools/imports': Static<typeof ImportCounts>;
  'POST /api/sectors/indicator-imports': Static<typeof ValuesReport>;
}
type FilePath = keyof FileRoutes extends infer K ? K extends `POST ${infer P}` ? P : never : never;

/** POSTs a file's text to a route that reads one, with the same errors as api(). */
export function sendFile<P extends FilePath>(path: P, text: string, contentType: string, options: { query?: Query } = {}): Promise<FileRoutes[`POST ${P}`]> {
  return apiText<FileRoutes[`POST ${P}`]>(routeUrl(path, options), text, contentType);
}
