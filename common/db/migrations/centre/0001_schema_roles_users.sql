-- Centre database, part 1: the application role, the ecr schema, the centre's
-- identity, settings, users, sessions, and the permissions and workflow tables.
--
-- Security model (see docs/roles-and-workflow.md): every table is owned by the
-- role running the migrations; workstations connect as the cluster-wide role
-- ecr_app, which owns nothing, has no privilege on any table, and may only
-- EXECUTE the SECURITY DEFINER functions of the API (0005).  Everything is
-- revoked from PUBLIC first, then granted.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ecr_app') THEN
        BEGIN
            CREATE ROLE ecr_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT
                NOREPLICATION NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- created meanwhile by another database's migration
        END;
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO ecr_app', current_database());
END $$;

CREATE SCHEMA ecr;
REVOKE ALL ON SCHEMA ecr FROM PUBLIC;
GRANT USAGE ON SCHEMA ecr TO ecr_app;
-- Functions are executable by PUBLIC by default: not here.
ALTER DEFAULT PRIVILEGES IN SCHEMA ecr REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA ecr REVOKE ALL ON TABLES FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA ecr REVOKE ALL ON SEQUENCES FROM PUBLIC;

-- Refusals: SQLSTATE class EC (ours), the rule key as message, the field as
-- DETAIL, parameters of the sentence as a JSON HINT.  The Python adapter
-- (ecr_tk/services/_db.py) turns them into translated errors.
--   EC001 session  EC002 permission  EC003 workflow  EC004 not found
--   EC005 bad value  EC006 conflict  EC007 immutable  EC008 not initialised
CREATE FUNCTION ecr._refuse(p_state text, p_rule text, p_field text DEFAULT NULL,
                            p_params jsonb DEFAULT '{}')
RETURNS void LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = p_state, MESSAGE = p_rule,
        DETAIL = coalesce(p_field, ''), HINT = coalesce(p_params, '{}')::text;
END $$;

CREATE TABLE ecr.centre (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    code text NOT NULL CHECK (code ~ '^[0-9]{6}$'),
    name text NOT NULL CHECK (btrim(name) <> ''),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A secret known only to the database: fake login salts for unknown numbers
-- are derived from it, so user numbers cannot be enumerated.
CREATE TABLE ecr.server_secret (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    secret bytea NOT NULL CHECK (length(secret) = 32)
);
INSERT INTO ecr.server_secret (secret)
VALUES (decode(replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''),
               'hex'));

CREATE TABLE ecr.event_types (key text PRIMARY KEY);
INSERT INTO ecr.event_types (key) VALUES
    ('birth'), ('death'), ('foetal_death'), ('marriage'), ('divorce'), ('annulment'),
    ('judicial_separation'), ('adoption'), ('legitimation'), ('recognition');

-- Settings shared by every workstation.  kind says how a value is checked.
CREATE TABLE ecr.settings (
    key text PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('minutes', 'timeliness', 'age', 'currency')),
    value jsonb NOT NULL
);
INSERT INTO ecr.settings (key, kind, value) VALUES
    ('session.idle_minutes', 'minutes', '30'),
    ('marriage.legal_age', 'age', '18'),
    ('copies.currency', 'currency', '"XOF"');
INSERT INTO ecr.settings (key, kind, value)
SELECT 'timeliness.' || key, 'timeliness', '{"current_days": 30, "late_days": 365}'
FROM ecr.event_types;

CREATE TABLE ecr.users (
    number integer PRIMARY KEY CHECK (number BETWEEN 1 AND 999999),
    name text NOT NULL CHECK (btrim(name) <> ''),
    role text NOT NULL CHECK (role IN ('officer', 'secretary', 'agent')),
    privilege smallint NOT NULL DEFAULT 1 CHECK (privilege BETWEEN 0 AND 9),
    salt bytea NOT NULL CHECK (length(salt) >= 16),
    kdf jsonb NOT NULL,
    verifier bytea NOT NULL CHECK (length(verifier) = 32),  -- sha256(argon2id proof)
    failed_logins integer NOT NULL DEFAULT 0,
    locked boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now()
);
-- Exactly one active officer: at most one here, and the officer can neither be
-- suspended nor demoted through the API.
CREATE UNIQUE INDEX users_one_active_officer ON ecr.users ((true))
    WHERE role = 'officer' AND privilege > 0;

CREATE TABLE ecr.role_limits (role text PRIMARY KEY, max_active integer NOT NULL);
INSERT INTO ecr.role_limits VALUES ('officer', 1), ('secretary', 19), ('agent', 19);

