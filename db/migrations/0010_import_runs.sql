-- Up Migration
-- The history of imports (who, when, which file, what it did or why it was refused), shown on /imports.
-- Counts only: the rejected rows' report is given back with the refusal, not kept.
CREATE TABLE import_runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint REFERENCES users (id) ON DELETE SET NULL,
  username text,
  departments text[] NOT NULL DEFAULT '{}',
  started_at timestamptz NOT NULL DEFAULT now(),
  file_name text CHECK (length(file_name) <= 200),
  kind text NOT NULL,
  format text NOT NULL CHECK (format IN ('csv', 'geojson')),
  outcome text NOT NULL CHECK (outcome IN ('imported', 'rejected')),
  rows integer NOT NULL CHECK (rows >= 0),
  inserted integer NOT NULL DEFAULT 0,
  updated integer NOT NULL DEFAULT 0,
  unchanged integer NOT NULL DEFAULT 0,
  rejected_rows integer NOT NULL DEFAULT 0,
  elapsed_ms integer NOT NULL DEFAULT 0
);
CREATE INDEX import_runs_started_at_idx ON import_runs (started_at);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sillage_app') THEN
    EXECUTE 'GRANT SELECT, INSERT ON import_runs TO sillage_app';
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'grants on import_runs not changed (the migrating role may not): see db/README.md';
END
$$;

-- Down Migration
DROP TABLE import_runs;
