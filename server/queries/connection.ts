/** SQL the database connection runs on opening: pings, versions, the application role. */

/** Answers when the database does. */
export const ping = 'SELECT 1';

/** The server's version string. */
export const serverVersion = 'SELECT version()';

/** Whether role $1 exists and the login role may SET ROLE to it. */
export const mayUseRole = `SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) THEN pg_has_role(current_user, $1::name, 'MEMBER') ELSE false END AS ok`;

/** PostgreSQL's and PostGIS's versions, and whether PostGIS encodes vector tiles. */
export const versions = `
SELECT current_setting('server_version') AS postgresql, postgis_lib_version() AS postgis,
postgis_full_version() AS full`;
