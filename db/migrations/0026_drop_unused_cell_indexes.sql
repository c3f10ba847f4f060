-- Up Migration
-- The deal points' H3 cell indexes (migration 0001) serve no query: cells are grouped, never looked
-- up (hexbins group every active point by its cell; the cube, series and tiles read the
-- pre-aggregated months of 0019/0024 and the spatial index). At 100x the demo pg_stat_user_indexes
-- counted 0 scans of each after the whole scale benchmark, while every imported point paid three
-- B-tree insertions at random keys: 5,000 rows inserted in 390-470 ms with them, 300 ms without.
DROP INDEX IF EXISTS deal_points_h3_r7_idx;
DROP INDEX IF EXISTS deal_points_h3_r8_idx;
DROP INDEX IF EXISTS deal_points_h3_r9_idx;

-- Down Migration
CREATE INDEX IF NOT EXISTS deal_points_h3_r7_idx ON deal_points (h3_r7);
CREATE INDEX IF NOT EXISTS deal_points_h3_r8_idx ON deal_points (h3_r8);
CREATE INDEX IF NOT EXISTS deal_points_h3_r9_idx ON deal_points (h3_r9);
