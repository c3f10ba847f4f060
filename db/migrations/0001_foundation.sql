-- Up Migration
-- Foundation schema: reference geography, size classes, services, deal points with their status
-- history, observations, operations, networks. The database itself refuses nonsense (CHECK, FK).
-- Kept to what PostgreSQL 15 / PostGIS 3.3 and PGlite (PostgreSQL 18 / PostGIS 3.6) share.

CREATE EXTENSION IF NOT EXISTS postgis;

-- France's extents, metropolitan and overseas departments (971-976), as boxes in EPSG:4326.
-- IMMUTABLE: it reads no table.
CREATE FUNCTION in_france_extent(g geometry) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ST_SRID(g) = 4326 AND ST_CoveredBy(g, ST_GeomFromText(
    'MULTIPOLYGON('
    || '((-5.8 41.2,10 41.2,10 51.3,-5.8 51.3,-5.8 41.2)),'        -- metropolitan France and Corsica
    || '((-61.9 15.8,-60.9 15.8,-60.9 16.6,-61.9 16.6,-61.9 15.8)),' -- Guadeloupe
    || '((-61.3 14.35,-60.75 14.35,-60.75 14.9,-61.3 14.9,-61.3 14.35)),' -- Martinique
    || '((-54.7 2,-51.5 2,-51.5 5.9,-54.7 5.9,-54.7 2)),'            -- Guyane
    || '((55.1 -21.5,55.9 -21.5,55.9 -20.8,55.1 -20.8,55.1 -21.5)),' -- La Réunion
    || '((44.9 -13.1,45.4 -13.1,45.4 -12.55,44.9 -12.55,44.9 -13.1)))', -- Mayotte
    4326))
$$;

CREATE TABLE regions (
  code text PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100)
);

INSERT INTO regions (code, name) VALUES
  ('01', 'Guadeloupe'), ('02', 'Martinique'), ('03', 'Guyane'), ('04', 'La Réunion'), ('06', 'Mayotte'),
  ('11', 'Île-de-France'), ('24', 'Centre-Val de Loire'), ('27', 'Bourgogne-Franche-Comté'),
  ('28', 'Normandie'), ('32', 'Hauts-de-France'), ('44', 'Grand Est'), ('52', 'Pays de la Loire'),
  ('53', 'Bretagne'), ('75', 'Nouvelle-Aquitaine'), ('76', 'Occitanie'), ('84', 'Auvergne-Rhône-Alpes'),
  ('93', 'Provence-Alpes-Côte d''Azur'), ('94', 'Corse');

