-- Centre database, part 4: copies and extracts, the fee schedule, receipts.
--
-- A copy is issued only of a validated (or later) act; its receipt number is
-- per year from ecr.counters (gap-free); copy_number counts the copies of that
-- kind of that act (the 2nd and later print "DUPLICATA").  Copies are never
-- changed or deleted: they are the takings' accounting.

CREATE TABLE ecr.fee_schedule (
    kind text PRIMARY KEY CHECK (kind IN ('full', 'extract_with_filiation',
                                          'extract_without_filiation')),
    amount numeric(12, 2) NOT NULL CHECK (amount >= 0)
);
INSERT INTO ecr.fee_schedule (kind, amount) VALUES
    ('full', 1000), ('extract_with_filiation', 500), ('extract_without_filiation', 300);

CREATE TABLE ecr.copies (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    act_id bigint NOT NULL REFERENCES ecr.acts,
    kind text NOT NULL REFERENCES ecr.fee_schedule,
    requester text NOT NULL CHECK (btrim(requester) <> ''),
    fee numeric(12, 2) NOT NULL CHECK (fee >= 0),
    currency text NOT NULL,
    copy_number integer NOT NULL CHECK (copy_number > 0),
    receipt_year integer NOT NULL,
    receipt_serial integer NOT NULL,
    issued_by integer NOT NULL REFERENCES ecr.users,
    issued_at timestamptz NOT NULL DEFAULT now(),
    workstation text,
    UNIQUE (receipt_year, receipt_serial),
    UNIQUE (act_id, kind, copy_number)
);
CREATE INDEX copies_issued_at ON ecr.copies (issued_at);

CREATE FUNCTION ecr._copy_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    st text;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM _refuse('EC007', 'copy_immutable');
    END IF;
    SELECT status INTO st FROM acts WHERE id = NEW.act_id;
    IF NOT EXISTS (SELECT 1 FROM transitions WHERE action = 'issue_copy'
                   AND from_status = st) THEN
        PERFORM _refuse('EC003', 'transition_not_allowed', 'status',
                        jsonb_build_object('action', 'issue_copy', 'status', st));
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER copies_guard BEFORE INSERT OR UPDATE OR DELETE ON ecr.copies
    FOR EACH ROW EXECUTE FUNCTION ecr._copy_guard();
CREATE TRIGGER copies_no_truncate BEFORE TRUNCATE ON ecr.copies
    FOR EACH STATEMENT EXECUTE FUNCTION ecr._refuse_change('copy_immutable');
