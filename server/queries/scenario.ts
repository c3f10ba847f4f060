/** SQL of the demo scenario's loading and reset (rows of dataset 'synthetic' only). */

/** Upserts the scenario's networks from arrays (name, source, external id). */
export const upsertNetworks = `
INSERT INTO networks (name, source_code, external_id, dataset)
SELECT name, source, external_id, 'synthetic' FROM unnest($1::text[], $2::text[], $3::text[]) AS t(name, source, external_id)
ON CONFLICT (source_code, external_id) DO UPDATE SET name = EXCLUDED.name`;

/** Fresh planner statistics after a bulk load (without them a new table looks empty and joins go quadratic). */
export const analyzeHistory = 'ANALYZE deal_points, deal_point_status_events, deal_point_observations, operations';

/** The statements of a reset, in order (children first); real data is untouched. */
export const removeSynthetic = [
  "DELETE FROM deal_points WHERE dataset = 'synthetic'",
  "DELETE FROM operations WHERE dataset = 'synthetic'",
  "DELETE FROM networks WHERE dataset = 'synthetic'",
];
