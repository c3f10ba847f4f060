-- Up Migration
-- Stamped area snapshots (deputies' exports) and annual threat reports: each is stored once, as the
-- canonical JSON text of its aggregated figures, parameters and SHA-256, and never changed, so its
-- permalink reopens the same bytes after the data changed ("actualiser" makes a new one).
-- A deputy account may be tied to the communes of its constituency (its default area).
ALTER TABLE users ADD COLUMN constituency_insee text[] NOT NULL DEFAULT '{}';
ALTER TABLE users ADD CONSTRAINT users_constituency_only_deputies CHECK (role = 'deputy' OR cardinality(constituency_insee) = 0);
ALTER TABLE users ADD CONSTRAINT users_constituency_size CHECK (cardinality(constituency_insee) <= 300);

CREATE TABLE snapshots (
  -- Random, unguessable identifier (the permalink), e.g. I-7K2M9QX4TB3H.
  id text PRIMARY KEY CHECK (id ~ '^[IR]-[0-9A-HJ-NP-Z]{12}$'),
  kind text NOT NULL CHECK (kind IN ('snapshot', 'threat_report')),
  created_by bigint REFERENCES users (id),
  created_at timestamptz NOT NULL,
  area_label text NOT NULL CHECK (length(area_label) BETWEEN 1 AND 300),
  period_label text NOT NULL CHECK (length(period_label) BETWEEN 1 AND 100),
  method_version text NOT NULL,
  -- The canonical JSON text (text, not jsonb: jsonb would reorder keys and change the bytes).
  content text NOT NULL,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$')
);
CREATE INDEX snapshots_created_by_idx ON snapshots (created_by, created_at);

CREATE FUNCTION snapshots_are_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'snapshots are immutable: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER snapshots_no_update_delete BEFORE UPDATE OR DELETE ON snapshots
FOR EACH ROW EXECUTE FUNCTION snapshots_are_immutable();

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sillage_app') THEN
    EXECUTE 'GRANT SELECT, INSERT ON snapshots TO sillage_app';
    EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON snapshots FROM sillage_app';
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'grants on snapshots not changed (the migrating role may not): see db/README.md';
END
$$;

-- Down Migration
