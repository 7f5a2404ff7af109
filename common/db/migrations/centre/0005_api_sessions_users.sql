-- Centre database, part 5: the API for login, sessions, users and settings.
--
-- Every function a workstation may call is SECURITY DEFINER with a pinned
-- search_path, takes the session token first, and starts with ecr._actor,
-- which refuses an unknown, closed or idle session, a suspended or locked user,
-- and an action the user's role does not have in ecr.permissions.  So a
-- suspension (privilege 0) takes effect at the user's next action.

-- The session's user, after every check; NULL p_action checks the session only.
CREATE FUNCTION ecr._actor(p_token uuid, p_action text) RETURNS ecr.actor
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    s sessions;
    u users;
    idle integer;
BEGIN
    IF p_token IS NULL THEN
        PERFORM _refuse('EC001', 'session_unknown');
    END IF;
    SELECT * INTO s FROM sessions WHERE token_hash = sha256(uuid_send(p_token));
    IF NOT FOUND THEN
        PERFORM _refuse('EC001', 'session_unknown');
    END IF;
    IF s.closed_at IS NOT NULL THEN
        PERFORM _refuse('EC001', 'session_closed');
    END IF;
    SELECT (value #>> '{}')::integer INTO idle FROM settings WHERE key = 'session.idle_minutes';
    IF s.last_seen < now() - make_interval(mins => coalesce(idle, 30)) THEN
        PERFORM _refuse('EC001', 'session_expired');
    END IF;
    SELECT * INTO u FROM users WHERE number = s.user_number;
    IF u.privilege = 0 THEN
        PERFORM _refuse('EC002', 'user_suspended');
    END IF;
    IF u.locked THEN
        PERFORM _refuse('EC002', 'user_locked');
    END IF;
    IF p_action IS NOT NULL THEN
        PERFORM _permit(u.role, p_action);
    END IF;
    UPDATE sessions SET last_seen = now() WHERE token_hash = s.token_hash
        AND last_seen < now();
    RETURN ROW(u.number, u.name, u.role, s.workstation)::actor;
END $$;

CREATE FUNCTION ecr._permit(p_role text, p_action text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = ecr, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM permissions WHERE role = p_role AND action = p_action) THEN
        PERFORM _refuse('EC002', 'action_not_permitted', NULL,
                        jsonb_build_object('role', p_role, 'action', p_action));
    END IF;
END $$;

-- The status an action leads to from p_status, or a refusal (ecr.transitions).
CREATE FUNCTION ecr._transition(p_action text, p_status text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = ecr, pg_temp AS $$
DECLARE
    target text;
BEGIN
    SELECT to_status INTO target FROM transitions
    WHERE action = p_action AND from_status = p_status;
    IF target IS NULL THEN
        PERFORM _refuse('EC003', 'transition_not_allowed', 'status',
                        jsonb_build_object('action', p_action, 'status', p_status));
    END IF;
    RETURN target;
END $$;

-- ------------------------------------------------------------------- centre
CREATE FUNCTION ecr.centre_identity(OUT code text, OUT name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
    SELECT c.code, c.name FROM (SELECT 1) AS one LEFT JOIN centre c ON true
$$;

-- Owner side only (ecr init): the centre's identity and its officer.
CREATE FUNCTION ecr.init_centre(p_code text, p_name text, p_officer integer,
                                p_officer_name text, p_salt bytea, p_kdf jsonb,
                                p_proof bytea) RETURNS void
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    existing text;
BEGIN
    SELECT code INTO existing FROM centre;
    IF existing IS NOT NULL THEN
        PERFORM _refuse('EC006', 'already_initialised', 'centre',
                        jsonb_build_object('code', existing));
    END IF;
    IF p_code IS NULL OR p_code !~ '^[0-9]{6}$' THEN
        PERFORM _refuse('EC005', 'bad_centre_code', 'centre');
    END IF;
    IF p_officer IS NULL OR p_officer NOT BETWEEN 1 AND 999999 THEN
        PERFORM _refuse('EC005', 'bad_number', 'officer');
    END IF;
    INSERT INTO centre (code, name) VALUES (p_code, p_name);
    INSERT INTO users (number, name, role, privilege, salt, kdf, verifier)
    VALUES (p_officer, p_officer_name, 'officer', 1, p_salt, p_kdf, sha256(p_proof));
    PERFORM _audit(ROW(NULL, NULL, NULL, 'ecr init')::actor, 'centre.init', NULL,
                   jsonb_build_object('code', p_code, 'name', p_name, 'officer', p_officer));
END $$;

CREATE FUNCTION ecr.centre_set_name(p_token uuid, p_name text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'settings.change');
BEGIN
    IF btrim(coalesce(p_name, '')) = '' THEN
        PERFORM _refuse('EC005', 'bad_setting_value', 'name', '{"key": "centre.name"}');
    END IF;
    UPDATE centre SET name = btrim(p_name);
    PERFORM _audit(a, 'settings.change', NULL, jsonb_build_object('centre.name', btrim(p_name)));
END $$;

-- -------------------------------------------------------------------- login
-- Salt and argon2id parameters for a user; for an unknown number a fake salt
-- derived from the server secret, and the default parameters, so the answer
-- looks the same and numbers cannot be enumerated.
CREATE FUNCTION ecr.login_parameters(p_number integer, OUT salt bytea, OUT time_cost integer,
                                     OUT memory_cost integer, OUT parallelism integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    u users;
BEGIN
    SELECT * INTO u FROM users WHERE number = p_number;
    IF FOUND THEN
        salt := u.salt;
        time_cost := (u.kdf ->> 'time_cost')::integer;
        memory_cost := (u.kdf ->> 'memory_cost')::integer;
        parallelism := (u.kdf ->> 'parallelism')::integer;
    ELSE
        SELECT substring(sha256(s.secret || int4send(coalesce(p_number, 0))) FROM 1 FOR 16)
        INTO salt FROM server_secret s;
        time_cost := 2;         -- ecr_tk/services/passwords.py DEFAULT_PARAMS
        memory_cost := 19456;
        parallelism := 1;
    END IF;
END $$;

-- Compare sha256(proof) with the verifier; 5 consecutive failures lock the
-- account.  Returns an outcome instead of raising so that the failure count is
-- committed: 'ok' (with a token), 'wrong_password', 'user_locked',
-- 'user_suspended'.  The password is checked before suspension is told.
CREATE FUNCTION ecr.open_session(p_number integer, p_proof bytea, p_workstation text,
                                 OUT token uuid, OUT outcome text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    u users;
    ws text := left(coalesce(nullif(btrim(p_workstation), ''), 'unknown'), 100);
    who actor;
BEGIN
    SELECT * INTO u FROM users WHERE number = p_number FOR UPDATE;
    IF NOT FOUND THEN
        outcome := 'wrong_password';
        PERFORM _audit(ROW(NULL, NULL, NULL, ws)::actor, 'login.refused', NULL,
                       jsonb_build_object('number', p_number, 'rule', outcome));
        RETURN;
    END IF;
    who := ROW(u.number, u.name, u.role, ws)::actor;
    IF u.locked THEN
        outcome := 'user_locked';
    ELSIF p_proof IS NULL OR sha256(p_proof) <> u.verifier THEN
        UPDATE users SET failed_logins = failed_logins + 1,
                         locked = (failed_logins + 1 >= 5)
        WHERE number = u.number
        RETURNING CASE WHEN locked THEN 'user_locked' ELSE 'wrong_password' END INTO outcome;
    ELSIF u.privilege = 0 THEN
        outcome := 'user_suspended';
    ELSE
        outcome := 'ok';
        token := gen_random_uuid();
        UPDATE users SET failed_logins = 0 WHERE number = u.number AND failed_logins <> 0;
        INSERT INTO sessions (token_hash, user_number, workstation)
        VALUES (sha256(uuid_send(token)), u.number, ws);
        PERFORM _audit(who, 'login', NULL, '{}');
        RETURN;
    END IF;
    PERFORM _audit(who, 'login.refused', NULL, jsonb_build_object('rule', outcome));
END $$;

CREATE FUNCTION ecr.close_session(p_token uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    s sessions;
BEGIN
    UPDATE sessions SET closed_at = now()
    WHERE token_hash = sha256(uuid_send(p_token)) AND closed_at IS NULL
    RETURNING * INTO s;
    IF FOUND THEN
        PERFORM _audit((SELECT ROW(u.number, u.name, u.role, s.workstation)::actor
                        FROM users u WHERE u.number = s.user_number), 'logout', NULL, '{}');
    END IF;
END $$;

CREATE FUNCTION ecr.whoami(p_token uuid, OUT number integer, OUT name text, OUT role text,
                           OUT privilege integer, OUT locked boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, NULL);
BEGIN
    SELECT u.number, u.name, u.role, u.privilege, u.locked
    INTO number, name, role, privilege, locked FROM users u WHERE u.number = a.number;
END $$;

-- -------------------------------------------------------------------- users
CREATE TYPE ecr.user_row AS (number integer, name text, role text, privilege integer,
                             locked boolean);

CREATE FUNCTION ecr._user_row(p_number integer) RETURNS ecr.user_row
LANGUAGE sql STABLE SET search_path = ecr, pg_temp AS $$
    SELECT ROW(number, name, role, privilege, locked)::user_row FROM users WHERE number = p_number
$$;

CREATE FUNCTION ecr._check_kdf(p_salt bytea, p_kdf jsonb, p_proof bytea) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = ecr, pg_temp AS $$
BEGIN
    IF p_salt IS NULL OR length(p_salt) < 16 OR p_proof IS NULL OR length(p_proof) <> 32
       OR jsonb_typeof(p_kdf -> 'time_cost') <> 'number'
       OR jsonb_typeof(p_kdf -> 'memory_cost') <> 'number'
       OR jsonb_typeof(p_kdf -> 'parallelism') <> 'number'
       OR (p_kdf ->> 'time_cost')::integer < 1
       OR (p_kdf ->> 'memory_cost')::integer < 8192
       OR (p_kdf ->> 'parallelism')::integer < 1 THEN
        PERFORM _refuse('EC005', 'bad_password_proof', 'password');
    END IF;
END $$;

CREATE FUNCTION ecr.user_add(p_token uuid, p_number integer, p_name text, p_role text,
                             p_privilege integer, p_salt bytea, p_kdf jsonb, p_proof bytea)
RETURNS SETOF ecr.user_row
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'user.add');
BEGIN
    IF p_number IS NULL OR p_number NOT BETWEEN 1 AND 999999 THEN
        PERFORM _refuse('EC005', 'bad_number', 'number');
    END IF;
    IF p_role IS NULL OR p_role NOT IN ('officer', 'secretary', 'agent') THEN
        PERFORM _refuse('EC005', 'bad_role', 'role', jsonb_build_object('role', p_role));
    END IF;
    IF p_privilege IS NULL OR p_privilege NOT BETWEEN 0 AND 9 THEN
        PERFORM _refuse('EC005', 'bad_privilege', 'privilege');
    END IF;
    IF btrim(coalesce(p_name, '')) = '' THEN
        PERFORM _refuse('EC005', 'required', 'name');
    END IF;
    PERFORM _check_kdf(p_salt, p_kdf, p_proof);
    IF EXISTS (SELECT 1 FROM users WHERE number = p_number) THEN
        PERFORM _refuse('EC006', 'user_exists', 'number', jsonb_build_object('number', p_number));
    END IF;
    IF p_role = 'officer' AND p_privilege > 0
       AND EXISTS (SELECT 1 FROM users WHERE role = 'officer' AND privilege > 0) THEN
        PERFORM _refuse('EC006', 'officer_exists', 'role');
    END IF;
    INSERT INTO users (number, name, role, privilege, salt, kdf, verifier)
    VALUES (p_number, btrim(p_name), p_role, p_privilege, p_salt, p_kdf, sha256(p_proof));
    PERFORM _audit(a, 'user.add', NULL, jsonb_build_object(
        'number', p_number, 'name', btrim(p_name), 'role', p_role, 'privilege', p_privilege));
    RETURN NEXT _user_row(p_number);
END $$;

CREATE FUNCTION ecr.user_list(p_token uuid) RETURNS SETOF ecr.user_row
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'user.list');
BEGIN
    RETURN QUERY SELECT number, name, role, privilege::integer, locked FROM users ORDER BY number;
END $$;

CREATE FUNCTION ecr._target_user(p_number integer) RETURNS ecr.users
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    u users;
BEGIN
    SELECT * INTO u FROM users WHERE number = p_number FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM _refuse('EC004', 'user_not_found', 'number', jsonb_build_object('number', p_number));
    END IF;
    RETURN u;
END $$;

CREATE FUNCTION ecr.user_set_privilege(p_token uuid, p_number integer, p_privilege integer)
RETURNS SETOF ecr.user_row
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'user.set_privilege');
    u users := _target_user(p_number);
BEGIN
    IF p_privilege IS NULL OR p_privilege NOT BETWEEN 0 AND 9 THEN
        PERFORM _refuse('EC005', 'bad_privilege', 'privilege');
    END IF;
    IF u.number = a.number AND p_privilege = 0 THEN
        PERFORM _refuse('EC005', 'cannot_change_self', 'number');
    END IF;
    IF u.role = 'officer' AND p_privilege > 0 AND u.privilege = 0
       AND EXISTS (SELECT 1 FROM users WHERE role = 'officer' AND privilege > 0) THEN
        PERFORM _refuse('EC006', 'officer_exists', 'role');
    END IF;
    UPDATE users SET privilege = p_privilege WHERE number = p_number;
    PERFORM _audit(a, CASE WHEN p_privilege = 0 THEN 'user.suspend' ELSE 'user.set_privilege' END,
                   NULL, jsonb_build_object('number', p_number, 'from', u.privilege,
                                            'to', p_privilege));
    RETURN NEXT _user_row(p_number);
END $$;

CREATE FUNCTION ecr.user_set_password(p_token uuid, p_number integer, p_salt bytea,
                                      p_kdf jsonb, p_proof bytea) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, NULL);
    u users;
BEGIN
    PERFORM _permit(a.role, CASE WHEN p_number = a.number THEN 'user.set_own_password'
                                 ELSE 'user.set_password' END);
    u := _target_user(p_number);
    PERFORM _check_kdf(p_salt, p_kdf, p_proof);
    UPDATE users SET salt = p_salt, kdf = p_kdf, verifier = sha256(p_proof), failed_logins = 0,
                     password_changed_at = now()
    WHERE number = p_number;
    PERFORM _audit(a, 'user.set_password', NULL, jsonb_build_object('number', p_number));
END $$;

CREATE FUNCTION ecr.user_unlock(p_token uuid, p_number integer) RETURNS SETOF ecr.user_row
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'user.unlock');
    u users := _target_user(p_number);
BEGIN
    UPDATE users SET locked = false, failed_logins = 0 WHERE number = p_number;
    PERFORM _audit(a, 'user.unlock', NULL, jsonb_build_object('number', p_number));
    RETURN NEXT _user_row(p_number);
END $$;

-- ----------------------------------------------------------------- settings
CREATE FUNCTION ecr.settings_all(p_token uuid, OUT key text, OUT value jsonb)
RETURNS SETOF record
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'settings.read');
BEGIN
    RETURN QUERY SELECT s.key, s.value FROM settings s ORDER BY s.key;
