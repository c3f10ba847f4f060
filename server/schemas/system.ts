/** The health answer: database mode and versions, data loaded, the read replica, the basemap. */
import { Type } from 'typebox';
import { Closed } from './common.js';

export const Health = Closed({
  status: Type.Literal('ok'),
  database: Closed({
    mode: Type.String(), postgresql: Type.String(), postgis: Type.String(),
    migration: Type.Union([Type.String(), Type.Null()]), vector_tiles: Type.String(),
  }),
  data: Closed({
    real_deal_points: Type.Union([Type.Integer(), Type.Null()], { description: 'for roles that read precise data only (null otherwise): a live exact count would tell anyone when a report became a deal point' }),
    synthetic_deal_points: Type.Integer(),
    synthetic: Type.Boolean({ description: 'true when any synthetic (demo) data is loaded: the UI and exports must say so' }),
  }),
  replica: Closed({
    status: Type.Union([Type.Literal('none'), Type.Literal('streaming'), Type.Literal('not_streaming'), Type.Literal('unavailable')], { description: 'none: no DATABASE_READ_URL (or embedded mode, which ignores it); streaming: a hot standby receiving WAL; not_streaming: answers but receives no WAL (or is not a standby); unavailable: cannot be reached (replica routes read the primary)' }),
    lag_seconds: Type.Union([Type.Number(), Type.Null()], { description: 'seconds since the last replayed transaction while WAL waits to be replayed, 0 when caught up, null when unknown' }),
    lag_bytes: Type.Union([Type.Number(), Type.Null()], { description: 'WAL bytes the replica has not replayed yet, null when unknown' }),
    serving_reads: Type.Boolean({ description: 'whether the routes that may read from the replica do so now (false: they read the primary)' }),
  }, { description: 'The read replica (DATABASE_READ_URL), never its address' }),
  map: Closed({
    basemap_url: Type.Union([Type.String(), Type.Null()], { description: 'optional online basemap (SILLAGE_BASEMAP_URL); the map works without it' }),
    basemap_pmtiles: Type.Union([Type.String(), Type.Null()], { description: 'path of the offline vector basemap (SILLAGE_BASEMAP_PMTILES) when the operator provided one, else null' }),
  }),
});
