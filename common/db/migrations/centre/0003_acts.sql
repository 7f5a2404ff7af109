-- Centre database, part 3: acts, numbering, search keys, marginal mentions, outbox.
--
-- Rules held here whatever the client (even the owner role, except where said):
--  * an act is inserted only as a draft, and its status changes only along
--    ecr.transitions (no skipped step);
--  * an act's data, numbers and derived columns change only while it is a draft
--    or rejected; once validated nothing but its transmission status and times
--    may change; acts are never deleted;
--  * register numbers (per event type and year) and NIU serials (per year) come
--    from ecr.counters rows locked by INSERT … ON CONFLICT DO UPDATE … RETURNING
--    in the same transaction as the act, so they are unique and gap-free;
--  * mentions are appended, never changed or deleted.

-- Statement-level refusal for tables that are never truncated.
CREATE FUNCTION ecr._refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
BEGIN
    PERFORM _refuse('EC007', TG_ARGV[0]);
    RETURN NULL;
END $$;

CREATE TABLE ecr.counters (
    kind text NOT NULL,      -- 'register', 'niu', 'receipt'
    scope text NOT NULL,     -- the event type for 'register', '' otherwise
    year integer NOT NULL,
    last integer NOT NULL,
    PRIMARY KEY (kind, scope, year)
);

CREATE FUNCTION ecr._next_serial(p_kind text, p_scope text, p_year integer) RETURNS integer
LANGUAGE sql SET search_path = ecr, pg_temp AS $$
    INSERT INTO counters AS c (kind, scope, year, last) VALUES (p_kind, p_scope, p_year, 1)
    ON CONFLICT (kind, scope, year) DO UPDATE SET last = c.last + 1
    RETURNING last;
$$;

-- The NIU: centre code (6) + year (4) + serial (7) + ISO 7064 MOD 97-10 check
-- digits (2), the same algorithm as common/acts/niu.py (a test compares them).
CREATE FUNCTION ecr.niu_make(p_centre text, p_year integer, p_serial integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT SET search_path = ecr, pg_temp AS $$
    SELECT body || lpad((98 - (body::numeric * 100) % 97)::text, 2, '0')
    FROM (SELECT p_centre || lpad(p_year::text, 4, '0') || lpad(p_serial::text, 7, '0')) AS b(body)
$$;

CREATE TABLE ecr.acts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_type text NOT NULL REFERENCES ecr.event_types,
    status text NOT NULL CHECK (status IN ('draft', 'verified', 'validated', 'transmitted',
                                           'acknowledged', 'rejected')),
    register_year integer NOT NULL,
    register_serial integer NOT NULL CHECK (register_serial > 0),
    niu text UNIQUE CHECK (niu ~ '^[0-9]{19}$'),
    data jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'),
    summary jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(summary) = 'object'),
    occurred_on date,
    registered_on date NOT NULL,
    timeliness text CHECK (timeliness IN ('current', 'late', 'delayed')),
    principal_key text COLLATE "C",
    principal_date date,
    mother_key text COLLATE "C",
    drafted_by integer NOT NULL REFERENCES ecr.users,
    drafted_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    verified_by integer REFERENCES ecr.users,
    verified_at timestamptz,
    validated_by integer REFERENCES ecr.users,
    validated_at timestamptz,
    rejected_by integer REFERENCES ecr.users,
    rejected_at timestamptz,
    rejection_reason text,
    transmitted_at timestamptz,
    acknowledged_at timestamptz,
    UNIQUE (event_type, register_year, register_serial),
    CHECK (status IN ('draft', 'rejected') OR niu IS NOT NULL)
);
CREATE INDEX acts_status ON ecr.acts (status, id);
CREATE INDEX acts_drafted_by ON ecr.acts (drafted_by, status, id);
CREATE INDEX acts_register ON ecr.acts (register_year, register_serial);
CREATE INDEX acts_type_status ON ecr.acts (event_type, status, id);
CREATE INDEX acts_occurred ON ecr.acts (occurred_on);
CREATE INDEX acts_registered ON ecr.acts (registered_on);
CREATE INDEX acts_duplicates ON ecr.acts (event_type, principal_key, principal_date);

