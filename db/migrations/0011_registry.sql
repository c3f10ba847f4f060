-- Up Migration
-- One registry from many sources: every (source, external id) a deal point is known by, merges of
-- duplicates reported by several services (with what undoing them needs), and pairs an analyst
-- declared distinct (never proposed again).

-- Every identifier a point is known by. A point's own (source_code, external_id) is always here
-- (kept by the trigger below); a merge moves the absorbed point's identifiers to the point kept,
-- so later imports from either source find the merged point.
CREATE TABLE deal_point_identifiers (
  source_code text NOT NULL REFERENCES services (code),
  external_id text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 100),
  deal_point_id bigint NOT NULL REFERENCES deal_points (id) ON DELETE CASCADE,
  added_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT deal_point_identifiers_pkey PRIMARY KEY (source_code, external_id)
);
CREATE INDEX deal_point_identifiers_deal_point_id_idx ON deal_point_identifiers (deal_point_id);
INSERT INTO deal_point_identifiers (source_code, external_id, deal_point_id)
SELECT source_code, external_id, id FROM deal_points WHERE external_id IS NOT NULL;

-- A key another point holds through a merge is taken: the insert of the identifier then fails
-- with the primary key's unique violation, answered as "already used".
CREATE FUNCTION deal_points_keep_identifier() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF (OLD.source_code, OLD.external_id) IS NOT DISTINCT FROM (NEW.source_code, NEW.external_id) THEN RETURN NEW; END IF;
    DELETE FROM deal_point_identifiers WHERE source_code = OLD.source_code AND external_id = OLD.external_id AND deal_point_id = OLD.id;
  END IF;
  IF NEW.external_id IS NOT NULL THEN
    INSERT INTO deal_point_identifiers (source_code, external_id, deal_point_id) VALUES (NEW.source_code, NEW.external_id, NEW.id)
    ON CONFLICT (source_code, external_id) DO UPDATE SET deal_point_id = EXCLUDED.deal_point_id
      WHERE deal_point_identifiers.deal_point_id = EXCLUDED.deal_point_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'identifier already held by another deal point'
        USING ERRCODE = 'unique_violation', CONSTRAINT = 'deal_points_source_external_id_key', COLUMN = 'external_id';
    END IF;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER deal_points_keep_identifier AFTER INSERT OR UPDATE OF source_code, external_id ON deal_points
FOR EACH ROW EXECUTE FUNCTION deal_points_keep_identifier();

-- A merge: the point kept, the absorbed point as it was (row, status events, observations, as
-- JSON) and what the merge added to the point kept, so that undo restores both exactly.
CREATE TABLE deal_point_merges (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kept_id bigint NOT NULL REFERENCES deal_points (id) ON DELETE CASCADE,
  absorbed_id bigint NOT NULL,
  department_code text NOT NULL REFERENCES departments (code),
  absorbed jsonb NOT NULL,
  kept_before jsonb NOT NULL,
  moved_event_ids bigint[] NOT NULL DEFAULT '{}',
  moved_observation_ids bigint[] NOT NULL DEFAULT '{}',
  moved_identifiers jsonb NOT NULL DEFAULT '[]',
  distance_m double precision NOT NULL CHECK (distance_m >= 0),
  merged_by bigint NOT NULL REFERENCES users (id),
  merged_at timestamptz NOT NULL DEFAULT now(),
  undone_by bigint REFERENCES users (id),
  undone_at timestamptz,
  CONSTRAINT deal_point_merges_undo_complete CHECK ((undone_by IS NULL) = (undone_at IS NULL))
);
CREATE INDEX deal_point_merges_kept_id_idx ON deal_point_merges (kept_id);
CREATE INDEX deal_point_merges_department_code_idx ON deal_point_merges (department_code, merged_at);

-- Pairs an analyst judged distinct places: never proposed again.
CREATE TABLE deal_point_distinct_pairs (
  low_id bigint NOT NULL REFERENCES deal_points (id) ON DELETE CASCADE,
  high_id bigint NOT NULL REFERENCES deal_points (id) ON DELETE CASCADE,
  decided_by bigint NOT NULL REFERENCES users (id),
  decided_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT deal_point_distinct_pairs_pkey PRIMARY KEY (low_id, high_id),
  CONSTRAINT deal_point_distinct_pairs_ordered CHECK (low_id < high_id)
);
CREATE INDEX deal_point_distinct_pairs_high_id_idx ON deal_point_distinct_pairs (high_id);

-- Moderation decisions, one row each (accept, merge, reject, and their undoing within the day):
-- the report's history. A decision that created a candidate point says so, so that undoing it
-- removes that point when nothing else uses it.
CREATE TABLE public_report_decisions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  report_id bigint NOT NULL REFERENCES public_reports (id) ON DELETE CASCADE,
  decision text NOT NULL CHECK (decision IN ('accepted', 'merged', 'rejected', 'undone')),
  reason_code text CHECK (reason_code IN ('sans_activite', 'information_insuffisante', 'hors_sujet', 'lieu_imprecis', 'deja_connu', 'abusif', 'autre')),
  reason_text text CHECK (length(reason_text) BETWEEN 3 AND 500),
  deal_point_id bigint,
  merged_into bigint REFERENCES public_reports (id) ON DELETE SET NULL,
  created_candidate boolean NOT NULL DEFAULT false,
  decided_by bigint NOT NULL REFERENCES users (id),
  decided_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX public_report_decisions_report_id_idx ON public_report_decisions (report_id, id);
