/** Response schemas of the action plans (closed: the fields server/services/action-plans.ts answers). */
import { Type } from 'typebox';
import { Closed, OrNull, StringEnum, Timestamp } from './common.js';
import { followedIndicators } from '../domain/ranking/action-plan.js';

const Str = Type.String();
const Int = Type.Integer();
const indicatorCodes = followedIndicators.map((i) => i.code);
const TargetReads = StringEnum(['at_most', 'at_least'] as const, { description: 'at_most: the measured value must not exceed the target; at_least: must reach it' });
const Targets = Closed(Object.fromEntries(indicatorCodes.map((code) => [code, Type.Optional(Type.Number())])), { description: 'Target per followed indicator (absent: none)' });

const MeasuredIndicator = Closed({
  code: StringEnum(indicatorCodes), label: Str, target_reads: TargetReads,
  measured: OrNull(Type.Number({ description: 'Value in the semester; null when it cannot be measured for this kind of sector' })),
  target: OrNull(Type.Number()), status: StringEnum(['met', 'not_met', 'no_target', 'no_value'] as const),
});

export const PlanSummary = Closed({
  id: Int, department_code: Str, ranking_id: Int, title: Str, first_semester: Str, school_radius_m: Int, created_at: Timestamp, created_by: OrNull(Str),
  sectors: Type.Integer({ description: 'Number of priority sectors' }), reviews: Type.Integer({ description: 'Number of saved reviews' }),
});
export const PlanList = Closed({ items: Type.Array(PlanSummary) });

export const Plan = Closed({
  id: Int, department_code: Str, ranking_id: Int, title: Str, first_semester: Str, school_radius_m: Int, created_at: Timestamp, created_by: OrNull(Str),
  sector_kind: Str,
  sectors: Type.Array(Closed({ position: Int, sector_kind: Str, sector_code: Str, sector_name: Str, objective: Str, targets: Targets }), { description: 'Priority sectors in order' }),
  reviews: Type.Array(Closed({
    id: Int, semester: Str,
    measured: Closed({
      measured_on: Str,
      sectors: Type.Array(Closed({ code: Str, name: Str, schools: Type.Integer({ description: 'Schools within the radius' }), indicators: Type.Array(MeasuredIndicator) })),
    }, { description: 'The values measured when the review was saved' }),
    note: OrNull(Str), created_at: Timestamp, created_by: OrNull(Str),
  }), { description: 'Saved reviews, newest first' }),
  indicators: Type.Array(Closed({ code: StringEnum(indicatorCodes), label: Str, target: TargetReads }), { description: 'The indicators followed each semester' }),
});

export const SemesterReview = Closed({
  plan: Closed({ id: Int, title: Str, department_code: Str, ranking_id: Int }),
  semester: Str, from: Str, to: Str, measured_on: Type.String({ description: 'Day measured: the end of the semester, or today while it runs' }), school_radius_m: Int,
  sectors: Type.Array(Closed({
    position: Int, code: Str, name: Str, objective: Str, indicators: Type.Array(MeasuredIndicator),
    schools: Type.Array(Closed({ uai: Str, name: Str, longitude: Type.Number(), latitude: Type.Number(), sector_code: Str, distance_m: Int })),
  })),
});

export const SavedReview = Closed({ id: Int, created_at: Timestamp, semester: Str, measured_on: Str });
