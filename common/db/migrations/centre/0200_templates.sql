-- Centre database, print designer: document templates and printer calibration.
--
-- A template is stored as the very JSON file the designer exports
-- (docs/template-format.md), checked by the Python reader before it gets here.
-- Versions are append-only: saving inserts the next version, never overwrites
-- one, so a copy printed last year can be reprinted exactly as it was, and
-- two officers saving at once cannot lose each other's work (the second is told
-- the template changed).  Workstations (role ecr_app) reach these tables only
-- through the SECURITY DEFINER functions below, like every other table (0001):
-- reading needs 'settings.read', saving needs 'settings.change' (the officer);
-- a workstation's printer offset needs 'copy.issue' (whoever prints copies).
--
-- Refusals (SQLSTATE class EC, rule as message, field as DETAIL), translated by
-- printdesigner/store.py:
--   EC005 template_bad_document, template_bad_key, calibration_out_of_range
--   EC006 template_changed
--   EC004 template_not_found

CREATE TABLE ecr.print_templates (
    key text NOT NULL CHECK (key ~ '^[a-z0-9][a-z0-9_.-]{0,79}$'),
    version integer NOT NULL CHECK (version >= 1),
    name text NOT NULL CHECK (btrim(name) <> ''),
    event_type text REFERENCES ecr.event_types (key),
    kind text NOT NULL,
    document jsonb NOT NULL CHECK (document ->> 'format' = 'ecr-print-template'),
    saved_by integer REFERENCES ecr.users (number),
    saved_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key, version)
);
CREATE INDEX print_templates_event ON ecr.print_templates (event_type, kind);

CREATE FUNCTION ecr._print_templates_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
BEGIN
    PERFORM _refuse('EC007', 'template_version_immutable');
    RETURN NULL;
END $$;
CREATE TRIGGER print_templates_append_only BEFORE UPDATE OR DELETE ON ecr.print_templates
    FOR EACH ROW EXECUTE FUNCTION ecr._print_templates_append_only();

CREATE TABLE ecr.printer_calibration (
    workstation text PRIMARY KEY CHECK (btrim(workstation) <> ''),
    dx_mm numeric(5, 2) NOT NULL CHECK (dx_mm BETWEEN -50 AND 50),
    dy_mm numeric(5, 2) NOT NULL CHECK (dy_mm BETWEEN -50 AND 50),
    set_by integer REFERENCES ecr.users (number),
    set_at timestamptz NOT NULL DEFAULT now()
);

-- Save a new version of a template.  p_base_version is the version the editor
-- started from (NULL for a new template): if someone saved meanwhile, refuse.
CREATE FUNCTION ecr.template_save(p_token uuid, p_key text, p_base_version integer,
                                  p_name text, p_event_type text, p_kind text,
                                  p_document jsonb) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'settings.change');
    current_version integer;
    next_version integer;
BEGIN
    IF p_key IS NULL OR p_key !~ '^[a-z0-9][a-z0-9_.-]{0,79}$' THEN
        PERFORM _refuse('EC005', 'template_bad_key', 'key');
    END IF;
    IF p_document IS NULL OR jsonb_typeof(p_document) <> 'object'
       OR p_document ->> 'format' IS DISTINCT FROM 'ecr-print-template'
       OR p_document ->> 'key' IS DISTINCT FROM p_key THEN
        PERFORM _refuse('EC005', 'template_bad_document', 'document');
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('ecr.print_templates:' || p_key));
    SELECT max(version) INTO current_version FROM print_templates WHERE key = p_key;
    IF current_version IS DISTINCT FROM p_base_version THEN
        PERFORM _refuse('EC006', 'template_changed', 'version',
                        jsonb_build_object('key', p_key, 'version', current_version));
    END IF;
    next_version := coalesce(current_version, 0) + 1;
    INSERT INTO print_templates (key, version, name, event_type, kind, document, saved_by)
    VALUES (p_key, next_version, p_name, p_event_type, p_kind,
            jsonb_set(p_document, '{version}', to_jsonb(next_version)), a.number);
    PERFORM _audit(a, 'template.save', NULL,
                   jsonb_build_object('key', p_key, 'version', next_version));
    RETURN next_version;
