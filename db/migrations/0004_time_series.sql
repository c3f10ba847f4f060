-- Up Migration
-- Month arithmetic shared by the time-series endpoints and the vector tiles: a month is an
-- integer counted from January 2000 (0), so the map can filter points by month without dates.
CREATE FUNCTION month_index(d date) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (extract(year FROM d)::integer - 2000) * 12 + extract(month FROM d)::integer - 1;

-- Down Migration
DROP FUNCTION month_index(date);
