/** Response schemas of the aggregates: counts per cell or unit, the H3 x month cube, monthly series. */
import { Type, type Static } from 'typebox';
import { CellFeatureOf, Closed, OrNull, ServedCount, StringEnum } from './common.js';

const Disclosed = OrNull(Type.String({ description: 'What was done to the figures (whole units, perturbation, "< 5"); null when counted precisely' }));
const AggregateCells = Closed({
  type: Type.Literal('FeatureCollection'), resolution: Type.Integer(), at: Type.String({ description: 'Day counted, YYYY-MM-DD' }), disclosure: Disclosed,
  features: Type.Array(CellFeatureOf(ServedCount)),
}, { description: 'group=h3: one Feature per H3 cell with active points' });
const AggregateUnits = Closed({
  at: Type.String({ description: 'Day counted, YYYY-MM-DD' }), disclosure: Disclosed,
  items: Type.Array(Type.Union([
    Closed({ insee: Type.String(), name: Type.String(), department_code: Type.String(), size_class: Type.String(), ...ServedCount }),
    Closed({ code: Type.String(), name: Type.String(), ...ServedCount }),
  ], { description: 'group=commune: insee, name, department_code, size_class; group=department: code, name' })),
}, { description: 'group=commune or group=department: one item per unit with active points' });
/**
 * group=h3 gives cells, the other groups units: told apart by `features` (if/then/else, which the
 * serializer reads with one test instead of validating the whole answer against each alternative).
 */
export const CellsOrUnits = Type.Unsafe<Static<typeof AggregateCells> | Static<typeof AggregateUnits>>({
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keywords
  if: { type: 'object', required: ['features'] }, then: AggregateCells, else: AggregateUnits,
  description: 'group=h3: a FeatureCollection of H3 cells; group=commune or department: items',
});
const MonthlyValues = (description: string) => Type.Array(OrNull(Type.Integer()), { description: `${description}, one value per month of \`months\` (null: suppressed)` });
const ServedMonthly = {
  active: MonthlyValues('Points active during the month'),
  cumulative: MonthlyValues('Distinct points active since the first month of the window'),
};
const Months = Type.Array(Type.String({ description: 'YYYY-MM' }));
const SuppressedBelow = OrNull(Type.Integer({ description: 'Counts below this are suppressed (deputies), null otherwise' }));
export const Cube = Closed({
  resolution: Type.Integer(), from: Type.String(), to: Type.String(), months: Months, suppressed_below: SuppressedBelow, disclosure: Disclosed,
  cells: Type.Array(Closed({ h3: Type.String({ description: 'H3 cell index' }), ...ServedMonthly })),
});
export const Series = Closed({
  by: StringEnum(['total', 'size_class', 'department', 'region'] as const), from: Type.String(), to: Type.String(), months: Months, suppressed_below: SuppressedBelow, disclosure: Disclosed,
  series: Type.Array(Closed({
    key: Type.String(), label: Type.String(), ...ServedMonthly,
    suppressed_cells: Type.Optional(Type.Array(Type.Integer(), { description: 'Deputies, an area chosen by cells: cells "< 5" left out of the month\'s total' })),
    suppressed_cells_cumulative: Type.Optional(Type.Array(Type.Integer(), { description: 'The same for the cumulative counts' })),
  })),
});
