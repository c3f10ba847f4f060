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