-- Up to 19 active secretaries and 19 active agents, whatever writes the row.
-- The advisory lock serialises concurrent additions so two cannot both pass.
CREATE FUNCTION ecr._check_role_limits() RETURNS trigger
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    n integer;
    lim integer;
BEGIN
    IF NEW.privilege = 0 THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('ecr.users.role_limits'));
    SELECT count(*) INTO n FROM users WHERE role = NEW.role AND privilege > 0;
    SELECT max_active INTO lim FROM role_limits WHERE role = NEW.role;
    IF n > lim THEN
        PERFORM _refuse('EC006', 'role_full', 'role',
                        jsonb_build_object('role', NEW.role, 'max', lim));
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER users_role_limits AFTER INSERT OR UPDATE OF role, privilege
    ON ecr.users FOR EACH ROW EXECUTE FUNCTION ecr._check_role_limits();

-- Sessions: the token itself is never stored, only its SHA-256.
CREATE TABLE ecr.sessions (
    token_hash bytea PRIMARY KEY,
    user_number integer NOT NULL REFERENCES ecr.users,
    workstation text NOT NULL,
    opened_at timestamptz NOT NULL DEFAULT now(),
    last_seen timestamptz NOT NULL DEFAULT now(),
    closed_at timestamptz
);
CREATE INDEX sessions_user ON ecr.sessions (user_number) WHERE closed_at IS NULL;

-- Who may do what: mirrored by ecr_tk/services/permissions.py (a test checks).
CREATE TABLE ecr.permissions (
    role text NOT NULL CHECK (role IN ('officer', 'secretary', 'agent')),
    action text NOT NULL,
    PRIMARY KEY (role, action)
);
INSERT INTO ecr.permissions (role, action) VALUES
    ('agent', 'act.check'), ('secretary', 'act.check'), ('officer', 'act.check'),
    ('agent', 'act.draft'),
    ('agent', 'act.update_draft'),
    ('secretary', 'act.verify'),
    ('secretary', 'act.reject'), ('officer', 'act.reject'),
    ('officer', 'act.validate'),
    ('officer', 'act.mention'),
    ('agent', 'act.show'), ('secretary', 'act.show'), ('officer', 'act.show'),
    ('agent', 'act.history'), ('secretary', 'act.history'), ('officer', 'act.history'),
    ('agent', 'act.search'), ('secretary', 'act.search'), ('officer', 'act.search'),
    ('agent', 'queue.my_drafts'),
    ('agent', 'queue.rejected'),
    ('secretary', 'queue.to_verify'),
    ('officer', 'queue.to_validate'),
    ('secretary', 'copy.issue'), ('officer', 'copy.issue'),
    ('secretary', 'copy.takings'), ('officer', 'copy.takings'),
    ('officer', 'user.add'),
    ('officer', 'user.list'),
    ('officer', 'user.set_privilege'),
    ('officer', 'user.set_password'),
    ('agent', 'user.set_own_password'), ('secretary', 'user.set_own_password'),
    ('officer', 'user.set_own_password'),
    ('officer', 'user.unlock'),
    ('agent', 'settings.read'), ('secretary', 'settings.read'), ('officer', 'settings.read'),
    ('officer', 'settings.change'),
    ('officer', 'audit.verify');

-- The act workflow: mirrored by ecr_tk/services/workflow.py (a test checks).
CREATE TABLE ecr.transitions (
    action text NOT NULL,
    from_status text NOT NULL,
    to_status text NOT NULL,
    PRIMARY KEY (action, from_status)
);
INSERT INTO ecr.transitions (action, from_status, to_status) VALUES
    ('draft', 'new', 'draft'),
    ('update_draft', 'draft', 'draft'),
    ('update_draft', 'rejected', 'draft'),
    ('verify', 'draft', 'verified'),
    ('reject', 'draft', 'rejected'),
    ('reject', 'verified', 'rejected'),
    ('validate', 'verified', 'validated'),
    ('transmit', 'validated', 'transmitted'),
    ('acknowledge', 'transmitted', 'acknowledged'),
    ('mention', 'validated', 'validated'),
    ('mention', 'transmitted', 'transmitted'),
    ('mention', 'acknowledged', 'acknowledged'),
    ('issue_copy', 'validated', 'validated'),
    ('issue_copy', 'transmitted', 'transmitted'),
    ('issue_copy', 'acknowledged', 'acknowledged');
