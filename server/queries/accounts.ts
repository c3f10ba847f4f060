/** SQL of accounts. */

/** Every account without its secrets: whether it awaits activation, when it was activated. */
export const listAccounts = `
SELECT id, username, role, department_codes AS departments, active, created_at,
       (password_hash IS NULL AND activation_hash IS NOT NULL) AS awaiting_activation, activation_expires_at, activated_at,
       (approved_at IS NULL AND role <> 'admin') AS awaiting_approval
FROM users ORDER BY username`;
