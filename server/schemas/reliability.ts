/** The registry's reliability: per point, its independent sources and last confirmation. */
import { Type } from 'typebox';
import { Closed, OrNull } from './common.js';

const Str = Type.String();
export const Reliability = Closed({
  total: Type.Integer({ description: 'Points matching, beyond the limit too' }),
  items: Type.Array(Closed({
    id: Type.Integer(), source: Str, external_id: OrNull(Str), verification: Str, commune_name: Str, department_code: Str,
    sources: Type.Array(Str, { description: 'Independent sources that reported or observed it' }), sources_count: Type.Integer(), status: OrNull(Str),
    last_confirmed_on: OrNull(Str), last_observed_on: OrNull(Str), days_since_observation: OrNull(Type.Integer()), flagged: Type.Boolean(),
  })),
  by_sources: Type.Array(Closed({ sources: Type.Integer(), points: Type.Integer(), flagged: Type.Integer() })),
  parameters: Closed({ as_of: Str, unconfirmed_months: Type.Integer(), min_sources: Type.Integer(), flagged: Type.Boolean() }),
});