END $$;

-- One version of a template (the latest when p_version is NULL).
CREATE FUNCTION ecr.template_get(p_token uuid, p_key text, p_version integer DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'settings.read');
    doc jsonb;
BEGIN
    SELECT t.document INTO doc FROM print_templates t
    WHERE t.key = p_key AND (p_version IS NULL OR t.version = p_version)
    ORDER BY t.version DESC LIMIT 1;
    IF doc IS NULL THEN
        PERFORM _refuse('EC004', 'template_not_found', 'key',
                        jsonb_build_object('key', p_key));
    END IF;
    RETURN doc;
END $$;

-- The latest version of every template, optionally of one event type.
CREATE FUNCTION ecr.template_list(p_token uuid, p_event_type text DEFAULT NULL,
                                  OUT key text, OUT version integer, OUT name text,
                                  OUT event_type text, OUT kind text, OUT saved_by integer,
                                  OUT saved_at timestamptz)
RETURNS SETOF record
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'settings.read');
BEGIN
    RETURN QUERY
    SELECT DISTINCT ON (t.key) t.key, t.version, t.name, t.event_type, t.kind, t.saved_by,
           t.saved_at
    FROM print_templates t
    WHERE p_event_type IS NULL OR t.event_type = p_event_type
    ORDER BY t.key, t.version DESC;
END $$;

-- Every version of one template, newest first (the designer's history).
CREATE FUNCTION ecr.template_versions(p_token uuid, p_key text,
                                      OUT version integer, OUT name text,
                                      OUT saved_by integer, OUT saved_at timestamptz)
RETURNS SETOF record
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'settings.read');
BEGIN
    RETURN QUERY SELECT t.version, t.name, t.saved_by, t.saved_at FROM print_templates t
    WHERE t.key = p_key ORDER BY t.version DESC;
END $$;

-- The printer offset of the session's workstation (0, 0 when never set).
CREATE FUNCTION ecr.calibration_get(p_token uuid, OUT dx_mm numeric, OUT dy_mm numeric)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, NULL);
BEGIN
    SELECT c.dx_mm, c.dy_mm INTO dx_mm, dy_mm FROM printer_calibration c
    WHERE c.workstation = a.workstation;
    dx_mm := coalesce(dx_mm, 0);
    dy_mm := coalesce(dy_mm, 0);
END $$;

CREATE FUNCTION ecr.calibration_set(p_token uuid, p_dx_mm numeric, p_dy_mm numeric)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'copy.issue');
BEGIN
    IF p_dx_mm IS NULL OR p_dy_mm IS NULL OR abs(p_dx_mm) > 50 OR abs(p_dy_mm) > 50 THEN
        PERFORM _refuse('EC005', 'calibration_out_of_range', 'calibration');
    END IF;
    INSERT INTO printer_calibration (workstation, dx_mm, dy_mm, set_by)
    VALUES (a.workstation, p_dx_mm, p_dy_mm, a.number)
    ON CONFLICT (workstation) DO UPDATE
        SET dx_mm = EXCLUDED.dx_mm, dy_mm = EXCLUDED.dy_mm, set_by = EXCLUDED.set_by,
            set_at = now();
    PERFORM _audit(a, 'calibration.set', NULL,
                   jsonb_build_object('dx_mm', p_dx_mm, 'dy_mm', p_dy_mm));
END $$;

REVOKE ALL ON ecr.print_templates, ecr.printer_calibration FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ecr._print_templates_append_only() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    ecr.template_save(uuid, text, integer, text, text, text, jsonb),
    ecr.template_get(uuid, text, integer),
    ecr.template_list(uuid, text),
    ecr.template_versions(uuid, text),
    ecr.calibration_get(uuid),
    ecr.calibration_set(uuid, numeric, numeric)
TO ecr_app;
