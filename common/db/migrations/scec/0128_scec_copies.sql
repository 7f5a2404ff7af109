-- SCEC central database: copies and extracts issued at the SCEC itself (issue 15).
--
-- The SCEC may issue a copy or an extract of any act of the national register
-- (a court, an embassy, a citizen abroad): `xmserver copy issue NIU`.  It is
-- printed from the act as the register holds it (with every mention received),
-- signed with the SCEC's copy-signing key (a certificate of the country's
-- issuing CA for the reserved code 000000) and says which centre holds the act.
-- Each copy is kept here, numbered per act and document (DUPLICATA from the
-- second), with its own receipt series, who issued it and for whom; and the
-- read is kept in admin_read.  Append-only.

CREATE TABLE scec_copy (
    id              bigserial PRIMARY KEY,
    niu             text NOT NULL CHECK (niu ~ '^[0-9]{19}$'),
    holding_centre  text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('full', 'extract_with_filiation', 'extract_without_filiation')),
    copy_number     integer NOT NULL CHECK (copy_number > 0),
    requester       text NOT NULL CHECK (btrim(requester) <> '' AND length(requester) <= 200),
    operator        text NOT NULL CHECK (btrim(operator) <> '' AND length(operator) <= 200),
    db_user         text NOT NULL DEFAULT session_user,
    issued_at       timestamptz NOT NULL DEFAULT now(),
    receipt_year    integer NOT NULL,
    receipt_serial  integer NOT NULL CHECK (receipt_serial > 0),
    certificate_serial numeric(50, 0) NOT NULL,   -- the copy-signing certificate used
    UNIQUE (niu, kind, copy_number),
    UNIQUE (receipt_year, receipt_serial)
);
CREATE INDEX scec_copy_niu ON scec_copy (niu);

CREATE FUNCTION scec_copy_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'scec_copy is append-only' USING ERRCODE = 'P0001',
        HINT = 'copy_immutable';
END $$;
CREATE TRIGGER scec_copy_append_only BEFORE UPDATE OR DELETE ON scec_copy
    FOR EACH ROW EXECUTE FUNCTION scec_copy_append_only();
CREATE TRIGGER scec_copy_no_truncate BEFORE TRUNCATE ON scec_copy
    FOR EACH STATEMENT EXECUTE FUNCTION scec_copy_append_only();
