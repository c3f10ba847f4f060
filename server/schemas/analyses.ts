/**
 * Response schemas of the displacement analyses (closed: every field the answers carry, nothing
 * else). The shapes are those of server/services/analyses.ts and domain/analytics.
 */
import { Type } from 'typebox';
import { patterns } from '../domain/analytics/hot-spots.js';
import { Bbox, CellFeatureOf, Closed, DepartmentCode, LineStringGeometry, Month, OrNull, StringEnum } from './common.js';

const Str = Type.String();
const Num = Type.Number();
const Int = Type.Integer();
const NullableNum = OrNull(Type.Number());

export const AnalysedOperation = Closed({ id: Int, name: Str, started_on: Str, ended_on: OrNull(Str), department: Str });

const Measure = Closed({ value: NullableNum, undefined_reason: OrNull(Str) });
const EffectParameters = Closed({
  buffer_rings: Int, buffer_km: Num, before_months: Int, after_months: Int, gap_months: Int, alpha: Num, minimum_drop: Num,
});
const WakeParameters = Closed({ distance_km: Num, lag_months: Int, history_months: Int, prior_months: Int, fdr: Num, min_linked: Int, min_population: Int });
export { WakeParameters };

const AreaFeatures = Closed({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(CellFeatureOf({ role: StringEnum(['target', 'buffer'] as const) })),
}, { description: 'Target and buffer as H3 resolution-8 cells' });

/** An observed statistic ranked among its placebos (p-values of the ranks, each side). */
const RankTest = Closed({ placebos: Int, observed: Num, p_lower: Num, p_upper: Num });

/** The effect (WDQ, TNE, WDD, placebo test of the buffer) of one operation. */
const effectFields = {
  operation: AnalysedOperation, parameters: EffectParameters,
  control: Type.String({ description: 'Control area used' }), control_warning: OrNull(Str),
  counts: Closed({ a0: Num, a1: Num, b0: Num, b1: Num, c0: Num, c1: Num }, { description: 'Mean active points before (0) and after (1) in target (a), buffer (b) and control (c)' }),
  wdq: Measure, tne: Measure,
  wdd: OrNull(Closed({ local: Num, local_se: Num, displacement: Num, displacement_se: Num, value: Num, standard_error: Num, z: Num, p_value: Num, low: Num, high: Num })),
  direct: Closed({ net_change: NullableNum, z: NullableNum, p_value: NullableNum, significant: Type.Boolean(), material: Type.Boolean(), placebos: Int }),
  buffer: OrNull(Closed({
    placebos: Int, observed: Num, p_lower: Num, p_upper: Num, significant: OrNull(StringEnum(['baisse', 'hausse'] as const)),
    method: StringEnum(['dates', 'places', 'both'] as const, { description: "What the buffer's change is ranked among: placebo districts at the same dates (the default), its months without an operation, or both (a side read only when both reject)" }),
    dates: OrNull(RankTest), places: OrNull(RankTest),
  })),
  undefined_reason: OrNull(Str),
  areas: AreaFeatures,
};
export const Destination = Closed({
  commune: Str, name: Str, size_class: Str, linked: Int, expected: Num, history: Num, p_value: Num, flagged: Type.Boolean(), longitude: Num, latitude: Num,
});
const wakeFields = {
  operation: AnalysedOperation, parameters: WakeParameters,
  dismantled: Int, origin: OrNull(Type.Array(Num, { minItems: 2, maxItems: 2, description: '[longitude, latitude] of the target' })), candidates: Int,
  linked_appearances: Int, expected_appearances: Num, local_appearances: Int,
  by_size_class: Type.Record(Type.String(), Closed({ linked: Int, expected: Num }), { description: 'Per commune size class code' }),
  midsize_share: NullableNum,
  placebo: Closed({ placebos: Int, statistic: Num, p_value: NullableNum, significant: Type.Boolean() }),
  destinations: Type.Array(Destination),
  partial_window: Type.Boolean(),
  overlapping_wakes: Type.Array(Closed({
    label: Type.String({ description: 'The operation as the reader may see it named (in French); one outside their departments and under way is not named' }),
    started_on: Str, distance_km: Int, towns: Type.Array(Str, { description: 'Flagged destination towns within its reach' }),
  }), { description: 'Other operations started less than lag_months apart whose reach covers flagged towns: their appearances may be theirs' }),
  arcs: Closed({
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(Closed({
      type: Type.Literal('Feature'), geometry: LineStringGeometry,
      properties: Closed({ commune: Str, name: Str, size_class: Str, linked: Int, flagged: Type.Boolean() }),
    })),
  }, { description: 'From the target to each flagged destination town' }),
};
const vintage = { as_of: Type.String({ description: 'Data vintage read (last status change, or as_of)' }), method_version: Str };

export const OperationEffect = Closed({ ...vintage, ...effectFields });
export const OperationWake = Closed({ ...vintage, ...wakeFields });
export const OperationSummary = Closed({
  ...vintage, data_from: Type.String({ description: 'First day of the data' }),
  effect: Closed(effectFields), wake: Closed(wakeFields),
  reading: StringEnum(['deplacement', 'diffusion', 'effet_local', 'pas_d_effet', 'indefini'] as const), text: Type.String({ description: 'The reading in plain French' }),
});

export const SizeClassShift = Closed({
  region: Str, region_name: Str, month: Str, operation: OrNull(Type.String({ description: "The operation's name, when one was given" })), window_months: Int,
  months: Type.Array(Type.String({ description: 'YYYY-MM' })),
  classes: Type.Array(Closed({
    size_class: Str, label: Type.Optional(Str), before: Num, after: Num, change_pct: NullableNum, national_change_pct: NullableNum, excess_points: NullableNum,
  })),
  series: Type.Array(Closed({ key: Str, label: Str, region: Type.Array(Num), national: Type.Array(Num) })),
});

