-- Logins and sessions against someone who does not follow the rules (issue 11,
-- findings 5, 7, 9, 11 and 16).  docs/security.md states the promises;
-- tests/centre/test_login_security.py plays each attack as the application role.
--
-- 5   One login role could lock the only officer out for good (five random
--     proofs; only the officer unlocks).  Now an officer's lock expires after
--     15 minutes, every address is throttled (below), and the database owner
--     can unlock anyone (ecr.owner_unlock, `ecr user unlock N --as-owner` on
--     the server or the standalone PC), audited.
-- 7   A session outlived a password reset, a suspension or a lock.  Now a
--     password change and a suspension close every session of the user; a
--     locked user's sessions are refused while locked and closed by the
--     unlock (so that a failed login does the same work whether or not the
--     number has sessions, see 16); and a session lasts at most
--     session.max_minutes (720: a working day) however active it is.
-- 9   The key-derivation parameters had no upper bound (a 1 GiB memory_cost
--     made the next login crash) and weak lower ones.  Now bounded here
--     (ecr._kdf_ok, mirrored by ecr_tk/services/passwords.py, a test checks).
-- 11  The audit's workstation was whatever the client said.  Now every audit
--     row and session also records the address the database saw
--     (inet_client_addr(), 'local' for the Unix socket), set by the chain
--     trigger and covered by the hash.  1,000 refused logins made 1,000 audit
--     rows: now an address with 30 refusals in 15 minutes is refused at once,
--     nothing checked, nothing counted against any account, one audit row.
-- 16  A known user number was answered by more work than an unknown one
--     (0.58 vs 0.49 ms).  Now both take the same path: the same reads, the
--     number's failure counter written by the same statements in one table
--     for every number tried (an unknown number locks alike after 5), the
--     same audit row; bench/login.py measures it (docs/performance.md).
--
-- Limits (also in ecr_tk/services/centre.py for the messages):
--   5 consecutive failures lock an account; an officer's lock lasts 15 minutes;
--   30 refused logins per address per 15 minutes.

-- ------------------------------------------------------------------ columns
ALTER TABLE ecr.users ADD COLUMN locked_at timestamptz;
UPDATE ecr.users SET locked_at = now() WHERE locked;

ALTER TABLE ecr.sessions ADD COLUMN client_addr text, ADD COLUMN closed_reason text;
ALTER TABLE ecr.audit_log ADD COLUMN client_addr text;

INSERT INTO ecr.settings (key, kind, value) VALUES ('session.max_minutes', 'minutes', '720');