-- Search keys of the persons named in an act (computed by common/acts names
-- functions when drafting): one row per word of a name.  role is 'principal'
-- (child, deceased, spouse …) or 'parent'; part is 'surname' or 'given'.
-- COLLATE "C" lets a plain B-tree serve prefix LIKE and ordered scans.
CREATE TABLE ecr.act_person_keys (
    act_id bigint NOT NULL REFERENCES ecr.acts,
    role text NOT NULL CHECK (role IN ('principal', 'parent')),
    part text NOT NULL CHECK (part IN ('surname', 'given')),
    key text COLLATE "C" NOT NULL,
    phonetic text COLLATE "C" NOT NULL
);
CREATE INDEX act_person_keys_key ON ecr.act_person_keys (role, part, key, act_id);
CREATE INDEX act_person_keys_phonetic ON ecr.act_person_keys (role, part, phonetic, act_id);
CREATE INDEX act_person_keys_act ON ecr.act_person_keys (act_id);

CREATE FUNCTION ecr._act_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM transitions WHERE from_status = 'new'
                       AND to_status = NEW.status) THEN
            PERFORM _refuse('EC003', 'transition_not_allowed', 'status',
                            jsonb_build_object('action', 'insert', 'status', NEW.status));
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM _refuse('EC007', 'act_immutable');
    END IF;
    -- UPDATE
    IF NEW.status <> OLD.status AND NOT EXISTS (
            SELECT 1 FROM transitions WHERE from_status = OLD.status
            AND to_status = NEW.status) THEN
        PERFORM _refuse('EC003', 'transition_not_allowed', 'status',
                        jsonb_build_object('action', NEW.status, 'status', OLD.status));
    END IF;
    IF (NEW.id, NEW.event_type, NEW.register_year, NEW.register_serial, NEW.drafted_by,
        NEW.drafted_at, NEW.registered_on)
       IS DISTINCT FROM (OLD.id, OLD.event_type, OLD.register_year, OLD.register_serial,
                         OLD.drafted_by, OLD.drafted_at, OLD.registered_on)
       OR (OLD.niu IS NOT NULL AND NEW.niu IS DISTINCT FROM OLD.niu) THEN
        PERFORM _refuse('EC007', 'act_immutable');
    END IF;
    IF OLD.status NOT IN ('draft', 'rejected') AND
       (NEW.data, NEW.summary, NEW.occurred_on, NEW.timeliness, NEW.principal_key,
        NEW.principal_date, NEW.mother_key)
       IS DISTINCT FROM (OLD.data, OLD.summary, OLD.occurred_on, OLD.timeliness,
                         OLD.principal_key, OLD.principal_date, OLD.mother_key) THEN
        PERFORM _refuse('EC007', 'act_immutable');
    END IF;
    IF OLD.status IN ('validated', 'transmitted', 'acknowledged') AND
       (NEW.verified_by, NEW.verified_at, NEW.validated_by, NEW.validated_at, NEW.rejected_by,
        NEW.rejected_at, NEW.rejection_reason, NEW.updated_at)
       IS DISTINCT FROM (OLD.verified_by, OLD.verified_at, OLD.validated_by, OLD.validated_at,
                         OLD.rejected_by, OLD.rejected_at, OLD.rejection_reason, OLD.updated_at)
    THEN
        PERFORM _refuse('EC007', 'act_immutable');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER acts_guard BEFORE INSERT OR UPDATE OR DELETE ON ecr.acts
    FOR EACH ROW EXECUTE FUNCTION ecr._act_guard();
CREATE TRIGGER acts_no_truncate BEFORE TRUNCATE ON ecr.acts
    FOR EACH STATEMENT EXECUTE FUNCTION ecr._refuse_change('act_immutable');

