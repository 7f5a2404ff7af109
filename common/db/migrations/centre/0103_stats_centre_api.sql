-- Statistics, part 3 (centre only): the API through which workstations read the
-- published tables and the officer enters expected counts, populations and the
-- urban/rural areas.
--
-- Same pattern as the ecr API (0005): SECURITY DEFINER, pinned search_path,
-- session token first, ecr._actor checks the session.  Reading needs an officer
-- or a secretary; entering needs the officer.  Every entry is audited.  ecr_app
-- gets USAGE on schema stats and EXECUTE on these functions only: no table
-- privilege (schema stats' tables and views are granted to ecr_stats alone).

CREATE FUNCTION stats._reader(p_token uuid) RETURNS ecr.actor
LANGUAGE plpgsql SET search_path = stats, pg_temp AS $$
DECLARE
    a ecr.actor := ecr._actor(p_token, NULL);
BEGIN
    IF a.role NOT IN ('officer', 'secretary') THEN
        PERFORM ecr._refuse('EC002', 'action_not_permitted', NULL,
                            jsonb_build_object('role', a.role, 'action', 'stats.read'));
    END IF;
    RETURN a;
END $$;

CREATE FUNCTION stats._officer(p_token uuid, p_action text) RETURNS ecr.actor
LANGUAGE plpgsql SET search_path = stats, pg_temp AS $$
DECLARE
    a ecr.actor := ecr._actor(p_token, NULL);
BEGIN
    IF a.role <> 'officer' THEN
        PERFORM ecr._refuse('EC002', 'action_not_permitted', NULL,
                            jsonb_build_object('role', a.role, 'action', p_action));
    END IF;
    RETURN a;
END $$;

CREATE FUNCTION stats._check_area(p_area text) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF p_area IS NULL OR p_area !~ '^[0-9]{1,12}$' THEN
        PERFORM ecr._refuse('EC005', 'bad_area_code', 'area_code',
                            jsonb_build_object('value', p_area));
    END IF;
END $$;

CREATE FUNCTION stats._check_year(p_year integer) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF p_year IS NULL OR p_year NOT BETWEEN 1900 AND 2200 THEN
        PERFORM ecr._refuse('EC005', 'bad_year', 'year', jsonb_build_object('value', p_year));
    END IF;
END $$;

-- One published table (stats.catalogue) as JSON rows, columns in view order;
-- p_year keeps the rows of that year (every table with a year column).
CREATE FUNCTION stats.read_table(p_token uuid, p_key text, p_year integer)
RETURNS SETOF json
LANGUAGE plpgsql SECURITY DEFINER SET search_path = stats, pg_temp SET work_mem = '64MB' AS $$
DECLARE
    a ecr.actor := stats._reader(p_token);
    rel text;
BEGIN
    SELECT c.view INTO rel FROM stats.catalogue c WHERE c.key = p_key;
    IF rel IS NULL THEN
        PERFORM ecr._refuse('EC004', 'unknown_statistics_table', 'table',
                            jsonb_build_object('table', p_key));
    END IF;
    IF p_year IS NULL THEN
        RETURN QUERY EXECUTE format('SELECT row_to_json(t) FROM stats.%I t', rel);
    ELSIF EXISTS (SELECT 1 FROM information_schema.columns
                  WHERE table_schema = 'stats' AND table_name = rel
                    AND column_name = 'year') THEN
        RETURN QUERY EXECUTE format('SELECT row_to_json(t) FROM stats.%I t WHERE t.year = $1',
                                    rel) USING p_year;
    ELSE
        PERFORM ecr._refuse('EC005', 'table_without_year', 'year',
                            jsonb_build_object('table', p_key));
    END IF;
END $$;

-- Expected events for an area and year; p_expected NULL removes the entry.
CREATE FUNCTION stats.set_expected(p_token uuid, p_area text, p_year integer,
                                   p_event_type text, p_expected integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = stats, pg_temp AS $$
DECLARE
    a ecr.actor := stats._officer(p_token, 'stats.expected.set');
BEGIN
    PERFORM stats._check_area(p_area);
    PERFORM stats._check_year(p_year);
    IF NOT EXISTS (SELECT 1 FROM ecr.event_types WHERE key = p_event_type) THEN
        PERFORM ecr._refuse('EC005', 'bad_event_type', 'event_type',
                            jsonb_build_object('event_type', p_event_type));
    END IF;
    IF p_expected IS NULL THEN
        DELETE FROM stats.expected_events
        WHERE area_code = p_area AND year = p_year AND event_type = p_event_type;
    ELSIF p_expected < 0 THEN
        PERFORM ecr._refuse('EC005', 'bad_count', 'expected',
                            jsonb_build_object('value', p_expected));
    ELSE
        INSERT INTO stats.expected_events (area_code, year, event_type, expected)
        VALUES (p_area, p_year, p_event_type, p_expected)
        ON CONFLICT (area_code, year, event_type)
        DO UPDATE SET expected = EXCLUDED.expected, entered_at = now();
    END IF;
    PERFORM ecr._audit(a, 'stats.expected.set', NULL, jsonb_build_object(
        'area_code', p_area, 'year', p_year, 'event_type', p_event_type,
        'expected', p_expected));
END $$;

-- Population of an area in a year; p_population NULL removes the entry.
CREATE FUNCTION stats.set_population(p_token uuid, p_area text, p_year integer,
                                     p_population bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = stats, pg_temp AS $$
DECLARE
    a ecr.actor := stats._officer(p_token, 'stats.population.set');
BEGIN
    PERFORM stats._check_area(p_area);
    PERFORM stats._check_year(p_year);
    IF p_population IS NULL THEN
        DELETE FROM stats.population WHERE area_code = p_area AND year = p_year;
    ELSIF p_population <= 0 THEN
        PERFORM ecr._refuse('EC005', 'bad_count', 'population',
                            jsonb_build_object('value', p_population));
    ELSE
        INSERT INTO stats.population (area_code, year, population)
        VALUES (p_area, p_year, p_population)
        ON CONFLICT (area_code, year)
        DO UPDATE SET population = EXCLUDED.population, entered_at = now();
    END IF;
    PERFORM ecr._audit(a, 'stats.population.set', NULL, jsonb_build_object(
        'area_code', p_area, 'year', p_year, 'population', p_population));
END $$;

-- Urban or rural for an area code or prefix; p_value NULL removes the entry.
CREATE FUNCTION stats.set_urban_rural(p_token uuid, p_area text, p_value text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = stats, pg_temp AS $$
DECLARE
    a ecr.actor := stats._officer(p_token, 'stats.urban_rural.set');
BEGIN
    PERFORM stats._check_area(p_area);
    IF p_value IS NULL THEN
        DELETE FROM stats.urban_rural_areas WHERE area_code = p_area;
    ELSIF p_value NOT IN ('urban', 'rural') THEN
        PERFORM ecr._refuse('EC005', 'bad_urban_rural', 'urban_rural',
                            jsonb_build_object('value', p_value));
    ELSE
        INSERT INTO stats.urban_rural_areas (area_code, urban_rural) VALUES (p_area, p_value)
        ON CONFLICT (area_code)
        DO UPDATE SET urban_rural = EXCLUDED.urban_rural, entered_at = now();
    END IF;
    PERFORM ecr._audit(a, 'stats.urban_rural.set', NULL, jsonb_build_object(
        'area_code', p_area, 'urban_rural', p_value));
END $$;

REVOKE ALL ON FUNCTION stats._reader(uuid), stats._officer(uuid, text),
    stats._check_area(text), stats._check_year(integer),
    stats.read_table(uuid, text, integer),
    stats.set_expected(uuid, text, integer, text, integer),
    stats.set_population(uuid, text, integer, bigint),
    stats.set_urban_rural(uuid, text, text) FROM PUBLIC;
GRANT USAGE ON SCHEMA stats TO ecr_app;
GRANT EXECUTE ON FUNCTION
    stats.read_table(uuid, text, integer),
    stats.set_expected(uuid, text, integer, text, integer),
    stats.set_population(uuid, text, integer, bigint),
    stats.set_urban_rural(uuid, text, text)
TO ecr_app;
