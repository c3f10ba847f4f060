-- Up Migration
-- near(a, b, meters): whether geometries a and b (WGS84 longitude/latitude) come within `meters` of
-- each other on the spheroid (issue 11: one definition of the `&&` + ST_DWithin idiom). The box
-- test comes first so that an index on `a` is used (the geography test alone would not use a
-- geometry index): b's box grown by `meters` in degrees of longitude at b's latitude farthest from
-- the equator (plus the distance itself), which holds the whole disk; then the exact test. A plain
-- SQL expression, inlined by the planner where it is called.
CREATE FUNCTION near(a geometry, b geometry, meters float8) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT a && ST_Expand(b, meters / (111320.0 * greatest(cos(radians(least(89.0, greatest(abs(ST_YMin(b)), abs(ST_YMax(b))) + meters / 111320.0))), 0.01)))
     AND ST_DWithin(a::geography, b::geography, meters)
$$;
