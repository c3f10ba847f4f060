/** SQL of the system routes and start-up: what the database holds, the demo scenario's marker. */

/** How many deal points are real and how many synthetic (the health route's banner). */
export const datasetCounts = `
SELECT count(*) FILTER (WHERE dataset = 'real')::int AS real, count(*) FILTER (WHERE dataset = 'synthetic')::int AS synthetic FROM deal_points`;

/** Whether a scenario was ever loaded or any deal point exists (then the demo is not loaded at start). */
export const anyDataLoaded = "SELECT 1 FROM reference_loads WHERE name LIKE 'scenario:%' UNION ALL SELECT 1 FROM deal_points LIMIT 1";

/** Records that the demo scenario (marker $1, seed $2, $3 points) was loaded. */
export const recordScenarioLoad = 'INSERT INTO reference_loads (name, checksum, rows) VALUES ($1, $2, $3)';

/** The latest applied migration (node-pg-migrate's table, named in server/migrations.ts). */
export const latestMigration = 'SELECT name FROM schema_migrations ORDER BY run_on DESC, id DESC LIMIT 1';
