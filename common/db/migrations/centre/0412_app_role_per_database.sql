-- One application role per centre database (issue 11, finding 10).
--
-- ecr_app was one login role for every database of a server: a second
-- `ecr init` on the same server gave it a new password (the first centre's
-- workstations could no longer connect) and it held CONNECT on every centre
-- database.  Now each centre database has its own login role,
-- ecr_app_<database> (ecr._app_role_name; mirrored by
-- common.db.connect.app_role_name, a test checks), with CONNECT on that
-- database only and its own password.  ecr_app stays as the group role that
-- holds the API's EXECUTE grants inside each database (every migration grants
-- to it), without CONNECT anywhere: it cannot log in once no database of the
-- server grants it anything.
--
-- ecr._ensure_app_role() is run by this migration and again each time a
-- program with the owner's access opens the centre, so that a database
-- restored under another name (or into another server) gets its role too.

-- The login role of database p_dbname: ecr_app_<name> when the name is made of
-- lower-case letters, digits and _ and is short enough, else a readable part
-- and 16 hex digits of its MD5 (roles have at most 63 bytes).
CREATE FUNCTION ecr._app_role_name(p_dbname text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT SET search_path = ecr, pg_temp AS $$
    SELECT CASE WHEN p_dbname ~ '^[a-z0-9_]{1,55}$' THEN 'ecr_app_' || p_dbname
                ELSE 'ecr_app_'
                     || left(lower(regexp_replace(p_dbname, '[^a-zA-Z0-9_]', '_', 'g')), 38)
                     || '_' || left(md5(p_dbname), 16) END
$$;

-- Whether the role's password was ever set by ECR (so that a program that has
-- the owner's access but not the password does not silently replace it under
-- the feet of the centre's other workstations).
CREATE TABLE ecr.app_role (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    role text NOT NULL,
    password_set_at timestamptz
);
REVOKE ALL ON ecr.app_role FROM PUBLIC;

-- Make this database's application role as it must be; returns its name and
-- whether it still needs a password.  Writes nothing when all is in place.
CREATE FUNCTION ecr._ensure_app_role(OUT role text, OUT needs_password boolean)
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    db text := current_database();
    db_oid oid := (SELECT oid FROM pg_database WHERE datname = current_database());
    created boolean := false;
BEGIN
    role := _app_role_name(db);
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ecr_app') THEN
        BEGIN
            CREATE ROLE ecr_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT
                NOREPLICATION NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- created meanwhile by another database's migration
        END;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role) THEN
        BEGIN
            EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT '
                           'NOREPLICATION NOBYPASSRLS', role);
            created := true;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
    IF NOT pg_has_role(role, 'ecr_app', 'MEMBER') THEN
        EXECUTE format('GRANT ecr_app TO %I', role);
    END IF;
    -- CONNECT for this database's role only; nothing for ecr_app nor PUBLIC.
    IF NOT EXISTS (SELECT 1 FROM pg_database d, aclexplode(d.datacl) a
                   WHERE d.oid = db_oid AND a.grantee = role::regrole
                     AND a.privilege_type = 'CONNECT') THEN
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', db, role);
    END IF;
    IF EXISTS (SELECT 1 FROM pg_database d,
                      aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
               WHERE d.oid = db_oid AND (a.grantee = 0 OR a.grantee = 'ecr_app'::regrole)) THEN
        EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC, ecr_app', db);
    END IF;
    -- Once no database of the server grants ecr_app anything, it cannot log in
    -- (centres not upgraded yet keep theirs until they are).
    IF (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'ecr_app')
       AND NOT EXISTS (SELECT 1 FROM pg_database d, aclexplode(d.datacl) a
                       WHERE a.grantee = 'ecr_app'::regrole) THEN
        ALTER ROLE ecr_app NOLOGIN PASSWORD NULL;
    END IF;
    INSERT INTO app_role (role) VALUES (role)
    ON CONFLICT (singleton) DO UPDATE SET role = EXCLUDED.role,
        password_set_at = CASE WHEN created OR app_role.role <> EXCLUDED.role THEN NULL
                               ELSE app_role.password_set_at END
    WHERE created OR app_role.role <> EXCLUDED.role;
    SELECT a.password_set_at IS NULL INTO needs_password FROM app_role a;
END $$;

-- Called once the password is set and kept (common.db.connect).
CREATE FUNCTION ecr._app_role_password_set() RETURNS void
LANGUAGE sql SET search_path = ecr, pg_temp AS $$
    UPDATE app_role SET password_set_at = now()
$$;

REVOKE ALL ON FUNCTION ecr._app_role_name(text), ecr._ensure_app_role(),
    ecr._app_role_password_set() FROM PUBLIC;

SELECT ecr._ensure_app_role();
