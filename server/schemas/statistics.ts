/** Response schemas of the SSMSI crime statistics (public reference figures). */
import { Type } from 'typebox';
import { Closed, OrNull } from './common.js';

const Str = Type.String();
const Count = OrNull(Type.Integer());
const Rate = OrNull(Type.Number({ description: 'Per 1,000 inhabitants' }));
export const IndicatorItems = Closed({ items: Type.Array(Closed({ code: Str, label: Str, unit: Str, unit_label: Str })) });
export const DepartmentItems = Closed({ items: Type.Array(Closed({
  department_code: Str, department_name: Str, year: Type.Integer(), indicator: Str, unit: Str, count: Count, rate_per_1000: Rate, population: Count,
})) });
export const CommuneItems = Closed({ items: Type.Array(Closed({
  insee: Str, commune_name: Str, department_code: Str, year: Type.Integer(), indicator: Str, unit: Str,
  is_published: Type.Boolean({ description: 'false: withheld by the SSMSI (count and rate null)' }), count: Count, rate_per_1000: Rate, population: Count,
})) });
export const NationalItems = Closed({ items: Type.Array(Closed({
  year: Type.Integer(), indicator: Str, indicator_label: Str, unit: Str, count: Count, metropole: Count, drom: Count, population: Count, rate_per_1000: Rate,
  departments: Type.Integer(), departments_with_count: Type.Integer({ description: 'Departments whose count is known' }),
})) });
/** Active deal points per department and year, for everyone (disclosure-controlled). */
export const ActivePoints = Closed({
  years: Type.Array(Type.Integer()), france: Type.Array(OrNull(Type.Integer()), { description: 'One per year' }),
  departments: Type.Array(Closed({ code: Type.String(), name: Type.String(), counts: Type.Array(OrNull(Type.Integer()), { description: 'One per year; null: 1 to 4 (suppressed)' }) })),
  suppressed_below: Type.Integer(), as_of: Type.String(), disclosure: Type.String(),
});