CREATE TABLE departments (
  code text PRIMARY KEY CHECK (code ~ '^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  region_code text REFERENCES regions (code),
  geom geometry(MultiPolygon, 4326) CHECK (geom IS NULL OR in_france_extent(geom))
);
CREATE INDEX departments_geom_idx ON departments USING gist (geom);

-- Commune size classes, configurable by editing rows; ranges may not overlap.
CREATE TABLE size_classes (
  code text PRIMARY KEY CHECK (code ~ '^[a-z_]+$'),
  label text NOT NULL,
  min_population integer NOT NULL CHECK (min_population >= 0),
  max_population integer CHECK (max_population IS NULL OR max_population > min_population),
  rank smallint NOT NULL UNIQUE,
  EXCLUDE USING gist (int4range(min_population, max_population) WITH &&)
);
INSERT INTO size_classes (code, label, min_population, max_population, rank) VALUES
  ('metropole',     'Métropole (≥ 200 000 hab.)',                200000, NULL,   1),
  ('grande_ville',  'Grande ville (100 000 – 200 000 hab.)',     100000, 200000, 2),
  ('ville_moyenne', 'Ville moyenne (20 000 – 100 000 hab.)',     20000,  100000, 3),
  ('petite_ville',  'Petite ville (5 000 – 20 000 hab.)',        5000,   20000,  4),
  ('rural',         'Commune rurale (< 5 000 hab.)',             0,      5000,   5);

-- Communes of the COG 2025 (kind COM) and the municipal arrondissements of Paris, Lyon and
-- Marseille (kind ARM, with their parent). Polygons: IGN Admin Express 2018 re-coded to 2025.
CREATE TABLE communes (
  insee text PRIMARY KEY CHECK (insee ~ '^[0-9][0-9AB][0-9]{3}$'),
  kind text NOT NULL CHECK (kind IN ('COM', 'ARM')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  search_name text NOT NULL,
  department_code text NOT NULL REFERENCES departments (code),
  region_code text REFERENCES regions (code),
  parent_insee text REFERENCES communes (insee),
  population integer NOT NULL CHECK (population >= 0),
  centroid geometry(Point, 4326) NOT NULL CHECK (in_france_extent(centroid)),
  geom geometry(MultiPolygon, 4326),
  CHECK ((kind = 'ARM') = (parent_insee IS NOT NULL))
);
CREATE INDEX communes_geom_idx ON communes USING gist (geom);
CREATE INDEX communes_centroid_idx ON communes USING gist (centroid);
CREATE INDEX communes_department_code_idx ON communes (department_code);
CREATE INDEX communes_search_name_idx ON communes (search_name text_pattern_ops);

-- Explicit class assignments that override the population thresholds: the "villes moyennes" of
-- the ministry's answer include towns just under 20,000 inhabitants such as Pertuis.
CREATE TABLE size_class_overrides (
  insee text PRIMARY KEY REFERENCES communes (insee),
  size_class text NOT NULL REFERENCES size_classes (code),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500)
);

-- Size class of each commune; arrondissements take their whole city's class (Paris, Lyon and
-- Marseille count as whole cities).
CREATE VIEW commune_size_classes AS
SELECT c.insee, s.code AS size_class, s.rank AS size_class_rank
FROM communes c
JOIN communes city ON city.insee = COALESCE(c.parent_insee, c.insee)
LEFT JOIN size_class_overrides o ON o.insee = city.insee
JOIN size_classes s ON CASE WHEN o.size_class IS NOT NULL THEN s.code = o.size_class
                            ELSE city.population >= s.min_population
                                 AND (s.max_population IS NULL OR city.population < s.max_population) END;

-- The commune a location lies in: the polygon containing it, else (simplified boundaries leave
-- slivers along coasts and borders) the nearest polygon within 1 km. NULL: not in France.
CREATE FUNCTION commune_at(p geometry) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  found text;
BEGIN
  SELECT insee INTO found FROM communes
  WHERE kind = 'COM' AND geom && p AND ST_Intersects(geom, p)
  ORDER BY insee LIMIT 1;
  IF found IS NULL THEN
    SELECT insee INTO found FROM communes
    WHERE kind = 'COM' AND geom && ST_Expand(p, 0.02)
      AND ST_DWithin(geom::geography, p::geography, 1000)
    ORDER BY ST_Distance(geom::geography, p::geography), insee LIMIT 1;
  END IF;
  RETURN found;
END
$$;