export const Watchlist = Closed({
  as_of: Str, data_until: Str, parameters: Closed({ radius_m: Int, months: Int, reach_km: Num, wake_km: Num, lag_months: Int }),
  resurgences: Type.Array(Closed({
    point: Int, commune: Str, commune_name: Str, dismantled_on: Str,
    activity: Type.Array(Closed({ point: Int, on: Str, distance_m: Num, reopening: Type.Boolean() })),
  })),
  towns: Type.Array(Closed({
    commune: Str, name: Str, department: Str, size_class: Str, operation: Int, operation_name: Str, distance_km: Num,
    attribution: StringEnum(['wake', 'nearest'] as const, { description: "wake: the operation whose wake holds most of the town's appearances in the lag months after its start (the operation page's linked count); nearest: no recent operation's wake does, the nearest recent operation" }),
    linked_appearances: Int,
    active_before: Int, active_now: Int, change: Int, p_value: Num,
  })),
});

const JobStatus = StringEnum(['running', 'done', 'failed'] as const);
export const JobStarted = Closed({ id: Type.String({ format: 'uuid' }), status: JobStatus, done: Int, total: Int, poll: Type.String({ description: 'Where to read its progress' }) });

export const HotSpotResult = Closed({
  type: Type.Literal('FeatureCollection'), months: Type.Array(Str, { description: 'First and last month analysed' }), cells: Type.Integer({ description: 'Cells analysed' }),
  patterns: Type.Record(Type.String(), Int, { description: 'Number of cells per pattern' }), method: Str,
  features: Type.Array(CellFeatureOf({
    cell: Str, pattern: StringEnum(patterns), label: Str, hot_months: Int, cold_months: Int,
    trend_z: NullableNum, trend_p: NullableNum, last_z: NullableNum,
  })),
}, { description: 'Cells with a pattern (no_pattern left out)' });
export const Job = Closed({
  id: Type.String({ format: 'uuid' }), status: JobStatus, done: Int, total: Int,
  parameters: Closed({
    resolution: Int, from: Str, to: Str, departments: OrNull(Type.Array(Str)), bbox: OrNull(Type.Array(Num, { minItems: 4, maxItems: 4 })),
    method: StringEnum(['exact', 'permutation', 'sfdep', 'normal'] as const), permutations: Int, seed: Int,
  }),
  error: OrNull(Str), result: OrNull(HotSpotResult),
});
export const HotSpotBody = Type.Object({
  resolution: Type.Integer({ minimum: 5, maximum: 8 }),
  from: Month('First month of the window'), to: Month('Last month of the window'),
  department: Type.Optional(DepartmentCode), bbox: Type.Optional(Bbox),
  method: Type.Optional(Type.Union([Type.Literal('exact'), Type.Literal('permutation'), Type.Literal('sfdep'), Type.Literal('normal')], { default: 'exact', description: "exact: conditional Poisson test of the neighbourhood (counts); permutation: conditional permutation ranks (PySAL p_sim); sfdep: sfdep's settings (199 permutations, previous month in the neighbourhood, p < 0.01 without FDR); normal: the normal approximation, for comparison" })),
  permutations: Type.Optional(Type.Integer({ minimum: 19, maximum: 999, default: 199, description: 'Draws for the permutation methods' })),
}, { additionalProperties: false });

// A wake as it concerns other departments.
const WakeOperation = Type.Object({ id: Type.Integer(), name: Type.String(), started_on: Type.String(), ended_on: Type.Union([Type.String(), Type.Null()]), department: Type.String() }, { additionalProperties: false });
export const DepartmentWakes = Type.Object({
  departments: Type.Array(Type.String()), distance_km: Type.Number(), min_population: Type.Integer(),
  items: Type.Array(Type.Object({
    id: Type.Integer(), name: Type.String(), started_on: Type.String(), ended_on: Type.String(), department: Type.String(),
    towns_in_reach: Type.Integer(), nearest_km: Type.Integer(), departments_reached: Type.Array(Type.String()),
  }, { additionalProperties: false })),
}, { additionalProperties: false });
export const DepartmentWake = Type.Object({
  as_of: Type.String(), method_version: Type.String(), departments: Type.Array(Type.String()), operation: WakeOperation,
  parameters: Type.Object({ distance_km: Type.Number(), lag_months: Type.Integer(), history_months: Type.Integer(), prior_months: Type.Integer(), fdr: Type.Number(), min_linked: Type.Integer(), min_population: Type.Integer() }, { additionalProperties: false }),
  dismantled: Type.Integer(), candidates: Type.Integer(), partial_window: Type.Boolean(),
  placebo: Type.Object({ placebos: Type.Integer(), statistic: Type.Number(), p_value: Type.Union([Type.Number(), Type.Null()]), significant: Type.Boolean() }, { additionalProperties: false }),
  destinations: Type.Array(Type.Object({
    commune: Type.String(), name: Type.String(), department: Type.String(), size_class: Type.String(), linked: Type.Integer(), expected: Type.Number(), history: Type.Number(),
    p_value: Type.Number(), flagged: Type.Boolean(), longitude: Type.Number(), latitude: Type.Number(),
  }, { additionalProperties: false })),
  elsewhere: Type.Object({ towns_with_appearances: Type.Integer(), flagged: Type.Integer(), linked: Type.Integer(), expected: Type.Number() }, { additionalProperties: false }),
}, { additionalProperties: false });
