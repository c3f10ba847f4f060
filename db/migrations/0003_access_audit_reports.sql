-- Up Migration
-- Who sees what: users and their roles and departments, sessions, the append-only audit trail,
-- and the public reporting platform (measure 16). No personal data: accounts are service logins,
-- reports keep no IP address, identity or device data.

CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
  password_hash text NOT NULL CHECK (password_hash LIKE '$argon2%'),
  role text NOT NULL CHECK (role IN ('national_analyst', 'departmental_analyst', 'prefect', 'deputy', 'admin')),
  -- Departments whose precise data a departmental analyst or a prefect may see.
  department_codes text[] NOT NULL DEFAULT '{}',
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_scoped_roles_have_departments
    CHECK ((role IN ('departmental_analyst', 'prefect')) = (cardinality(department_codes) > 0))
);

CREATE TABLE sessions (
  -- SHA-256 of the random session token; the token itself lives only in the user's cookie.
  token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  CHECK (expires_at > created_at)
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- Append-only: who read precise data, exported or wrote, when, where, for which period, how much.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  user_id bigint REFERENCES users (id),
  username text,
  role text,
  action text NOT NULL CHECK (action IN ('read_precise', 'export', 'write', 'sign_in', 'sign_in_failed', 'sign_out', 'moderate', 'admin')),
  method text NOT NULL,
  route text NOT NULL,
  status_code smallint NOT NULL,
  area text,
  time_window text,
  record_count integer CHECK (record_count >= 0)
);
CREATE INDEX audit_log_occurred_at_idx ON audit_log (occurred_at);
CREATE INDEX audit_log_user_id_idx ON audit_log (user_id);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- A point reported by the public and accepted by a CROSS is a candidate until confirmed.
ALTER TABLE deal_points ADD COLUMN verification text NOT NULL DEFAULT 'confirmed'
  CHECK (verification IN ('confirmed', 'candidate'));

CREATE TABLE public_reports (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  receipt text NOT NULL UNIQUE CHECK (receipt ~ '^SIG-[0-9A-HJ-NP-Z]{10}$'),
  geom geometry(Point, 4326) NOT NULL CHECK (in_france_extent(geom)),
  -- 'pin': placed on the map; 'commune': only the commune was given (geom = its centre).
  location_precision text NOT NULL CHECK (location_precision IN ('pin', 'commune')),
  commune_insee text NOT NULL REFERENCES communes (insee),
  department_code text NOT NULL REFERENCES departments (code),
  seen text[] NOT NULL CHECK (cardinality(seen) >= 1 AND seen <@ ARRAY[
    'vente', 'guetteurs', 'file_acheteurs', 'consommation', 'vente_vehicule', 'rassemblement', 'autre']::text[]),
  times_of_day text[] NOT NULL DEFAULT '{}' CHECK (times_of_day <@ ARRAY['matin', 'apres_midi', 'soiree', 'nuit']::text[]),
  description text CHECK (length(description) <= 1000),
  -- Only the day is kept, not the time: it says when, without helping to identify who.
  reported_on date NOT NULL DEFAULT current_date,
  cluster_id bigint NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'merged', 'rejected')),
  deal_point_id bigint REFERENCES deal_points (id) ON DELETE SET NULL,
  merged_into bigint REFERENCES public_reports (id),
  rejection_reason text CHECK (length(rejection_reason) BETWEEN 3 AND 500),
  moderated_by bigint REFERENCES users (id),
  moderated_at timestamptz,
  CONSTRAINT public_reports_rejection_has_reason CHECK ((status = 'rejected') = (rejection_reason IS NOT NULL)),
  CONSTRAINT public_reports_merge_has_target CHECK ((status = 'merged') = (merged_into IS NOT NULL)),
  CONSTRAINT public_reports_moderation_recorded CHECK ((status = 'pending') = (moderated_at IS NULL))
);
CREATE INDEX public_reports_geom_idx ON public_reports USING gist (geom);
CREATE INDEX public_reports_department_status_idx ON public_reports (department_code, status);

-- The commune and department of a report come from its location; a report joins the cluster
-- of a pending report within 75 m of it, so repeated reports of one spot are grouped.
CREATE FUNCTION public_reports_place() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.commune_insee := commune_at_or_raise(NEW.geom, 'public_reports_location_in_commune');
  SELECT department_code INTO NEW.department_code FROM communes WHERE insee = NEW.commune_insee;
  IF TG_OP = 'INSERT' THEN
    SELECT r.cluster_id INTO NEW.cluster_id FROM public_reports r
    WHERE r.status = 'pending' AND r.geom && ST_Expand(NEW.geom, 0.002)
      AND ST_DWithin(r.geom::geography, NEW.geom::geography, 75)
    ORDER BY r.id LIMIT 1;
    -- Identity values are assigned before BEFORE triggers run: a lone report is its own cluster.
    NEW.cluster_id := coalesce(NEW.cluster_id, NEW.id);
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER public_reports_place BEFORE INSERT OR UPDATE OF geom ON public_reports
FOR EACH ROW EXECUTE FUNCTION public_reports_place();
