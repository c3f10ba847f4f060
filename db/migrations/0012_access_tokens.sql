-- Up Migration
-- Personal access tokens for GIS clients (QGIS, GDAL) that cannot hold a session cookie. A token
-- reads only (GET/HEAD), with its owner's role and departments, until it expires or is revoked.
-- Only the SHA-256 of the token is stored; the token itself is shown once at creation.
CREATE TABLE access_tokens (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  -- The first characters of the token, to recognise it in the list (not enough to use it).
  prefix text NOT NULL CHECK (prefix ~ '^sil_[A-Za-z0-9_-]{4}$'),
  scope text NOT NULL DEFAULT 'read' CHECK (scope IN ('read')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz,
  CHECK (expires_at > created_at AND expires_at <= created_at + interval '366 days')
);
CREATE INDEX access_tokens_user_id_idx ON access_tokens (user_id);
