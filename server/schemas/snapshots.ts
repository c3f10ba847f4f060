/** Request schemas of the stamped snapshots (the domain checks what JSON Schema cannot say). */
import { Type } from 'typebox';
import { Closed, DepartmentCode, Month, InseeCode, OrNull, PolygonGeometry, OutlineGeometry, StringEnum, Timestamp } from './common.js';
import { maxCommunes } from '../domain/snapshots/area.js';

export const SnapshotId = Type.String({ pattern: '^I-[0-9A-HJ-NP-Z]{12}$', description: 'Snapshot identifier (its permalink), e.g. I-7K2M9QX4TB3H' });
export const SnapshotParams = Type.Object({ id: SnapshotId });
export const SnapshotFileParams = Type.Object({ id: SnapshotId, format: StringEnum(['pdf', 'csv', 'geojson'] as const) });

export const SnapshotCreate = Type.Object({
  area: Type.Object({
    kind: StringEnum(['communes', 'department', 'france', 'drawn'] as const, { description: 'communes (one or a list, e.g. a constituency), a department, France, or a drawn polygon' }),
    communes: Type.Optional(Type.Array(InseeCode, { minItems: 1, maxItems: maxCommunes })),
    department: Type.Optional(DepartmentCode),
    polygon: Type.Optional(Type.Unsafe<GeoJSON.Polygon>({ type: 'object', description: 'GeoJSON Polygon, WGS 84 (kind drawn)' })),
  }, { additionalProperties: false }),
  from: Month('First month of the period'),
  to: Month('Last month of the period'),
}, { additionalProperties: false });

export const PngDownload = Type.Object({ format: StringEnum(['png'] as const) }, { additionalProperties: false });
export const ConstituencyBody = Type.Object({ communes: Type.Array(InseeCode, { maxItems: 300, uniqueItems: true }) }, { additionalProperties: false });

/** A stored snapshot or threat report in the lists (its document at GET /api/snapshots/{id}). */
export const SnapshotSummary = Closed({
  id: Type.String({ description: 'Reference printed on the document, e.g. I-…' }), kind: Type.String({ description: 'snapshot or threat_report' }), created_at: Timestamp,
  area_label: Type.String(), period_label: Type.String(), method_version: Type.String(), sha256: Type.String({ description: 'SHA-256 of the stored document' }),
});

// ---- Responses: the stored documents (closed: what domain/snapshots/document.ts and threat-report.ts say) ----
const Str = Type.String();
const Int = Type.Integer();
const Published = OrNull(Type.Integer({ description: 'A published count: 0 or >= 5 (perturbed for aggregated readers), null for "< 5"' }));
const Months = Type.Array(Type.String({ description: 'YYYY-MM' }));

const SnapshotAreaAsked = Type.Union([
  Closed({ kind: Type.Literal('communes'), communes: Type.Array(Str) }),
  Closed({ kind: Type.Literal('department'), department: Str }),
  Closed({ kind: Type.Literal('france') }),
  Closed({ kind: Type.Literal('drawn'), polygon: PolygonGeometry }),
]);
export const SnapshotDocumentSchema = Closed({
  format: Type.Literal('sillage-instantane'), id: SnapshotId, created_at: Timestamp, method_version: Str,
  parameters: Closed({ area: SnapshotAreaAsked, from: Str, to: Str, map_resolution: Type.Integer({ description: 'H3 resolution of the map (never finer than 7)' }) }),
  data: Closed({
    area: Closed({
      label: Str, kind: StringEnum(['communes', 'department', 'france', 'drawn'] as const),
      communes: Type.Array(Closed({ insee: Str, name: Str, department_code: Str, size_class: Str, population: Int })),
      departments: Type.Array(Closed({ code: Str, name: Str })),
      outline: OrNull(OutlineGeometry),
    }),
    vintage: Closed({ deal_points: Str, public_reports: Str, ssmsi: Str, geography: Str }),
    months: Months,
    series: Type.Array(Closed({ key: Str, label: Str, values: Type.Array(Published), suppressed_units: Type.Optional(Type.Array(Int, { description: 'Units "< 5" left out of the total, per month' })) })),
    size_classes: OrNull(Type.Array(Closed({ code: Str, label: Str, count: Published }))),
    operations: Type.Array(Closed({ name: Str, kind: Str, started_on: Str, ended_on: Str, department_code: Str, distance_km: Type.Number() })),
    reports: Closed({ received: Published, accepted: Published }),
    indicators: Type.Array(Closed({
      scope: StringEnum(['zone', 'department', 'france'] as const), code: Str, name: Str, year: Int, indicator: Str,
      count: OrNull(Type.Number()), rate_per_1000: OrNull(Type.Number()),
    })),
    map: Closed({ resolution: Int, month: Str, cells: Type.Array(Closed({ h3: Str, count: Published })) }),
    disclosure: Str,
  }),
  sha256: Type.String({ description: 'SHA-256 of the canonical JSON of parameters and data' }),
}, { description: 'The stamped snapshot as stored' });

export const ThreatReportSchema = Closed({
  format: Type.Literal('sillage-etat-de-la-menace'), id: Str, created_at: Timestamp, method_version: Str,
  parameters: Closed({ scope: Type.String({ description: '"france" or a department code' }), year: Int, precision: StringEnum(['precise', 'aggregated'] as const) }),
  data: Closed({
    scope_label: Str, months: Months,
    series: Type.Array(Closed({ key: Str, label: Str, values: Type.Array(Published) })),
    events: Closed({ dismantled: Published, reopened: Published, appeared: Published }),
    operations: Type.Array(Closed({
      name: Str, department_code: Str, started_on: Str, ended_on: OrNull(Str), reading: Str, reading_label: Str,
      text: OrNull(Str), wdq: OrNull(Type.Number()), total_net_effect: OrNull(Type.Number()), destinations: Type.Array(Str),
    })),
    size_classes: Type.Array(Closed({ code: Str, label: Str, january: Published, december: Published })),
    watch: Closed({ towns: Type.Array(Closed({ name: Str, insee: Str, department: Str, active: Published })), resurgences: OrNull(Int) }),
    reports: Closed({ received: Published, accepted: Published }),
    indicators: Type.Array(Closed({ scope: Str, name: Str, indicator: Str, count: OrNull(Type.Number()), rate_per_1000: OrNull(Type.Number()) })),
    hot_spots: Str, disclosure: Str,
  }),
  sha256: Str,
}, { description: 'The annual threat report as stored' });
export const ConstituencySet = Closed({ id: Type.Integer(), communes: Type.Array(Type.String()) });
export const ThreatReportBody = Type.Object({ scope: Type.Union([Type.Literal('france'), DepartmentCode], { description: '"france" or a department code' }), year: Type.Integer({ minimum: 2000, maximum: 2100 }) }, { additionalProperties: false });
