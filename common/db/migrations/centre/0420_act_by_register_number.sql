-- An act named by its register number, as the clerk reads it (issue 13, bug 2).
--
-- People name an act by its NIU or by its register number "61/2026": never by
-- ecr.acts.id, which is internal (the Copies page took "108" as id 108 and
-- issued a copy of another person's act).  Register numbers are unique per
-- event type and year (0003: UNIQUE (event_type, register_year,
-- register_serial); 0006: one _next_serial('register', type, year) counter per
-- type), so "61/2026" alone may name a birth and a death: without a type the
-- number must name exactly one act, else the reference is refused as
-- ambiguous (EC010) with the types it could mean, and the person chooses.
--
--   EC010 ambiguous reference (HINT: {"ref": "61/2026", "event_types": [...]})

-- The act with that register number (and type, when given); refuses when there
-- is none (EC004) or when, without a type, there are several (EC010).
CREATE FUNCTION ecr._find_act_by_register_number(p_event_type text, p_year integer,
                                                 p_serial integer) RETURNS ecr.acts
LANGUAGE plpgsql STABLE SET search_path = ecr, pg_temp AS $$
DECLARE
    ref text := coalesce(p_serial::text, '?') || '/' || coalesce(p_year::text, '?');
    found acts[];
BEGIN
    IF p_event_type IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM event_types WHERE key = p_event_type) THEN
        PERFORM _refuse('EC005', 'bad_event_type', 'type',
                        jsonb_build_object('event_type', p_event_type));
    END IF;
    SELECT coalesce(array_agg(x ORDER BY x.event_type), '{}') INTO found FROM acts x
    WHERE x.register_year = p_year AND x.register_serial = p_serial
      AND (p_event_type IS NULL OR x.event_type = p_event_type);
    IF cardinality(found) = 0 THEN
        PERFORM _refuse('EC004', 'act_not_found', 'act', jsonb_build_object('ref', ref));
    END IF;
    IF cardinality(found) > 1 THEN
        PERFORM _refuse('EC010', 'act_reference_ambiguous', 'type',
                        jsonb_build_object('ref', ref, 'event_types',
                            (SELECT jsonb_agg(f.event_type ORDER BY f.event_type)
                             FROM unnest(found) AS f)));
    END IF;
    RETURN found[1];
END $$;

-- The act with its mentions, by register number: what ecr.act_show is for an
-- id or a NIU, the same permission and the same audited read.
CREATE FUNCTION ecr.act_show_by_register_number(p_token uuid, p_event_type text,
                                                p_year integer, p_serial integer)
RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'act.show');
    r acts := _find_act_by_register_number(p_event_type, p_year, p_serial);
BEGIN
    PERFORM _audit(a, 'act.show', r.id, '{}');
    RETURN _act_json(r);
END $$;

REVOKE ALL ON FUNCTION ecr._find_act_by_register_number(text, integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION ecr.act_show_by_register_number(uuid, text, integer, integer)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ecr.act_show_by_register_number(uuid, text, integer, integer)
    TO ecr_app;