-- What the client says it is called: kept for people, never trusted.
CREATE FUNCTION ecr._workstation_name(p_name text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = ecr, pg_temp AS $$
    SELECT left(coalesce(nullif(btrim(regexp_replace(p_name, '[[:cntrl:]]', '', 'g')), ''),
                         'unknown'), 100)
$$;

-- Where the connection comes from, as the database sees it.
CREATE FUNCTION ecr._client_addr() RETURNS text
LANGUAGE sql STABLE SET search_path = ecr, pg_temp AS $$
    SELECT coalesce(host(inet_client_addr()), 'local')
$$;

-- ------------------------------------------------------- audit: the address
-- Rows written before this migration have no address: their content (and so
-- their hash) is unchanged; later rows have it under the chain.
CREATE OR REPLACE FUNCTION ecr._audit_content(r ecr.audit_log) RETURNS bytea
LANGUAGE sql STABLE SET search_path = ecr, pg_temp AS $$
    SELECT convert_to((jsonb_build_array(
        r.seq,
        to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        r.user_number, r.workstation, r.action, r.act_id, r.detail)
        || CASE WHEN r.client_addr IS NULL THEN '[]'::jsonb
                ELSE jsonb_build_array(r.client_addr) END)::text, 'UTF8')
$$;

CREATE OR REPLACE FUNCTION ecr._audit_chain() RETURNS trigger
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    head record;
BEGIN
    -- FOR UPDATE waits for a concurrent writer and then sees its committed row.
    SELECT seq, hash INTO head FROM audit_head FOR UPDATE;
    NEW.seq := head.seq + 1;
    NEW.at := clock_timestamp();
    NEW.detail := coalesce(NEW.detail, '{}');
    NEW.client_addr := _client_addr();  -- whatever the caller put there
    NEW.prev_hash := head.hash;
    NEW.hash := sha256(head.hash || _audit_content(NEW));
    UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash;
    RETURN NEW;
END $$;

-- ------------------------------------------------------- 9: bounded params
-- argon2id parameters: exactly these three whole numbers, within bounds that
-- keep a guess expensive (OWASP minimum: 19 MiB, 2 passes) and a login
-- possible on a modest workstation (at most 256 MiB, 8 passes, 1 GiB x pass).
CREATE FUNCTION ecr._kdf_ok(p_kdf jsonb) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE SET search_path = ecr, pg_temp AS $$
DECLARE
    k text;
    v numeric;
    low numeric;
    high numeric;
BEGIN
    IF p_kdf IS NULL OR jsonb_typeof(p_kdf) <> 'object'
       OR (SELECT count(*) FROM jsonb_object_keys(p_kdf)) <> 3 THEN
        RETURN false;
    END IF;
    FOREACH k IN ARRAY ARRAY['time_cost', 'memory_cost', 'parallelism'] LOOP
        IF jsonb_typeof(p_kdf -> k) IS DISTINCT FROM 'number' THEN
            RETURN false;
        END IF;
        v := (p_kdf ->> k)::numeric;
        low := CASE k WHEN 'time_cost' THEN 2 WHEN 'memory_cost' THEN 19456 ELSE 1 END;
        high := CASE k WHEN 'time_cost' THEN 8 WHEN 'memory_cost' THEN 262144 ELSE 8 END;
        IF v <> trunc(v) OR v < low OR v > high THEN
            RETURN false;
        END IF;
    END LOOP;
    RETURN (p_kdf ->> 'time_cost')::numeric * (p_kdf ->> 'memory_cost')::numeric <= 1048576;
END $$;

CREATE OR REPLACE FUNCTION ecr._check_kdf(p_salt bytea, p_kdf jsonb, p_proof bytea)
RETURNS void LANGUAGE plpgsql IMMUTABLE SET search_path = ecr, pg_temp AS $$
BEGIN
    IF p_salt IS NULL OR length(p_salt) NOT BETWEEN 16 AND 64
       OR p_proof IS NULL OR length(p_proof) <> 32 THEN
        PERFORM _refuse('EC005', 'bad_password_proof', 'password');
    END IF;
    IF NOT _kdf_ok(p_kdf) THEN
        PERFORM _refuse('EC005', 'bad_kdf', 'kdf');
    END IF;
END $$;

-- Whatever writes a user's password (ecr init included).  A trigger on those
-- columns, not a CHECK, so that a failed login (which writes no password)
-- does not pay for it.  Rows written before are not checked: the client
-- refuses to log in with them, cleanly.
CREATE FUNCTION ecr._users_kdf_bounded() RETURNS trigger
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
BEGIN
    IF NEW.salt IS NULL OR length(NEW.salt) NOT BETWEEN 16 AND 64 THEN
        PERFORM _refuse('EC005', 'bad_password_proof', 'password');
    END IF;
    IF NOT _kdf_ok(NEW.kdf) THEN
        PERFORM _refuse('EC005', 'bad_kdf', 'kdf');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER users_kdf_bounded BEFORE INSERT OR UPDATE OF salt, kdf ON ecr.users
    FOR EACH ROW EXECUTE FUNCTION ecr._users_kdf_bounded();

-- ------------------------------------------------------- 7: sessions closed
-- Close every open session of a user (but p_keep, the caller's own); returns
-- how many.  p_reason: 'password', 'suspended', 'locked' (revocations), 'logout'.
CREATE FUNCTION ecr._close_sessions(p_number integer, p_reason text, p_keep bytea DEFAULT NULL)
RETURNS integer LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    n integer;
BEGIN
    UPDATE sessions SET closed_at = now(), closed_reason = p_reason
    WHERE user_number = p_number AND closed_at IS NULL
      AND token_hash IS DISTINCT FROM p_keep;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- Sessions of users locked or suspended before this migration: closed now, so
-- an unlock or a reinstatement cannot revive them.
UPDATE ecr.sessions s SET closed_at = now(),
    closed_reason = CASE WHEN u.privilege = 0 THEN 'suspended' ELSE 'locked' END
FROM ecr.users u
WHERE u.number = s.user_number AND s.closed_at IS NULL AND (u.locked OR u.privilege = 0);

CREATE OR REPLACE FUNCTION ecr._actor(p_token uuid, p_action text) RETURNS ecr.actor
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    s sessions;
    u users;
    idle integer;
    longest integer;
BEGIN
    IF p_token IS NULL THEN
        PERFORM _refuse('EC001', 'session_unknown');
    END IF;
    SELECT * INTO s FROM sessions WHERE token_hash = sha256(uuid_send(p_token));
    IF NOT FOUND THEN
        PERFORM _refuse('EC001', 'session_unknown');
    END IF;
    SELECT * INTO u FROM users WHERE number = s.user_number;
    IF s.closed_at IS NOT NULL THEN
        IF s.closed_reason IN ('password', 'suspended', 'locked') THEN
            -- say why if it still holds, else that the session was revoked
            IF u.privilege = 0 THEN
                PERFORM _refuse('EC002', 'user_suspended');
            END IF;
            IF u.locked THEN
                PERFORM _refuse('EC002', 'user_locked');
            END IF;
            PERFORM _refuse('EC001', 'session_revoked');
        END IF;
        PERFORM _refuse('EC001', 'session_closed');
    END IF;
    SELECT (SELECT (value #>> '{}')::integer FROM settings WHERE key = 'session.idle_minutes'),
           (SELECT (value #>> '{}')::integer FROM settings WHERE key = 'session.max_minutes')
    INTO idle, longest;
    IF s.opened_at < now() - make_interval(mins => coalesce(longest, 720)) THEN
        PERFORM _refuse('EC001', 'session_too_old', NULL,
                        jsonb_build_object('minutes', coalesce(longest, 720)));
    END IF;
    IF s.last_seen < now() - make_interval(mins => coalesce(idle, 30)) THEN
        PERFORM _refuse('EC001', 'session_expired');
    END IF;
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

-- ------------------------------------------------- 5, 11, 16: logging in
-- Refused logins per client address, in windows of 15 minutes.
CREATE TABLE ecr.login_throttle (
    client_addr text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    refused integer NOT NULL
);

-- Consecutive refused logins of every number tried, a user's or not: an
-- unknown number is counted by the same statement on the same table, and
-- locks after 5, exactly like a known one.  A user's lock is also written on
-- the user (users.locked, what the rest of the API reads).  Numbers outside
-- 1..999999 share the row 0, so the table never exceeds a million rows.
CREATE TABLE ecr.login_failures (
    number integer PRIMARY KEY CHECK (number BETWEEN 0 AND 999999),
    failed integer NOT NULL,
    locked boolean NOT NULL
);
INSERT INTO ecr.login_failures (number, failed, locked)
SELECT number, CASE WHEN locked THEN greatest(failed_logins, 5) ELSE failed_logins END, locked
FROM ecr.users WHERE failed_logins > 0 OR locked;
ALTER TABLE ecr.users DROP COLUMN failed_logins;
REVOKE ALL ON ecr.login_throttle, ecr.login_failures FROM PUBLIC;

-- Salt and argon2id parameters for a user; for an unknown number a fake salt
-- derived from the server secret, and the default parameters.  Both read the
-- same rows.
CREATE OR REPLACE FUNCTION ecr.login_parameters(p_number integer, OUT salt bytea,
                                                OUT time_cost integer, OUT memory_cost integer,
                                                OUT parallelism integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    fake bytea;
    kdf jsonb;
BEGIN
    SELECT substring(sha256(s.secret || int4send(coalesce(p_number, 0))) FROM 1 FOR 16)
    INTO fake FROM server_secret s;
    -- ecr_tk/services/passwords.py DEFAULT_PARAMS for an unknown number, read
    -- the same way as a user's
    SELECT coalesce(u.salt, fake),
           coalesce(u.kdf, '{"time_cost": 2, "memory_cost": 19456, "parallelism": 1}')
    INTO salt, kdf FROM (SELECT 1) AS one LEFT JOIN users u ON u.number = p_number;
    time_cost := (kdf ->> 'time_cost')::integer;
    memory_cost := (kdf ->> 'memory_cost')::integer;
    parallelism := (kdf ->> 'parallelism')::integer;
END $$;

-- Compare sha256(proof) with the verifier; returns an outcome instead of
-- raising so that the counters are committed: 'ok' (with a token),
-- 'wrong_password', 'user_locked', 'user_suspended' (told only with the right
-- password), 'too_many_attempts' (this address, nothing was checked).
CREATE OR REPLACE FUNCTION ecr.open_session(p_number integer, p_proof bytea,
                                            p_workstation text, OUT token uuid,
                                            OUT outcome text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    ws text := _workstation_name(p_workstation);
    addr text := _client_addr();
    window_length interval := make_interval(mins => 15);
    u users;
    known boolean;
    fake bytea;
    good boolean;
    is_locked boolean;
    just_locked boolean;
    counter integer;
    refused_here integer;
BEGIN
    -- An address that was refused too often lately: nothing is checked or
    -- counted (the row saying so was written when the limit was reached).
    IF EXISTS (SELECT 1 FROM login_throttle t WHERE t.client_addr = addr
               AND t.window_start > now() - window_length AND t.refused >= 30) THEN
        outcome := 'too_many_attempts';
        RETURN;
    END IF;
    -- The same reads whether the number is known or not.
    SELECT sha256(s.secret || int4send(coalesce(p_number, 0)) || '\x76'::bytea)
    INTO fake FROM server_secret s;
    -- No row lock here: a failure writes the number's counter (below), the
    -- same for every number; only a success locks the user's row and reads it
    -- again.
    SELECT * INTO u FROM users WHERE number = p_number;
    known := FOUND;
    IF known AND u.locked AND u.role = 'officer' AND u.locked_at <= now() - window_length THEN
        -- the officer's lock has expired: the centre is never left without one
        UPDATE users SET locked = false, locked_at = NULL
        WHERE number = u.number AND locked AND locked_at <= now() - window_length;
        IF FOUND THEN
            DELETE FROM login_failures WHERE number = u.number;
            PERFORM _audit(ROW(NULL, NULL, NULL, ws)::actor, 'user.unlock', NULL,
                           jsonb_build_object('number', u.number, 'reason', 'lock_expired',
                                              'sessions_closed',
                                              _close_sessions(u.number, 'locked')));
        END IF;
        SELECT * INTO u FROM users WHERE number = p_number;
    END IF;
    good := p_proof IS NOT NULL AND sha256(p_proof) = coalesce(u.verifier, fake) AND NOT u.locked;
    IF good THEN  -- a known user with the right proof: check again under the row lock
        SELECT * INTO u FROM users WHERE number = p_number FOR UPDATE;
        good := sha256(p_proof) = u.verifier AND NOT u.locked;
    END IF;
    IF good AND u.privilege > 0 THEN
        outcome := 'ok';
        token := gen_random_uuid();
        DELETE FROM login_failures WHERE number = u.number;
        INSERT INTO sessions (token_hash, user_number, workstation, client_addr)
        VALUES (sha256(uuid_send(token)), u.number, ws, addr);
        PERFORM _audit(ROW(u.number, u.name, u.role, ws)::actor, 'login', NULL, '{}');
        RETURN;
    ELSIF good THEN
        outcome := 'user_suspended';
    ELSE
        -- The number's failure counter, by the same statements whether it is a
        -- user's or not; the row lock of the UPDATE serialises concurrent
        -- failures, so exactly the fifth one locks.
        counter := CASE WHEN p_number BETWEEN 1 AND 999999 THEN p_number ELSE 0 END;
        UPDATE login_failures SET failed = failed + 1, locked = locked OR failed + 1 >= 5
        WHERE number = counter
        RETURNING locked, failed = 5 INTO is_locked, just_locked;
        IF NOT FOUND THEN
            INSERT INTO login_failures AS f (number, failed, locked) VALUES (counter, 1, false)
            ON CONFLICT (number) DO UPDATE SET failed = f.failed + 1,
                                               locked = f.locked OR f.failed + 1 >= 5
            RETURNING locked, failed = 5 INTO is_locked, just_locked;
        END IF;
        IF just_locked THEN
            -- the fifth failure: a user's lock is written on the user; for a
            -- number nobody has, the same kind of write on its counter
            IF known THEN
                UPDATE users SET locked = true, locked_at = coalesce(locked_at, now())
                WHERE number = u.number;
            ELSE
                UPDATE login_failures SET locked = true WHERE number = counter;
            END IF;
        END IF;
        is_locked := is_locked OR coalesce(u.locked, false);
        outcome := CASE WHEN is_locked THEN 'user_locked' ELSE 'wrong_password' END;
    END IF;
    -- Every refusal counts against the address, and is audited until the limit.
    INSERT INTO login_throttle AS t (client_addr, window_start, refused)
    VALUES (addr, now(), 1)
    ON CONFLICT (client_addr) DO UPDATE SET
        window_start = CASE WHEN t.window_start <= now() - window_length THEN now()
                            ELSE t.window_start END,
        refused = CASE WHEN t.window_start <= now() - window_length THEN 1
                       ELSE t.refused + 1 END
    RETURNING refused INTO refused_here;
    IF known THEN
        PERFORM _audit(ROW(u.number, u.name, u.role, ws)::actor, 'login.refused', NULL,
                       jsonb_build_object('rule', outcome));
    ELSE
        PERFORM _audit(ROW(NULL, NULL, NULL, ws)::actor, 'login.refused', NULL,
                       jsonb_build_object('number', p_number, 'rule', outcome));
    END IF;
    IF refused_here = 30 THEN
        PERFORM _audit(ROW(NULL, NULL, NULL, ws)::actor, 'login.throttled', NULL,
                       jsonb_build_object('address', addr, 'refused', refused_here,
                                          'minutes', 15));
    END IF;
END $$;

CREATE OR REPLACE FUNCTION ecr.close_session(p_token uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    s sessions;
BEGIN
    UPDATE sessions SET closed_at = now(), closed_reason = 'logout'
    WHERE token_hash = sha256(uuid_send(p_token)) AND closed_at IS NULL
    RETURNING * INTO s;
    IF FOUND THEN
        PERFORM _audit((SELECT ROW(u.number, u.name, u.role, s.workstation)::actor
                        FROM users u WHERE u.number = s.user_number), 'logout', NULL, '{}');
    END IF;
END $$;

-- ------------------------------------------------- 7: revoking on changes
CREATE OR REPLACE FUNCTION ecr.user_set_privilege(p_token uuid, p_number integer,
                                                  p_privilege integer)
RETURNS SETOF ecr.user_row
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'user.set_privilege');
    u users := _target_user(p_number);
    closed integer := 0;
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
    IF p_privilege = 0 THEN
        closed := _close_sessions(p_number, 'suspended');
    END IF;
    PERFORM _audit(a, CASE WHEN p_privilege = 0 THEN 'user.suspend' ELSE 'user.set_privilege' END,
                   NULL, jsonb_build_object('number', p_number, 'from', u.privilege,
                                            'to', p_privilege, 'sessions_closed', closed));
    RETURN NEXT _user_row(p_number);
END $$;

-- A new password closes the user's sessions, but the caller's own when they
-- change their own password.
CREATE OR REPLACE FUNCTION ecr.user_set_password(p_token uuid, p_number integer, p_salt bytea,
                                                 p_kdf jsonb, p_proof bytea) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, NULL);
    u users;
    closed integer;
BEGIN
    PERFORM _permit(a.role, CASE WHEN p_number = a.number THEN 'user.set_own_password'
                                 ELSE 'user.set_password' END);
    u := _target_user(p_number);
    PERFORM _check_kdf(p_salt, p_kdf, p_proof);
    UPDATE users SET salt = p_salt, kdf = p_kdf, verifier = sha256(p_proof),
                     password_changed_at = now()
    WHERE number = p_number;
    DELETE FROM login_failures WHERE number = p_number AND NOT locked;  -- a lock stays
    closed := _close_sessions(p_number, 'password', sha256(uuid_send(p_token)));
    PERFORM _audit(a, 'user.set_password', NULL,
                   jsonb_build_object('number', p_number, 'sessions_closed', closed));
END $$;

CREATE OR REPLACE FUNCTION ecr.user_unlock(p_token uuid, p_number integer)
RETURNS SETOF ecr.user_row
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'user.unlock');
    u users := _target_user(p_number);
BEGIN
    UPDATE users SET locked = false, locked_at = NULL WHERE number = p_number;
    DELETE FROM login_failures WHERE number = p_number;
    PERFORM _audit(a, 'user.unlock', NULL, jsonb_build_object(
        'number', p_number, 'sessions_closed', _close_sessions(p_number, 'locked')));
    RETURN NEXT _user_row(p_number);
END $$;

-- A number tried (and perhaps "locked") before it became a user starts clean.
CREATE OR REPLACE FUNCTION ecr.user_add(p_token uuid, p_number integer, p_name text,
                                        p_role text, p_privilege integer, p_salt bytea,
                                        p_kdf jsonb, p_proof bytea)
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
    DELETE FROM login_failures WHERE number = p_number;
    PERFORM _audit(a, 'user.add', NULL, jsonb_build_object(
        'number', p_number, 'name', btrim(p_name), 'role', p_role, 'privilege', p_privilege));
    RETURN NEXT _user_row(p_number);
END $$;

-- ------------------------------------------------- 5: the owner's recovery
-- Owner side only (`ecr user unlock N --as-owner`, on the server or the
-- standalone PC): unlock a user and lift every address throttle, audited with
-- who ran it (p_by: the system account and machine, as the command says).
CREATE FUNCTION ecr.owner_unlock(p_number integer, p_by text) RETURNS SETOF ecr.user_row
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    lifted integer;
BEGIN
    DELETE FROM login_throttle;
    GET DIAGNOSTICS lifted = ROW_COUNT;
    PERFORM _target_user(p_number);
    UPDATE users SET locked = false, locked_at = NULL WHERE number = p_number;
    DELETE FROM login_failures WHERE number = p_number;
    PERFORM _audit(ROW(NULL, NULL, NULL, _workstation_name('owner ' || coalesce(p_by, '')))::actor,
                   'user.unlock', NULL, jsonb_build_object(
                       'number', p_number, 'by', 'owner', 'throttles_lifted', lifted,
                       'sessions_closed', _close_sessions(p_number, 'locked')));
    RETURN NEXT _user_row(p_number);
END $$;
REVOKE ALL ON FUNCTION ecr.owner_unlock(integer, text), ecr._kdf_ok(jsonb),
    ecr._users_kdf_bounded(),
    ecr._close_sessions(integer, text, bytea), ecr._workstation_name(text), ecr._client_addr()
    FROM PUBLIC;