-- The commune at a location, or a check violation naming `constraint_name` (for triggers).
CREATE FUNCTION commune_at_or_raise(p geometry, constraint_name text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  found text := commune_at(p);
BEGIN
  IF found IS NULL THEN
    RAISE EXCEPTION 'location is not inside any French commune'
      USING ERRCODE = 'check_violation', CONSTRAINT = constraint_name, COLUMN = 'geom';
  END IF;
  RETURN found;
END
$$;

-- Services that report deal points (measure 15 and 16 sources included).
CREATE TABLE services (
  code text PRIMARY KEY CHECK (code ~ '^[a-z_]+$'),
  label text NOT NULL
);
INSERT INTO services (code, label) VALUES
  ('police_nationale',   'Police nationale'),
  ('gendarmerie',        'Gendarmerie nationale'),
  ('police_municipale',  'Police municipale'),
  ('douane',             'Douane'),
  ('bailleur_social',    'Bailleur social'),
  ('transport',          'Opérateur de transport'),
  ('signalement_public', 'Signalement public');

CREATE TABLE networks (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text CHECK (length(description) <= 2000),
  source_code text REFERENCES services (code),
  external_id text CHECK (length(external_id) BETWEEN 1 AND 100),
  dataset text NOT NULL DEFAULT 'real' CHECK (dataset IN ('real', 'synthetic')),
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT networks_source_external_id_key UNIQUE (source_code, external_id),
  CHECK ((external_id IS NULL) OR (source_code IS NOT NULL))
);

CREATE TABLE operations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('place_nette', 'operation_ampleur', 'operation_ciblee', 'autre')),
  started_on date NOT NULL CHECK (started_on >= DATE '2000-01-01'),
  ended_on date,
  target geometry(MultiPolygon, 4326) NOT NULL,
  department_code text NOT NULL REFERENCES departments (code),
  arrests integer CHECK (arrests >= 0),
  officers_mobilised integer CHECK (officers_mobilised >= 0),
  cannabis_seized_kg numeric(12, 3) CHECK (cannabis_seized_kg >= 0),
  cocaine_seized_kg numeric(12, 3) CHECK (cocaine_seized_kg >= 0),
  cash_seized_eur numeric(14, 2) CHECK (cash_seized_eur >= 0),
  weapons_seized integer CHECK (weapons_seized >= 0),
  source_code text REFERENCES services (code),
  external_id text CHECK (length(external_id) BETWEEN 1 AND 100),
  dataset text NOT NULL DEFAULT 'real' CHECK (dataset IN ('real', 'synthetic')),
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT operations_end_after_start CHECK (ended_on IS NULL OR ended_on >= started_on),
  CONSTRAINT operations_target_valid CHECK (ST_IsValid(target) AND NOT ST_IsEmpty(target)),
  CONSTRAINT operations_target_in_france CHECK (in_france_extent(target)),
  CONSTRAINT operations_source_external_id_key UNIQUE (source_code, external_id),
  CHECK ((external_id IS NULL) OR (source_code IS NOT NULL))
);
CREATE INDEX operations_target_idx ON operations USING gist (target);
CREATE INDEX operations_started_on_idx ON operations (started_on);

CREATE TABLE deal_points (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  geom geometry(Point, 4326) NOT NULL,
  commune_insee text NOT NULL REFERENCES communes (insee),
  h3_r7 text NOT NULL CHECK (h3_r7 ~ '^[0-9a-f]{15}$'),
  h3_r8 text NOT NULL CHECK (h3_r8 ~ '^[0-9a-f]{15}$'),
  h3_r9 text NOT NULL CHECK (h3_r9 ~ '^[0-9a-f]{15}$'),
  products text[] NOT NULL DEFAULT '{}' CHECK (products <@ ARRAY[
    'cannabis_resine', 'cannabis_herbe', 'cocaine', 'crack', 'heroine',
    'drogues_synthetiques', 'medicaments_detournes', 'autre']::text[]),
  source_code text NOT NULL REFERENCES services (code),
  external_id text CHECK (length(external_id) BETWEEN 1 AND 100),
  network_id bigint REFERENCES networks (id) ON DELETE SET NULL,
  dataset text NOT NULL DEFAULT 'real' CHECK (dataset IN ('real', 'synthetic')),
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT deal_points_location_in_france CHECK (in_france_extent(geom)),
  CONSTRAINT deal_points_source_external_id_key UNIQUE (source_code, external_id)
);
CREATE INDEX deal_points_geom_idx ON deal_points USING gist (geom);
CREATE INDEX deal_points_commune_insee_idx ON deal_points (commune_insee);
CREATE INDEX deal_points_h3_r7_idx ON deal_points (h3_r7);
CREATE INDEX deal_points_h3_r8_idx ON deal_points (h3_r8);
CREATE INDEX deal_points_h3_r9_idx ON deal_points (h3_r9);
CREATE INDEX deal_points_network_id_idx ON deal_points (network_id);

