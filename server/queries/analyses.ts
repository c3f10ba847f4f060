/** SQL the analyses read. */
import { shownEvent } from './aggregates.js';

/**
 * Every deal point with its status events in date order (in Paris, Lyon and Marseille, its city
 * rather than its arrondissement); $1 the principal's departments (NULL:
 * national): status changes of operations under way elsewhere are left out.
 */
export const pointHistories = `
SELECT d.id, ST_X(d.geom) AS longitude, ST_Y(d.geom) AS latitude, d.h3_r8 AS cell, city.insee AS commune, city.name AS commune_name,
       s.size_class, c.department_code AS department,
       (SELECT json_agg(json_build_object('status', e.status, 'on', e.effective_on, 'operation', e.operation_id) ORDER BY e.effective_on)
          FROM deal_point_status_events e WHERE e.deal_point_id = d.id AND ${shownEvent('$1')}) AS history
FROM deal_points d JOIN communes c ON c.insee = d.commune_insee JOIN commune_size_classes s ON s.insee = c.insee
JOIN communes city ON city.insee = coalesce(c.parent_insee, c.insee)`;

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
FROM communes c JOIN commune_size_classes s ON s.insee = c.insee WHERE c.kind = 'COM'`;

/** Every operation with its start, department and target, for placebo dates and control exclusions. */
export const operationsForAnalysis = `
SELECT id, started_on::text, department_code, ST_AsGeoJSON(target, 6)::json AS target FROM operations`;

/** The region of a department; $1 the department code. */
export const regionOfDepartment = 'SELECT region_code FROM departments WHERE code = $1';

/** Size classes in rank order. */
export const sizeClassLabels = 'SELECT code, label FROM size_classes ORDER BY rank';

/** A region's name; $1 its code. */
export const regionName = 'SELECT name FROM regions WHERE code = $1';

/** Operations with their target's centre, for the watch. */
export const operationCentres = `SELECT id, name, started_on::text, ended_on::text, department_code, ST_X(ST_Centroid(target)) AS x, ST_Y(ST_Centroid(target)) AS y FROM operations`;
