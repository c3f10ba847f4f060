-- Up Migration
-- SSMSI recorded-crime statistics (public): departmental base (all 18 indicators) and communal
-- base (small counts withheld: unknown, never zero).

CREATE TABLE crime_indicators (
  code text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]+$'),
  label text NOT NULL UNIQUE,
  unit text NOT NULL CHECK (unit IN ('persons_implicated', 'offences', 'victims', 'victims_heard', 'vehicles')),
  unit_label text NOT NULL
);

CREATE TABLE department_crime_statistics (
  department_code text NOT NULL REFERENCES departments (code),
  year smallint NOT NULL CHECK (year BETWEEN 1990 AND 2100),
  indicator_code text NOT NULL REFERENCES crime_indicators (code),
  count integer CHECK (count >= 0),
  rate_per_1000 numeric(12, 6) CHECK (rate_per_1000 >= 0),
  population integer CHECK (population >= 0),
  PRIMARY KEY (department_code, year, indicator_code)
);

CREATE TABLE commune_crime_statistics (
  insee text NOT NULL REFERENCES communes (insee),
  year smallint NOT NULL CHECK (year BETWEEN 1990 AND 2100),
  indicator_code text NOT NULL REFERENCES crime_indicators (code),
  -- est_diffuse = 'ndiff': the count is withheld by the SSMSI; it stays NULL (unknown).
  is_published boolean NOT NULL,
  count integer CHECK (count >= 0),
  rate_per_1000 numeric(12, 6) CHECK (rate_per_1000 >= 0),
  population integer CHECK (population >= 0),
  PRIMARY KEY (insee, year, indicator_code),
  CONSTRAINT commune_crime_statistics_withheld_unknown CHECK (is_published OR (count IS NULL AND rate_per_1000 IS NULL))
);
CREATE INDEX commune_crime_statistics_indicator_year_idx ON commune_crime_statistics (indicator_code, year);
