-- Centre database, transmission: the transmitter's state (docs/protocol.md §2, §5, §6).
--
-- The outbox (0003) says WHAT must reach the SCEC; these tables say how far each
-- entry got.  A container's sequence, message id and sealed bytes are recorded
-- here, in the transaction that packs its outbox entries, BEFORE its first
-- publish: a re-send (after a crash, a restart, an outage) sends these very bytes,
-- never new content under a number the SCEC may have seen.  An entry is
-- acknowledged or refused only by a verified receipt or STATUS from the SCEC; a
-- refused entry keeps the SCEC's reason for the officer and is never deleted.
--
-- Written by the transmitter (owner role) only; workstations read the figures
-- through ecr.transmission_status(token) and ecr.transmission_refused(token).

ALTER TABLE ecr.outbox
    ADD COLUMN state text NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'packed', 'sent', 'acknowledged', 'refused')),
    ADD COLUMN refusal text,
    ADD COLUMN refused_at timestamptz;
UPDATE ecr.outbox SET state = 'acknowledged' WHERE acknowledged_at IS NOT NULL;
CREATE INDEX outbox_state ON ecr.outbox (state, id) WHERE state <> 'acknowledged';

-- One row per container the centre sealed (ACT_BATCH or MENTION_OUT; a
-- SYNC_REQUEST is a question, kept in tx_state).
CREATE TABLE ecr.tx_containers (
    sequence bigint PRIMARY KEY CHECK (sequence > 0),
    message_id uuid NOT NULL UNIQUE,
    kind text NOT NULL CHECK (kind IN ('act_batch', 'mention_out')),
    data bytea NOT NULL,
    entries integer NOT NULL,
    -- the audit head reported in this container (its seq), so the next one can
    -- report that row's hash as read then (issue 11, finding 6)
    audit_seq bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,       -- first PUBACK from the broker (or first T2D export)
    last_sent_at timestamptz,       -- last publish or export attempt
    sends integer NOT NULL DEFAULT 0,
    receipt_at timestamptz,         -- the SCEC's verified receipt was applied
    refusal text                    -- the SCEC refused the container as a whole
);
CREATE INDEX tx_containers_unreceipted ON ecr.tx_containers (sequence) WHERE receipt_at IS NULL;

-- Which outbox entries a container holds, and by which identifier the receipt
-- names each one (the NIU of an act, the mention id of a routed mention).
CREATE TABLE ecr.tx_container_entries (
    sequence bigint NOT NULL REFERENCES ecr.tx_containers,
    outbox_id bigint NOT NULL REFERENCES ecr.outbox,
    item_id text NOT NULL,
    PRIMARY KEY (sequence, outbox_id)
);
CREATE INDEX tx_container_entries_outbox ON ecr.tx_container_entries (outbox_id);

CREATE TABLE ecr.tx_state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    next_sequence bigint NOT NULL DEFAULT 1 CHECK (next_sequence > 0),
    -- set by a restore detected, a broker session found absent, or an operator;
    -- cleared only by a STATUS answering the recorded question
    needs_sync boolean NOT NULL DEFAULT false,
    sync_reason text,
    sync_message_id uuid,
    sync_data bytea,
    sync_sent_at timestamptz,
    highest_at_scec bigint NOT NULL DEFAULT 0,
    last_contact timestamptz,
    link text NOT NULL DEFAULT '',
    next_retry timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO ecr.tx_state DEFAULT VALUES;

-- Answers already applied (receipts, STATUS): a re-published or re-imported
-- answer is recognised and applied once.
CREATE TABLE ecr.tx_answers (
    message_id uuid PRIMARY KEY,
    kind text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- The figures of the Transmission page and `ecr transmission status`.
CREATE FUNCTION ecr._transmission_status() RETURNS jsonb
LANGUAGE sql STABLE SET search_path = ecr, pg_temp AS $$
    SELECT jsonb_build_object(
        'pending', (SELECT count(*) FROM outbox WHERE state = 'pending'),
        'in_flight', (SELECT count(*) FROM outbox WHERE state IN ('packed', 'sent')),
        'acknowledged', (SELECT count(*) FROM outbox WHERE state = 'acknowledged'),
        'acknowledged_today', (SELECT count(*) FROM outbox WHERE state = 'acknowledged'
                               AND acknowledged_at >= date_trunc('day', now())),
        'refused', (SELECT count(*) FROM outbox WHERE state = 'refused'),
        'containers_unreceipted', (SELECT count(*) FROM tx_containers WHERE receipt_at IS NULL),
        'next_sequence', s.next_sequence,
        'needs_sync', s.needs_sync,
        'sync_reason', s.sync_reason,
        'last_contact', s.last_contact,
        'next_retry', s.next_retry,
        'link', s.link)
    FROM tx_state s
$$;

CREATE FUNCTION ecr._transmission_refused() RETURNS TABLE (
    outbox_id bigint, kind text, niu text, act_id bigint, reason text, refused_at timestamptz)
LANGUAGE sql STABLE SET search_path = ecr, pg_temp AS $$
    SELECT o.id, o.kind, o.niu, o.act_id, o.refusal, o.refused_at
    FROM outbox o WHERE o.state = 'refused' ORDER BY o.id
$$;

CREATE FUNCTION ecr.transmission_status(p_token uuid) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
BEGIN
    PERFORM _actor(p_token, 'queue.to_validate');
    RETURN _transmission_status();
END $$;

CREATE FUNCTION ecr.transmission_refused(p_token uuid) RETURNS TABLE (
    outbox_id bigint, kind text, niu text, act_id bigint, reason text, refused_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
BEGIN
    PERFORM _actor(p_token, 'queue.to_validate');
    RETURN QUERY SELECT * FROM _transmission_refused();
END $$;

REVOKE ALL ON ecr.tx_containers, ecr.tx_container_entries, ecr.tx_state, ecr.tx_answers
    FROM PUBLIC, ecr_app;
REVOKE ALL ON FUNCTION ecr._transmission_status(), ecr._transmission_refused(),
    ecr.transmission_status(uuid), ecr.transmission_refused(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ecr.transmission_status(uuid), ecr.transmission_refused(uuid)
    TO ecr_app;
