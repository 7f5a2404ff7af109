-- Centre database: what the SCEC tells this centre about its acts (issue 15,
-- docs/protocol.md §12).
--
-- NOTICE containers carry three kinds of notice: possible_duplicate (an act of
-- this centre looks like an act registered by another centre: the SCEC reviews
-- the pair, and the officer should look at it too), duplicate_resolved (the
-- SCEC's decision on such a pair) and mention_applied (a mention this centre
-- sent for an act held elsewhere was written on that act).  The transmitter's
-- code (owner role) records them with ecr.receive_notice, once each, and audits
-- it; officers and secretaries read them with ecr.national_notices and mark
-- them read with ecr.national_notice_read, both audited.
INSERT INTO ecr.permissions (role, action) VALUES
    ('secretary', 'notice.read'), ('officer', 'notice.read');

CREATE TABLE ecr.national_notice (
    id bigserial PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('possible_duplicate', 'duplicate_resolved',
                                       'mention_applied')),
    niu text NOT NULL CHECK (niu ~ '^[0-9]{19}$'),
    other_niu text NOT NULL CHECK (other_niu ~ '^[0-9]{19}$'),
    other_centre text NOT NULL CHECK (other_centre ~ '^[0-9]{6}$'),
    reference text NOT NULL,         -- the SCEC's review item (d:<id>) or the mention id
    detail text NOT NULL,            -- event type, decision, or mention kind
    message_id uuid NOT NULL,        -- the NOTICE container
    received_at timestamptz NOT NULL DEFAULT now(),
    read_by integer REFERENCES ecr.users (number),
    read_by_name text,
    read_at timestamptz,
    UNIQUE (kind, reference, niu)
);
CREATE INDEX national_notice_unread ON ecr.national_notice (received_at) WHERE read_at IS NULL;

-- Owner role only (the transmitter): one notice, once; true when it is new.
CREATE FUNCTION ecr.receive_notice(p_kind text, p_niu text, p_other_niu text,
                                   p_other_centre text, p_reference text, p_detail text,
                                   p_message_id uuid) RETURNS boolean
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    new_id bigint;
    target bigint;
BEGIN
    INSERT INTO national_notice (kind, niu, other_niu, other_centre, reference, detail,
                                 message_id)
    VALUES (p_kind, p_niu, p_other_niu, p_other_centre, p_reference, p_detail, p_message_id)
    ON CONFLICT (kind, reference, niu) DO NOTHING RETURNING id INTO new_id;
    IF new_id IS NULL THEN
        RETURN false;
    END IF;
    -- the act the notice is about, when this centre holds it (a mention_applied
    -- names the other centre's act; the source act is ours)
    SELECT id INTO target FROM acts
    WHERE niu = CASE WHEN p_kind = 'mention_applied' THEN p_other_niu ELSE p_niu END;
    PERFORM _audit(ROW(NULL, NULL, NULL, 'scec')::actor, 'notice.receive', target,
                   jsonb_build_object('notice', new_id, 'kind', p_kind, 'niu', p_niu,
                                      'other_niu', p_other_niu, 'other_centre', p_other_centre,
                                      'reference', p_reference, 'detail', p_detail));
    RETURN true;
END $$;

CREATE FUNCTION ecr.national_notices(p_token uuid, p_unread_only boolean DEFAULT true,
                                     p_limit integer DEFAULT 100)
RETURNS TABLE (id bigint, kind text, niu text, other_niu text, other_centre text,
               reference text, detail text, received_at timestamptz, read_at timestamptz,
               read_by text, own_niu text, own_event_type text, own_register_number text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'notice.read');
    shown bigint;
BEGIN
    RETURN QUERY
        SELECT n.id, n.kind, n.niu, n.other_niu, n.other_centre, n.reference, n.detail,
               n.received_at, n.read_at, n.read_by_name, own.niu, own.event_type,
               own.register_serial || '/' || own.register_year
        FROM national_notice n
        LEFT JOIN acts own ON own.niu = CASE WHEN n.kind = 'mention_applied'
                                             THEN n.other_niu ELSE n.niu END
        WHERE NOT coalesce(p_unread_only, true) OR n.read_at IS NULL
        ORDER BY n.received_at DESC, n.id DESC
        LIMIT least(greatest(coalesce(p_limit, 100), 1), 1000);
    GET DIAGNOSTICS shown = ROW_COUNT;
    -- the notices name acts of other centres: who saw them is kept
    IF shown > 0 THEN
        PERFORM _audit(a, 'notice.read', NULL, jsonb_build_object('unread_only',
                       coalesce(p_unread_only, true), 'shown', shown));
    END IF;
END $$;

CREATE FUNCTION ecr.national_notice_read(p_token uuid, p_id bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'notice.read');
    done bigint;
BEGIN
    UPDATE national_notice SET read_at = now(), read_by = a.number, read_by_name = a.name
    WHERE id = p_id AND read_at IS NULL RETURNING id INTO done;
    IF done IS NULL THEN
        IF NOT EXISTS (SELECT 1 FROM national_notice WHERE id = p_id) THEN
            PERFORM _refuse('EC004', 'not_found', 'notice', jsonb_build_object('id', p_id));
        END IF;
        RETURN false;  -- read before: nothing changes
    END IF;
    PERFORM _audit(a, 'notice.mark_read', NULL, jsonb_build_object('notice', p_id));
    RETURN true;
END $$;

REVOKE ALL ON ecr.national_notice FROM PUBLIC, ecr_app;
REVOKE ALL ON SEQUENCE ecr.national_notice_id_seq FROM PUBLIC, ecr_app;
REVOKE ALL ON FUNCTION ecr.receive_notice(text, text, text, text, text, text, uuid),
    ecr.national_notices(uuid, boolean, integer), ecr.national_notice_read(uuid, bigint)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ecr.national_notices(uuid, boolean, integer),
    ecr.national_notice_read(uuid, bigint) TO ecr_app;
