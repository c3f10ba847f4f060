/** SQL of background jobs (pg-boss keeps its own). */

/** Lets the application role (sillage_app, when it exists and is not the owner) use pg-boss's tables; silent without the privilege. */
export const grantQueueToApp = `
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sillage_app') AND NOT pg_has_role('sillage_app', current_user, 'MEMBER') THEN
    EXECUTE 'GRANT USAGE ON SCHEMA pgboss TO sillage_app';
    EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgboss TO sillage_app';
  END IF;
EXCEPTION WHEN insufficient_privilege THEN NULL;
END $$`;
