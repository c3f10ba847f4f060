-- Up Migration
-- The prefect's desk: sector areas drawn or imported by a prefecture, indicators the prefecture
-- supplies per sector (criterion 4 among them: never computed by Sillage), rankings saved as
-- immutable records, action plans with their semester reviews, and schools as a layer.

-- An area a prefecture draws or imports as a sector (communes, arrondissements and H3 cells need
-- no row: they come from the reference geography).
CREATE TABLE sector_areas (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  department_code text NOT NULL REFERENCES departments (code),
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{1,40}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  geom geometry(MultiPolygon, 4326) NOT NULL,
  created_by bigint REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sector_areas_geom_valid CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
  CONSTRAINT sector_areas_geom_in_france CHECK (in_france_extent(geom)),
  CONSTRAINT sector_areas_department_code_key UNIQUE (department_code, code)
);
CREATE INDEX sector_areas_geom_idx ON sector_areas USING gist (geom);

-- Indicators supplied by a prefecture per sector (CSV import or one entry). Versioned: a new
-- value is a new row with the next version; rows are never updated nor deleted, so the history
-- of criterion 4 stays whole. The latest version of (department, indicator, sector) is in force.
CREATE TABLE prefecture_indicator_values (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  department_code text NOT NULL REFERENCES departments (code),
  indicator_code text NOT NULL CHECK (indicator_code ~ '^[a-z0-9_]{1,40}$'),
  criterion smallint NOT NULL CHECK (criterion IN (3, 4)),
  sector_kind text NOT NULL CHECK (sector_kind IN ('commune', 'arrondissement', 'h3', 'area')),
  sector_code text NOT NULL CHECK (sector_code ~ '^[A-Za-z0-9_-]{1,40}$'),
  value double precision NOT NULL CHECK (value >= 0 AND value < 'infinity'),
  source text NOT NULL CHECK (length(source) BETWEEN 1 AND 300),
  observed_on date NOT NULL CHECK (observed_on >= DATE '2000-01-01'),
  justification text CHECK (length(justification) <= 2000),
  version integer NOT NULL CHECK (version >= 1),
  import_sha256 text CHECK (import_sha256 ~ '^[0-9a-f]{64}$'),
  created_by bigint REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Criterion 4 is never inferred: each value carries the prefecture's justification.
  CONSTRAINT prefecture_indicator_values_criterion_4_justified CHECK (criterion <> 4 OR length(justification) >= 1),
  CONSTRAINT prefecture_indicator_values_version_key UNIQUE (department_code, indicator_code, sector_kind, sector_code, version)
);

-- A ranking as it was computed: parameters, data vintage, result and the SHA-256 of the three.
CREATE TABLE sector_rankings (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  department_code text NOT NULL REFERENCES departments (code),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  sector_kind text NOT NULL CHECK (sector_kind IN ('commune', 'arrondissement', 'h3', 'area')),
  parameters jsonb NOT NULL,
  data_vintage jsonb NOT NULL,
  result jsonb NOT NULL,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  created_by bigint REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sector_rankings_department_code_idx ON sector_rankings (department_code);

CREATE TABLE action_plans (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  department_code text NOT NULL REFERENCES departments (code),
  ranking_id bigint NOT NULL REFERENCES sector_rankings (id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  first_semester text NOT NULL CHECK (first_semester ~ '^20[0-9]{2}-S[12]$'),
  school_radius_m integer NOT NULL DEFAULT 500 CHECK (school_radius_m BETWEEN 50 AND 5000),
  created_by bigint REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX action_plans_department_code_idx ON action_plans (department_code);

-- Priority sectors of a plan in order, each with its objective and target values of indicators.
CREATE TABLE action_plan_sectors (
  plan_id bigint NOT NULL REFERENCES action_plans (id) ON DELETE CASCADE,
  position smallint NOT NULL CHECK (position BETWEEN 1 AND 100),
  sector_kind text NOT NULL CHECK (sector_kind IN ('commune', 'arrondissement', 'h3', 'area')),
  sector_code text NOT NULL CHECK (sector_code ~ '^[A-Za-z0-9_-]{1,40}$'),
  sector_name text NOT NULL,
  objective text NOT NULL CHECK (length(objective) BETWEEN 1 AND 2000),
  targets jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (plan_id, position),
  CONSTRAINT action_plan_sectors_sector_key UNIQUE (plan_id, sector_kind, sector_code)
);

-- A semester review: the indicators measured then, against the targets, with the prefecture's note.
CREATE TABLE action_plan_reviews (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id bigint NOT NULL REFERENCES action_plans (id) ON DELETE CASCADE,
  semester text NOT NULL CHECK (semester ~ '^20[0-9]{2}-S[12]$'),
  measured jsonb NOT NULL,
  note text CHECK (length(note) <= 4000),
  created_by bigint REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX action_plan_reviews_plan_id_idx ON action_plan_reviews (plan_id, semester);

-- Schools imported by a department as a layer (name, UAI code, location); places, not persons.
CREATE TABLE schools (
  uai text PRIMARY KEY CHECK (uai ~ '^[0-9]{7}[A-Z]$'),
  department_code text NOT NULL REFERENCES departments (code),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  geom geometry(Point, 4326) NOT NULL CHECK (in_france_extent(geom)),
  imported_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schools_geom_idx ON schools USING gist (geom);
CREATE INDEX schools_department_code_idx ON schools (department_code);

-- Saved rankings and prefecture values are records: the database refuses to change them.
CREATE FUNCTION refuse_record_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are immutable records', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER sector_rankings_immutable BEFORE UPDATE OR DELETE ON sector_rankings
FOR EACH ROW EXECUTE FUNCTION refuse_record_change();
CREATE TRIGGER prefecture_indicator_values_immutable BEFORE UPDATE OR DELETE ON prefecture_indicator_values
FOR EACH ROW EXECUTE FUNCTION refuse_record_change();

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sillage_app') THEN
    EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON sector_areas, prefecture_indicator_values, sector_rankings, action_plans, action_plan_sectors, action_plan_reviews, schools TO sillage_app';
    EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON sector_rankings, prefecture_indicator_values FROM sillage_app';
    EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO sillage_app';
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'grants to sillage_app not given (the migrating role may not grant): see db/README.md';
END
$$;

-- Down Migration