-- The commune is derived from the location, never trusted from input: a commune supplied with
-- the row (bulk imports compute it beforehand) is kept only if its polygon holds the point,
-- which is cheaper than searching; otherwise it is searched for.
CREATE FUNCTION deal_points_derive_commune() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.commune_insee IS NOT NULL AND EXISTS (
    SELECT 1 FROM communes c
    WHERE c.insee = NEW.commune_insee AND c.kind = 'COM' AND c.geom && NEW.geom AND ST_Intersects(c.geom, NEW.geom)
  ) THEN
    RETURN NEW;
  END IF;
  NEW.commune_insee := commune_at_or_raise(NEW.geom, 'deal_points_location_in_commune');
  RETURN NEW;
END
$$;
CREATE TRIGGER deal_points_derive_commune BEFORE INSERT OR UPDATE OF geom ON deal_points
FOR EACH ROW EXECUTE FUNCTION deal_points_derive_commune();

-- The operation's department is the one holding most of its target, derived, never trusted.
CREATE FUNCTION operations_derive_department() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT d.code INTO NEW.department_code FROM departments d
  WHERE d.geom && NEW.target AND ST_Intersects(d.geom, ST_PointOnSurface(NEW.target))
  ORDER BY d.code LIMIT 1;
  IF NEW.department_code IS NULL THEN
    SELECT d.code INTO NEW.department_code FROM departments d
    WHERE d.geom && NEW.target AND ST_Intersects(d.geom, NEW.target)
    ORDER BY ST_Area(ST_Intersection(d.geom, NEW.target)) DESC LIMIT 1;
  END IF;
  IF NEW.department_code IS NULL THEN
    RAISE EXCEPTION 'target area is not inside any French department'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'operations_target_in_department',
            TABLE = 'operations', COLUMN = 'target';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER operations_derive_department BEFORE INSERT OR UPDATE OF target ON operations
FOR EACH ROW EXECUTE FUNCTION operations_derive_department();

-- A deal point has a lifetime: a dated history of statuses, not one status.
CREATE TABLE deal_point_status_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  deal_point_id bigint NOT NULL REFERENCES deal_points (id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('active', 'dismantled', 'reopened')),
  effective_on date NOT NULL CHECK (effective_on >= DATE '2000-01-01'),
  operation_id bigint REFERENCES operations (id) ON DELETE SET NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT deal_point_status_events_one_per_day UNIQUE (deal_point_id, effective_on)
);
CREATE INDEX deal_point_status_events_operation_id_idx ON deal_point_status_events (operation_id);

-- Periods during which each point was active (active or reopened); active_until is exclusive,
-- NULL while still active.
CREATE VIEW deal_point_active_periods AS
SELECT deal_point_id, effective_on AS active_from, next_on AS active_until
FROM (
  SELECT deal_point_id, status, effective_on,
         lead(effective_on) OVER (PARTITION BY deal_point_id ORDER BY effective_on) AS next_on
  FROM deal_point_status_events
) e
WHERE status IN ('active', 'reopened');

CREATE TABLE deal_point_observations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  deal_point_id bigint NOT NULL REFERENCES deal_points (id) ON DELETE CASCADE,
  observed_on date NOT NULL CHECK (observed_on >= DATE '2000-01-01'),
  activity_level smallint CHECK (activity_level BETWEEN 0 AND 4),
  estimated_daily_transactions integer CHECK (estimated_daily_transactions BETWEEN 0 AND 100000),
  source_code text NOT NULL REFERENCES services (code),
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT deal_point_observations_has_measure
    CHECK (activity_level IS NOT NULL OR estimated_daily_transactions IS NOT NULL),
  CONSTRAINT deal_point_observations_one_per_source_day UNIQUE (deal_point_id, observed_on, source_code)
);
CREATE INDEX deal_point_observations_observed_on_idx ON deal_point_observations (observed_on);

-- Which reference files have been loaded, so that loading is idempotent.
CREATE TABLE reference_loads (
  name text PRIMARY KEY,
  checksum text NOT NULL,
  rows integer NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now()
);
