/**
 * SQL of optimistic concurrency on the editable tables: statements built for one table from the
 * callers' fixed column lists (never from input), at the expected version.
 */

/** UPDATE of row $1 at version $2 with `sets` (already numbered from $3), bumping the version. */
export const updateAtVersion = (table: string, sets: string[]) =>
  `UPDATE ${table} SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')} WHERE id = $1 AND version = $2 RETURNING version`;

/** DELETE of row $1 at version $2. */
export const deleteAtVersion = (table: string) => `DELETE FROM ${table} WHERE id = $1 AND version = $2`;

/** The current version of row $1. */
export const versionOf = (table: string) => `SELECT version FROM ${table} WHERE id = $1`;
