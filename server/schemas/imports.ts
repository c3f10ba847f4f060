/** Schemas of the imports: the report of an import, the preview of a file, the runs in the history. */
import { Type } from 'typebox';
import { Closed, StringEnum } from './common.js';
import { importKinds } from '../domain/import-rows.js';

export const ImportReport = Closed({
  kind: Type.String(), format: Type.String(), rows: Type.Integer(),
  inserted: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(), elapsed_ms: Type.Integer(),
  likely_duplicates: Type.Optional(Closed({
    count: Type.Integer({ description: 'Pairs of a new point and a point of another source likely to be one place (see /doublons)' }),
    checked_new_points: Type.Integer({ description: 'New points whose pairs were looked for: all of them, or the first 20,000 of a larger import, or none when the search took over 30 s (the others are in /doublons)' }),
    pairs: Type.Array(Closed({
      new_id: Type.Integer(), new_external_id: Type.Union([Type.String(), Type.Null()]), other_id: Type.Integer(),
      other_source: Type.String(), other_external_id: Type.Union([Type.String(), Type.Null()]), distance_m: Type.Number(),
    }), { description: 'The first 100' }),
  })),
});

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
export const ImportPreview = Type.Object({
  format: StringEnum(['csv', 'geojson'] as const), kind: Nullable(StringEnum(importKinds)),
  delimiter: Nullable(StringEnum([';', ','] as const)), decimal_comma: Type.Boolean(),
  coordinates: Nullable(StringEnum(['lat/lon', 'x/y (Lambert-93)', 'geometry'] as const)),
  columns: Type.Array(Type.String()), row_count: Type.Integer(),
  rows: Type.Array(Type.Object({ line: Type.Integer(), values: Type.Record(Type.String(), Type.String()) }, { additionalProperties: false }), { description: 'The first rows, as read' }),
  problems: Type.Array(Type.Object({ field: Type.String(), reason: Type.String(), line: Type.Optional(Type.Integer()) }, { additionalProperties: false })),
}, { additionalProperties: false });

export const ImportRun = Type.Object({
  id: Type.Integer(), username: Nullable(Type.String()), started_at: Type.String({ format: 'date-time' }), file_name: Nullable(Type.String()),
  kind: Type.String(), format: Type.String(), outcome: StringEnum(['imported', 'rejected'] as const), rows: Type.Integer(),
  inserted: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(), rejected_rows: Type.Integer(), elapsed_ms: Type.Integer(),
}, { additionalProperties: false });
export const ImportProgress = Closed({ phase: Type.String(), done: Type.Integer(), total: Type.Integer(), finished: Type.Boolean(), outcome: StringEnum(['running', 'imported', 'rejected', 'failed'] as const) });
