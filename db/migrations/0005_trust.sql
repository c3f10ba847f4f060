-- Up Migration
-- Trust: disclosure control keys, scoped networks, accounts activated by their users, a wider
-- audit trail, trusted sign-in devices, and the production database roles.

-- Cell-key method (ABS TableBuilder, Eurostat SDC handbook): each deal point carries a permanent
-- random record key; an aggregated count's perturbation is a function of the sum of the keys of
-- the points it counts, so the same set of points always gets the same published value.
ALTER TABLE deal_points ADD COLUMN record_key integer NOT NULL
  DEFAULT floor(random() * 2147483647)::integer CHECK (record_key >= 0);

-- A network belongs to the department that registered it (NULL: registered nationally).
ALTER TABLE networks ADD COLUMN department_code text REFERENCES departments (code);
UPDATE networks n SET department_code = (
  SELECT c.department_code FROM deal_points d JOIN communes c ON c.insee = d.commune_insee
  WHERE d.network_id = n.id GROUP BY c.department_code ORDER BY count(*) DESC, c.department_code LIMIT 1);

-- Accounts created by an admin have no password until their user activates them with a one-time
-- secret (stored as SHA-256); the admin never holds a usable password.
ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_password_hash_check;
ALTER TABLE users ADD CONSTRAINT users_password_hash_check CHECK (password_hash IS NULL OR password_hash LIKE '$argon2%');
ALTER TABLE users ADD COLUMN activation_hash text CHECK (activation_hash ~ '^[0-9a-f]{64}$');
ALTER TABLE users ADD COLUMN activation_expires_at timestamptz;
ALTER TABLE users ADD COLUMN activated_at timestamptz;
ALTER TABLE users ADD CONSTRAINT users_activation_has_expiry CHECK ((activation_hash IS NULL) = (activation_expires_at IS NULL));

-- Browsers where a user signed in before: they keep their own sign-in budget when someone else
-- guesses that user's password, so a guesser cannot lock the real user out.
CREATE TABLE sign_in_devices (
  token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sign_in_devices_user_id_idx ON sign_in_devices (user_id);

ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (
  'read_precise', 'read_aggregate', 'analysis', 'export', 'write', 'sign_in', 'sign_in_failed', 'sign_out',
  'activate', 'moderate', 'admin'));
CREATE INDEX audit_log_failed_sign_in_idx ON audit_log (username, occurred_at) WHERE action = 'sign_in_failed';

-- Production roles. The role running migrations owns every object; the application runs as
-- sillage_app (server: SET ROLE after start-up), which may read and write the business tables but
-- only INSERT and SELECT the audit trail, and can neither alter, disable nor drop anything.
-- Skipped with a notice where the migrating role may not create roles (then the DBA runs it).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sillage_app') THEN
    CREATE ROLE sillage_app NOLOGIN;
  END IF;
  EXECUTE 'GRANT USAGE ON SCHEMA public TO sillage_app';
  EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO sillage_app';
  EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_log FROM sillage_app';
  EXECUTE 'REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM sillage_app';
  EXECUTE 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO sillage_app';
  EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO sillage_app';
  EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO sillage_app';
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'sillage_app not created (the migrating role may not create roles): see db/README.md';
END
$$;

-- Down Migration
