/** Request schemas of the stamped snapshots (the domain checks what JSON Schema cannot say). */
import { Type } from 'typebox';
import { monthPattern } from '../domain/months.js';
import { Closed, DepartmentCode, InseeCode, StringEnum, Timestamp } from './common.js';
import { maxCommunes } from '../domain/snapshots/area.js';

const Month = (description: string) => Type.String({ pattern: monthPattern, description: `${description}, YYYY-MM` });

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
