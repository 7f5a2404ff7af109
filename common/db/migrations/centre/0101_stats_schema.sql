-- Statistics, part 2 (shared by the centre and the SCEC): schema stats, its
-- tables, and the read-only role of statisticians.
--
-- ecr_stats is cluster-wide and created NOLOGIN: the administrator decides who
-- may log in with it (ALTER ROLE ecr_stats LOGIN PASSWORD '…', see
-- docs/statistics.md).  It gets USAGE on schema stats and SELECT on what is in it
-- (granted by the generated views migration), nothing else: no access to
-- stats_source (the act data with names) nor to the ecr schema.
-- The views of schema stats are owned by the migration role and run with its
-- rights, so ecr_stats reads aggregated and de-identified rows only.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ecr_stats') THEN
        BEGIN
            CREATE ROLE ecr_stats NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT
                NOREPLICATION NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- created meanwhile by another database's migration
        END;
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO ecr_stats', current_database());
END $$;

-- Tabulations group hundreds of thousands of rows: let the statisticians'
-- sessions hash them in memory rather than sort them on disk.  The role is
-- shared by every database of the cluster, whose migrations may run at the same
-- time: set it once, and let a concurrent migration's identical change win.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
                   WHERE r.rolname = 'ecr_stats' AND s.setdatabase = 0
                     AND 'work_mem=64MB' = ANY (s.setconfig)) THEN
        BEGIN
            ALTER ROLE ecr_stats SET work_mem = '64MB';
        EXCEPTION WHEN internal_error OR unique_violation THEN
            NULL;  -- "tuple concurrently updated": another migration set it meanwhile
        END;
    END IF;
END $$;

CREATE SCHEMA stats;
REVOKE ALL ON SCHEMA stats FROM PUBLIC;
GRANT USAGE ON SCHEMA stats TO ecr_stats;
ALTER DEFAULT PRIVILEGES IN SCHEMA stats REVOKE ALL ON TABLES FROM PUBLIC;

-- Labels of every code the views hold (generated from the data dictionary).
CREATE TABLE stats.code_label (
    list text NOT NULL,
    code text NOT NULL,
    position integer NOT NULL,
    label_fr text NOT NULL,
    label_en text NOT NULL,
    PRIMARY KEY (list, code)
);

-- The published tables (generated): what `ecr stats list` shows.
CREATE TABLE stats.catalogue (
    key text PRIMARY KEY,
    view text NOT NULL UNIQUE,
    kind text NOT NULL CHECK (kind IN ('tabulation', 'measure', 'series', 'input')),
    position integer NOT NULL,
    title_fr text NOT NULL,
    title_en text NOT NULL
);

-- Entered by the officer (centre) or the SCEC's statisticians' administrator.
-- area_code follows the national nomenclature (digits); an entry covers every
-- area code that starts with it.
CREATE TABLE stats.expected_events (
    area_code text NOT NULL CHECK (area_code ~ '^[0-9]{1,12}$'),
    year integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    event_type text NOT NULL CHECK (event_type ~ '^[a-z_]{1,40}$'),
    expected integer NOT NULL CHECK (expected >= 0),
    entered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (area_code, year, event_type)
);

CREATE TABLE stats.population (
    area_code text NOT NULL CHECK (area_code ~ '^[0-9]{1,12}$'),
    year integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    population bigint NOT NULL CHECK (population > 0),
    entered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (area_code, year)
);

-- The national table of urban and rural areas: a code or a prefix of codes;
-- the longest matching prefix wins (common.acts.dictionary.urban_rural).
CREATE TABLE stats.urban_rural_areas (
    area_code text PRIMARY KEY CHECK (area_code ~ '^[0-9]{1,12}$'),
    urban_rural text NOT NULL CHECK (urban_rural IN ('urban', 'rural')),
    entered_at timestamptz NOT NULL DEFAULT now()
);
