-- Up Migration
-- A report joins the cluster of a pending report within 75 m of it only in the same department:
-- a cluster shared across a border told a CROSS that another department had a pending report there.
CREATE OR REPLACE FUNCTION public_reports_place() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.commune_insee := commune_at_or_raise(NEW.geom, 'public_reports_location_in_commune');
  SELECT department_code INTO NEW.department_code FROM communes WHERE insee = NEW.commune_insee;
  IF TG_OP = 'INSERT' THEN
    SELECT r.cluster_id INTO NEW.cluster_id FROM public_reports r
    WHERE r.status = 'pending' AND r.department_code = NEW.department_code AND r.geom && ST_Expand(NEW.geom, 0.002)
      AND ST_DWithin(r.geom::geography, NEW.geom::geography, 75)
    ORDER BY r.id LIMIT 1;
    -- Identity values are assigned before BEFORE triggers run: a lone report is its own cluster.
    NEW.cluster_id := coalesce(NEW.cluster_id, NEW.id);
  END IF;
  RETURN NEW;
END
$$;

-- Existing clusters that span a border are split: each report outside its cluster's department
-- starts a cluster of its own (the first report of each department side keeps its id as key).
UPDATE public_reports r SET cluster_id = (
  SELECT min(o.id) FROM public_reports o WHERE o.cluster_id = r.cluster_id AND o.department_code = r.department_code)
WHERE EXISTS (SELECT 1 FROM public_reports o WHERE o.cluster_id = r.cluster_id AND o.department_code <> r.department_code);

-- Down Migration
