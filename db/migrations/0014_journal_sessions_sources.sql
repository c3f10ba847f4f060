-- Up Migration
-- The journal groups a map session's tile reads: each entry carries a reference to the session
-- (or access token) it came from. The reference is the first 16 hex digits of a SHA-256 of the
-- session's secret under a journal-only prefix: it can neither give the secret back nor be
-- joined to the sessions table (which keeps a plain SHA-256 of the secret), and says nothing of
-- the person. Earlier entries have none.
ALTER TABLE audit_log ADD COLUMN session_ref text CHECK (session_ref ~ '^[0-9a-f]{16}$');

-- Independent sources of a deal point (measure 2): the services it is known by (its own and those
-- of merged duplicates) and those that observed it. The map can keep the points confirmed by at
-- least K sources.
CREATE FUNCTION deal_point_sources_count(point_id bigint) RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT count(*)::int FROM (
    SELECT i.source_code FROM deal_point_identifiers i WHERE i.deal_point_id = point_id
    UNION SELECT d.source_code FROM deal_points d WHERE d.id = point_id
    UNION SELECT o.source_code FROM deal_point_observations o WHERE o.deal_point_id = point_id
  ) s
$$;
