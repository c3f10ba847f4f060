/** Schemas of the public reports and their moderation (bodies and closed answers). */
import { Type } from 'typebox';
import { Closed, OrNull, Timestamp, InseeCode, PointGeometry, StringEnum } from './common.js';
import { rejectionReasons } from '../domain/vocabulary.js';

/** A candidate point as the moderation lists it (no reporter: reports carry their receipt and status only). */
export const CandidatePoint = Closed({
  id: Type.Integer(), longitude: Type.Number(), latitude: Type.Number(), commune_insee: Type.String(), commune_name: Type.String(), department_code: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  reports: Type.Array(Closed({ id: Type.Integer(), receipt: Type.String(), status: Type.String(), reported_on: Type.String() })),
  nearest_point: Type.Union([Closed({ id: Type.Integer(), distance_m: Type.Number() }), Type.Null()]),
});

export const seenKinds = ['vente', 'guetteurs', 'file_acheteurs', 'consommation', 'vente_vehicule', 'rassemblement', 'autre'] as const;
export const timesOfDay = ['matin', 'apres_midi', 'soiree', 'nuit'] as const;

export const ReportBody = Type.Object({
  location: Type.Optional(PointGeometry),
  commune: Type.Optional(InseeCode),
  seen: Type.Array(StringEnum(seenKinds), { minItems: 1, maxItems: seenKinds.length, uniqueItems: true }),
  times_of_day: Type.Optional(Type.Array(StringEnum(timesOfDay), { maxItems: timesOfDay.length, uniqueItems: true })),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  form_token: Type.String({ minLength: 10, maxLength: 200 }),
  /** Left empty by people; bots fill every field. */
  website: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });

const Str = Type.String();
const reportFields = {
  id: Type.Integer(), receipt: Str, longitude: Type.Number(), latitude: Type.Number(), location_precision: Str, commune_insee: Str, commune_name: Str,
  department_code: Str, seen: Type.Array(Str), times_of_day: Type.Array(Str), description: OrNull(Str), reported_on: Str, cluster_id: Type.Integer(),
  status: Str, deal_point_id: OrNull(Type.Integer()), merged_into: OrNull(Type.Integer()), rejection_reason: OrNull(Str), moderated_at: OrNull(Timestamp),
};
export const Report = Closed(reportFields);
const Nearby = Closed({ id: Type.Integer(), distance_m: Type.Number({ description: 'Metres' }) });
const QueuedReport = Closed({ ...reportFields, nearest_deal_point: OrNull(Nearby) });
export const QueuedCluster = Closed({ cluster_id: Type.Integer(), count: Type.Integer(), reports: Type.Array(QueuedReport) });
export const Decision = Closed({
  decision: Str, reason_code: OrNull(Str), reason_text: OrNull(Str), deal_point_id: OrNull(Type.Integer()), merged_into: OrNull(Type.Integer()),
  created_candidate: Type.Boolean(), decided_at: Timestamp, decided_by: Str,
});
export const Surroundings = Closed({
  report: Closed({ id: Type.Integer(), receipt: Str, cluster_id: Type.Integer(), longitude: Type.Number(), latitude: Type.Number() }),
  deal_points: Type.Array(Closed({ id: Type.Integer(), longitude: Type.Number(), latitude: Type.Number(), verification: Str, distance_m: Type.Number() })),
  reports: Type.Array(Closed({ id: Type.Integer(), receipt: Str, status: Str, cluster_id: Type.Integer(), longitude: Type.Number(), latitude: Type.Number(), distance_m: Type.Number() })),
});

export const FormToken = Closed({ token: Type.String(), usable_after_seconds: Type.Integer() });
export const ReportReceipt = Closed({ receipt: Type.String(), message: Type.String() });
export const ReceiptStatus = Closed({ receipt: Type.String(), status: StringEnum(['received', 'examined'] as const) });
export const AcceptBody = Type.Object({ deal_point_id: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])) }, { additionalProperties: false });
export const AcceptedReport = Closed({ ...reportFields, created_candidate: Type.Boolean() });
export const MergeBody = Type.Object({ into: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export const ReasonList = Closed({ items: Type.Array(Closed({ code: Type.String(), label: Type.String() })) });
export const UndoneReport = Closed({ ...reportFields, undone: Type.String({ description: 'The decision undone' }), removed_candidate: OrNull(Type.Integer({ description: 'The candidate point removed' })) });
export const DecisionList = Closed({ items: Type.Array(Decision) });
export const Queue = Closed({ items: Type.Array(QueuedCluster) });
export const CandidateList = Closed({ items: Type.Array(CandidatePoint) });
export const ConfirmedCandidate = Closed({ id: Type.Integer(), verification: Str, version: Type.Integer(), active_from: OrNull(Str) });
export const DiscardBody = Type.Object({ reason: Type.Optional(Type.String({ minLength: 3, maxLength: 300 })) }, { additionalProperties: false });
export const DiscardedCandidate = Closed({ id: Type.Integer(), discarded: Type.Boolean(), rejected_reports: Type.Array(Type.Integer()) });
export const RejectBody = Type.Object({
        reason_code: Type.Optional(StringEnum(Object.keys(rejectionReasons) as (keyof typeof rejectionReasons)[])),
        reason: Type.Optional(Type.String({ minLength: 3, maxLength: 400 })),
      }, { additionalProperties: false });
