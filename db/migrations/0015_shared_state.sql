-- Up Migration
-- State that several server processes share (issue 18): analysis jobs (queued and claimed through
-- pg-boss, whose own schema `pgboss` it creates at start-up; this table holds what the owner
-- reads: progress and result), single-use form tokens, rate-limit counters, and the secret that
-- signs form tokens when SILLAGE_SECRET is not set.

CREATE TABLE analysis_jobs (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('emerging_hot_spots')),
  owner_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
  done integer NOT NULL DEFAULT 0,
  total integer NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  -- The parameters as the owner gave them (months as YYYY-MM), shown back with the progress.
  parameters jsonb NOT NULL,
  result jsonb,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX analysis_jobs_created_idx ON analysis_jobs (created_at);

-- A form token serves once (its hash is kept until it would have expired anyway).
CREATE TABLE used_form_tokens (
  token_hash text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX used_form_tokens_expiry_idx ON used_form_tokens (expires_at);

-- Counters of @fastify/rate-limit (per route and client) and sign-in failures (per client address
-- or trusted browser). Client addresses are stored only as an HMAC keyed by the server's secret,
-- and every row is deleted once its window has passed. UNLOGGED: a crash may reset them, as a
-- restart did before.
CREATE UNLOGGED TABLE rate_limit_counters (
  key text PRIMARY KEY,
  count integer NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE UNLOGGED TABLE sign_in_failures (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  scope text NOT NULL CHECK (scope IN ('address', 'device')),
  key_hash text NOT NULL,
  tag_hash text NOT NULL,
  failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_key_idx ON sign_in_failures (scope, key_hash, failed_at);

CREATE TABLE server_secrets (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE server_secrets;
DROP TABLE sign_in_failures;
DROP TABLE rate_limit_counters;
DROP TABLE used_form_tokens;
DROP TABLE analysis_jobs;
