/** The journal's grouped reading (tile reads grouped per session, hour, route and zoom). */
import { Type } from 'typebox';
import { Closed, OrNull, Timestamp } from './common.js';

const Str = Type.String();
export const GroupedAudit = Closed({
  items: Type.Array(Closed({
    id: Type.Integer(), first_at: Timestamp, occurred_at: Timestamp, username: OrNull(Str), role: OrNull(Str), action: Str, method: Str, route: Str,
    status_code: OrNull(Type.Integer()), session_ref: OrNull(Str), area: OrNull(Str),
    tiles: OrNull(Closed({ z: OrNull(Type.Integer()), x_min: OrNull(Type.Integer()), x_max: OrNull(Type.Integer()), y_min: OrNull(Type.Integer()), y_max: OrNull(Type.Integer()) }, { description: 'The tiles of a grouped row (null: an address out of range)' })),
    time_window: OrNull(Str), record_count: OrNull(Type.Integer()), entries: Type.Integer(), grouped: Type.Boolean({ description: 'Tile reads of one session and hour grouped into this row' }),
  })),
  next_offset: Type.Union([Type.Integer(), Type.Null()]),
});
