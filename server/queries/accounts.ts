/** SQL of accounts. */

/** Every account without its secrets: whether it awaits activation, when it was activated. */
export const listAccounts = `
SELECT id, username, role, department_codes AS departments, active, created_at,
       (password_hash IS NULL AND activation_hash IS NOT NULL) AS awaiting_activation, activation_expires_at, activated_at,
       (approved_at IS NULL AND role <> 'admin') AS awaiting_approval
FROM users ORDER BY username`;

/** The password hash of user $1 (demo accounts: is the saved password still the account's?). */
export const passwordHashOf = 'SELECT password_hash FROM users WHERE username = $1';

/** Ends every session of user $1. */
export const deleteSessionsOf = 'DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = $1)';

/** Gives user $1 password hash $2, cancelling any pending activation. */
export const setPasswordHash = 'UPDATE users SET password_hash = $2, activation_hash = NULL, activation_expires_at = NULL WHERE username = $1';

/** Which of departments $1 exist. */
export const knownDepartments = 'SELECT code FROM departments WHERE code = ANY($1::text[])';

/** An account with password hash $2 (operator, tests, demo), activated and approved; no row when username $1 is taken. */
export const insertActiveUser = `
INSERT INTO users (username, password_hash, role, department_codes, activated_at, approved_at) VALUES ($1, $2, $3, $4, now(), now())
ON CONFLICT (username) DO NOTHING RETURNING id`;

/** An invited account: no password, activation digest $4 valid $5 hours, created by $6; no row when $1 is taken. */
export const insertInvitedUser = `
INSERT INTO users (username, password_hash, role, department_codes, activation_hash, activation_expires_at, created_by)
VALUES ($1, NULL, $2, $3, $4, now() + make_interval(hours => $5), $6)
ON CONFLICT (username) DO NOTHING RETURNING id, activation_expires_at AS expires`;

/** User $1 loses its password and approval (admins keep theirs) and gets activation digest $2 valid $3 hours. */
export const resetUserActivation = `
UPDATE users SET password_hash = NULL, activation_hash = $2, activation_expires_at = now() + make_interval(hours => $3), activated_at = NULL,
  approved_at = CASE WHEN role = 'admin' THEN approved_at ELSE NULL END, approved_by = NULL
WHERE id = $1 RETURNING activation_expires_at AS expires`;

/** Revokes every access token of user $1. */
export const revokeAccessTokensOf = 'UPDATE access_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL';

/** User $1 (active, digest $2 unexpired) sets password hash $3. */
export const activateUser = `
UPDATE users SET password_hash = $3, activation_hash = NULL, activation_expires_at = NULL, activated_at = now()
WHERE username = $1 AND active AND activation_hash = $2 AND activation_expires_at > now()`;

/** Activates ($2 true) or deactivates user $1. */
export const setUserActiveFlag = 'UPDATE users SET active = $2 WHERE id = $1';

/** The active user named $1, with its hash and whether it may sign in (approved, or an admin). */
export const userForSignIn = `
SELECT id, username, role, department_codes, password_hash, (approved_at IS NOT NULL OR role = 'admin') AS approved
FROM users WHERE username = $1 AND active`;

/**
 * Accounts awaiting approval that user $1 may approve: any but its own and admins'; with scope $2
 * (a CROSS's departments), only analysts and prefects of those departments; NULL scope: all.
 */
export const pendingAccountsFor = `
SELECT u.id, u.username, u.role, u.department_codes AS departments, u.created_at, u.activated_at, c.username AS created_by
FROM users u LEFT JOIN users c ON c.id = u.created_by
WHERE u.approved_at IS NULL AND u.role <> 'admin' AND u.active AND u.id <> $1
  AND ($2::text[] IS NULL OR (u.role IN ('departmental_analyst', 'prefect') AND u.department_codes <@ $2::text[]))
ORDER BY u.created_at`;

/** User $2 approves account $1 (once). */
export const approveUser = 'UPDATE users SET approved_at = now(), approved_by = $2 WHERE id = $1 AND approved_at IS NULL';