END $$;

CREATE FUNCTION ecr.setting_set(p_token uuid, p_key text, p_value jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'settings.change');
    k text;
    good boolean;
BEGIN
    SELECT kind INTO k FROM settings WHERE key = p_key FOR UPDATE;
    IF k IS NULL THEN
        PERFORM _refuse('EC005', 'bad_setting', 'key', jsonb_build_object('key', p_key));
    END IF;
    good := CASE k
        WHEN 'minutes' THEN jsonb_typeof(p_value) = 'number'
                            AND (p_value #>> '{}')::numeric BETWEEN 1 AND 1440
                            AND (p_value #>> '{}')::numeric = round((p_value #>> '{}')::numeric)
        WHEN 'age' THEN jsonb_typeof(p_value) = 'number'
                        AND (p_value #>> '{}')::numeric BETWEEN 10 AND 30
                        AND (p_value #>> '{}')::numeric = round((p_value #>> '{}')::numeric)
        WHEN 'currency' THEN jsonb_typeof(p_value) = 'string'
                             AND (p_value #>> '{}') ~ '^[A-Z]{3}$'
        WHEN 'timeliness' THEN jsonb_typeof(p_value -> 'current_days') = 'number'
                               AND jsonb_typeof(p_value -> 'late_days') = 'number'
                               AND (p_value ->> 'current_days')::numeric >= 1
                               AND (p_value ->> 'late_days')::numeric
                                   >= (p_value ->> 'current_days')::numeric
        ELSE false END;
    IF NOT coalesce(good, false) THEN
        PERFORM _refuse('EC005', 'bad_setting_value', p_key, jsonb_build_object('key', p_key));
    END IF;
    UPDATE settings SET value = p_value WHERE key = p_key;
    PERFORM _audit(a, 'settings.change', NULL, jsonb_build_object(p_key, p_value));
END $$;

CREATE FUNCTION ecr.fee_schedule(p_token uuid, OUT kind text, OUT amount numeric)
RETURNS SETOF record
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'settings.read');
BEGIN
    RETURN QUERY SELECT f.kind, f.amount FROM fee_schedule f ORDER BY f.kind;
END $$;

CREATE FUNCTION ecr.fee_set(p_token uuid, p_kind text, p_amount numeric) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'settings.change');
BEGIN
    IF p_amount IS NULL OR p_amount < 0 OR p_amount >= 1e10 THEN
        PERFORM _refuse('EC005', 'bad_fee', 'amount');
    END IF;
    UPDATE fee_schedule SET amount = p_amount WHERE kind = p_kind;
    IF NOT FOUND THEN
        PERFORM _refuse('EC005', 'bad_copy_kind', 'kind', jsonb_build_object('kind', p_kind));
    END IF;
    PERFORM _audit(a, 'settings.change', NULL,
                   jsonb_build_object('fee.' || p_kind, p_amount));
END $$;

-- ----------------------------------------------------------------- audit
CREATE FUNCTION ecr.audit_verify(p_token uuid, OUT ok boolean, OUT rows_checked bigint,
                                 OUT first_broken_seq bigint, OUT reason text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'audit.verify');
    v record;
BEGIN
    SELECT * INTO v FROM _audit_verify();
    ok := v.ok; rows_checked := v.rows_checked;
    first_broken_seq := v.first_broken_seq; reason := v.reason;
    PERFORM _audit(a, 'audit.verify', NULL, jsonb_build_object(
        'ok', ok, 'rows_checked', rows_checked, 'first_broken_seq', first_broken_seq,
        'reason', reason));
END $$;