-- Person keys follow the act: changeable only while it is a draft or rejected.
CREATE FUNCTION ecr._person_keys_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    st text;
BEGIN
    SELECT status INTO st FROM acts
    WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.act_id ELSE NEW.act_id END;
    IF st NOT IN ('draft', 'rejected') THEN
        PERFORM _refuse('EC007', 'act_immutable');
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER act_person_keys_guard BEFORE INSERT OR UPDATE OR DELETE ON ecr.act_person_keys
    FOR EACH ROW EXECUTE FUNCTION ecr._person_keys_guard();

-- Which links to earlier acts (by NIU) produce which mention on them.  A test
-- checks every NIU field of the data dictionary is listed here.
CREATE TABLE ecr.mention_links (
    event_type text NOT NULL REFERENCES ecr.event_types,
    path text NOT NULL,  -- a jsonpath
    mention_kind text NOT NULL,
    PRIMARY KEY (event_type, mention_kind, path)
);
INSERT INTO ecr.mention_links (event_type, path, mention_kind) VALUES
    ('death', '$.birth_act_niu', 'death'),
    ('marriage', '$.spouses[*].birth_act_niu', 'marriage'),
    ('divorce', '$.marriage_act_niu', 'divorce'),
    ('annulment', '$.marriage_act_niu', 'annulment'),
    ('judicial_separation', '$.marriage_act_niu', 'judicial_separation'),
    ('adoption', '$.child.birth_act_niu', 'adoption'),
    ('legitimation', '$.child.birth_act_niu', 'legitimation'),
    ('recognition', '$.child.birth_act_niu', 'recognition');

CREATE TABLE ecr.mentions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    act_id bigint NOT NULL REFERENCES ecr.acts,
    kind text NOT NULL CHECK (kind IN ('rectification', 'marriage', 'divorce', 'annulment',
                                       'judicial_separation', 'death', 'recognition',
                                       'adoption', 'legitimation', 'other')),
    text text,
    court_decision_date date,
    court_reference text,
    source_niu text CHECK (source_niu ~ '^[0-9]{19}$'),
    event_date date,
    created_by integer REFERENCES ecr.users,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'rectification'
           OR (court_decision_date IS NOT NULL AND btrim(coalesce(court_reference, '')) <> '')),
    CHECK (source_niu IS NOT NULL OR btrim(coalesce(text, '')) <> '')
);
CREATE INDEX mentions_act ON ecr.mentions (act_id, id);
-- A later act puts one mention of a kind on an earlier act: receiving it twice
-- (from the SCEC) changes nothing.
CREATE UNIQUE INDEX mentions_once ON ecr.mentions (act_id, kind, source_niu)
    WHERE source_niu IS NOT NULL;

-- Mentions go only on validated (or later) acts, and are never changed.
CREATE FUNCTION ecr._mention_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    st text;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM _refuse('EC007', 'mention_immutable');
    END IF;
    SELECT status INTO st FROM acts WHERE id = NEW.act_id;
    IF NOT EXISTS (SELECT 1 FROM transitions WHERE action = 'mention' AND from_status = st) THEN
        PERFORM _refuse('EC003', 'transition_not_allowed', 'status',
                        jsonb_build_object('action', 'mention', 'status', st));
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER mentions_guard BEFORE INSERT OR UPDATE OR DELETE ON ecr.mentions
    FOR EACH ROW EXECUTE FUNCTION ecr._mention_guard();
CREATE TRIGGER mentions_no_truncate BEFORE TRUNCATE ON ecr.mentions
    FOR EACH STATEMENT EXECUTE FUNCTION ecr._refuse_change('mention_immutable');

-- The outbox: what must reach the SCEC.  Written in the same transaction as the
-- validation (or mention) that causes it; the transmitter (owner side) marks
-- entries sent and acknowledged.  kind 'act': a validated act; kind 'mention':
-- a mention, target_centre being the centre holding the act it goes on.
CREATE TABLE ecr.outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('act', 'mention')),
    act_id bigint REFERENCES ecr.acts,
    niu text NOT NULL CHECK (niu ~ '^[0-9]{19}$'),
    target_centre text NOT NULL CHECK (target_centre ~ '^[0-9]{6}$'),
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    acknowledged_at timestamptz
);
CREATE INDEX outbox_pending ON ecr.outbox (id) WHERE acknowledged_at IS NULL;
