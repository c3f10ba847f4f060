-- Up Migration
-- Two people for every account the admin creates or resets: it opens no data until an analyst
-- (OFAST, or the CROSS of its departments) approves it, so an admin alone can never use an
-- account it activated itself. Accounts created by the operator (command line) are approved.
ALTER TABLE users ADD COLUMN approved_at timestamptz;
ALTER TABLE users ADD COLUMN approved_by bigint REFERENCES users (id);
ALTER TABLE users ADD COLUMN created_by bigint REFERENCES users (id);
UPDATE users SET approved_at = coalesce(activated_at, created_at);
ALTER TABLE users ADD CONSTRAINT users_approver_is_another CHECK (approved_by IS NULL OR approved_by <> id);

-- Down Migration
