/** SQL the analyses read. */
import { shownEvent } from './aggregates.js';

/**
 * Every deal point (by id, so that sums come out the same on every read) with its status events in date order (in Paris, Lyon and Marseille, its city
 * rather than its arrondissement); $1 the principal's departments (NULL:
 * national): status changes of operations under way elsewhere are left out.
 */
export const pointHistories = `
SELECT d.id, ST_X(d.geom) AS longitude, ST_Y(d.geom) AS latitude, d.h3_r8 AS cell, city.insee AS commune, city.name AS commune_name,
       s.size_class, c.department_code AS department,
       (SELECT json_agg(json_build_object('status', e.status, 'on', e.effective_on, 'operation', e.operation_id) ORDER BY e.effective_on, e.id)
          FROM deal_point_status_events e WHERE e.deal_point_id = d.id AND ${shownEvent('$1')}) AS history
FROM deal_points d JOIN communes c ON c.insee = d.commune_insee JOIN commune_size_classes s ON s.insee = c.insee
JOIN communes city ON city.insee = coalesce(c.parent_insee, c.insee)
ORDER BY d.id`;

/** pointHistories through a cursor (one transaction), read by fetchPointHistories until it returns no row. */
export const declarePointHistories = `DECLARE point_histories NO SCROLL CURSOR FOR ${pointHistories}`;
export const fetchPointHistories = 'FETCH 20000 FROM point_histories';
/** A cursor read to its end is planned for all its rows (the default plans for the first tenth). */
export const wholeCursor = 'SET LOCAL cursor_tuple_fraction = 1';

/**
 * The same points for a national reader ($1 NULL in pointHistories: every status change shows),
 * with their active periods read from the stored histories (migration 0016; a point has one event
 * a day, so their order is the events') instead of aggregating every event per point, and their
 * commune's attributes apart (communeAttributes): one narrow row per point.
 */
export const storedPointHistories = `
SELECT d.id, ST_X(d.geom) AS longitude, ST_Y(d.geom) AS latitude, d.h3_r8 AS cell, d.commune_insee,
       -- As two strings (dates joined by commas, '' for a period still open): parsed faster than arrays.
       array_to_string(h.period_from, ',') AS period_from, array_to_string(h.period_until, ',', '') AS period_until
FROM deal_points d LEFT JOIN deal_point_histories h ON h.deal_point_id = d.id
ORDER BY d.id`;

/** Per commune (arrondissements included): its city (Paris, Lyon, Marseille for their arrondissements), the city's name, its size class and department. */
export const communeAttributes = `
SELECT c.insee, city.insee AS commune, city.name AS commune_name, s.size_class, c.department_code AS department
FROM communes c JOIN commune_size_classes s ON s.insee = c.insee JOIN communes city ON city.insee = coalesce(c.parent_insee, c.insee)`;

/** Points dismantled by an operation, with the operation and the day, in date order (the rest of storedPointHistories). */
export const operationStrikes = `
SELECT e.deal_point_id AS id, e.operation_id AS operation, e.effective_on::text AS struck_on
FROM deal_point_status_events e WHERE e.status = 'dismantled' AND e.operation_id IS NOT NULL
ORDER BY e.deal_point_id, e.effective_on, e.id`;

/**
 * The data vintage: first and last status dates the principal may see; $1 an explicit as-of date
 * (NULL: the last event), $2 the principal's departments (hidden strikes must not move the vintage).
 */
export const dataPeriod = `
SELECT coalesce(min(e.effective_on), DATE '2019-01-01')::text AS first,
       coalesce($1::date, max(e.effective_on), DATE '2019-01-01')::text AS last
FROM deal_point_status_events e WHERE ($1::date IS NULL OR e.effective_on <= $1::date) AND ${shownEvent('$2')}`;

/** Communes (not arrondissements) as candidate towns: name, size class, population and centre. */
export const candidateTowns = `
SELECT c.insee, c.name, s.size_class, coalesce(c.population, 0)::int AS population, ST_X(c.centroid) AS longitude, ST_Y(c.centroid) AS latitude
FROM communes c JOIN commune_size_classes s ON s.insee = c.insee WHERE c.kind = 'COM' ORDER BY c.insee`;

/** Every operation with its start, department and target, for placebo dates and control exclusions. */
export const operationsForAnalysis = `
SELECT id, name, started_on::text, ended_on::text, department_code, ST_AsGeoJSON(target, 6)::json AS target FROM operations ORDER BY id`;

/** The region of a department; $1 the department code. */
export const regionOfDepartment = 'SELECT region_code FROM departments WHERE code = $1';

/** Size classes in rank order. */
export const sizeClassLabels = 'SELECT code, label FROM size_classes ORDER BY rank';

/** A region's name; $1 its code. */
export const regionName = 'SELECT name FROM regions WHERE code = $1';

/** Operations with their target's centre, for the watch. */
export const operationCentres = `SELECT id, name, started_on::text, ended_on::text, department_code, ST_X(ST_Centroid(target)) AS x, ST_Y(ST_Centroid(target)) AS y FROM operations`;

/**
 * Ended operations of other departments whose reach (from the target's centre) covers candidate
 * towns of the given departments: the wakes that may concern them. $1 the departments, $2 the
 * reach in km, $3 the towns' minimum population, $4 today (an operation ended before it is known).
 */
export const wakesReaching = `
WITH o AS (
  SELECT id, name, started_on, ended_on, department_code, ST_Centroid(target)::geography AS centre FROM operations
  WHERE department_code <> ALL($1::text[]) AND ended_on IS NOT NULL AND ended_on < $4::date
)
SELECT o.id, o.name, o.started_on::text, o.ended_on::text, o.department_code,
       count(*)::int AS towns_in_reach, round(min(ST_Distance(o.centre, c.centroid::geography)) / 1000)::int AS nearest_km,
       array_agg(DISTINCT c.department_code ORDER BY c.department_code) AS departments_reached
FROM o JOIN communes c ON c.department_code = ANY($1::text[]) AND c.kind = 'COM' AND coalesce(c.population, 0) >= $3
  AND ST_DWithin(o.centre, c.centroid::geography, $2 * 1000)
GROUP BY o.id, o.name, o.started_on, o.ended_on, o.department_code
ORDER BY o.started_on DESC, o.id`;

/** The department of each commune; $1 INSEE codes. */
export const communeDepartments = 'SELECT insee, department_code FROM communes WHERE insee = ANY($1::text[])';
