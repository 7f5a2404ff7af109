-- SCEC central database, part 2: the national register and what moves it.
--
-- Every container a worker (or `xmserver t2d import`) accepts is stored in ONE
-- transaction: its seen_message row, its acts or mentions, its audit marks and
-- the receipt it answers with (outgoing).  The MQTT message is acknowledged
-- only after that commit, so a worker killed at any point loses nothing.
-- Released migrations are never edited: add 0101_… instead.

-- The national register: one row per NIU, partitioned by the registration year
-- that the NIU itself carries (digits 7–10), so that the NIU is unique
-- nationally (the primary key includes the partition key, which the NIU
-- determines) and a year's acts can be archived or indexed on their own.
-- Partitions are created on demand by ingest (ensure_act_partition).
CREATE TABLE act (
    niu             text NOT NULL CHECK (niu ~ '^[0-9]{19}$'),
    reg_year        smallint NOT NULL,
    centre          text NOT NULL REFERENCES centre (code),
    event_type      text NOT NULL,
    register_number text,
    registered_on   date,
    occurred_on     date,
    status          text NOT NULL DEFAULT 'stored' CHECK (status IN ('stored')),
    -- the act as received, ecr-act/1 (mentions included), and the SHA-256 of its
    -- content (the record without status and mentions, canonical JSON)
    record          jsonb NOT NULL,
    content_sha256  bytea NOT NULL CHECK (length(content_sha256) = 32),
    mention_count   integer NOT NULL DEFAULT 0 CHECK (mention_count >= 0),
    -- search keys of the persons named (common.acts.summary.search_entries)
    name_keys       text[] NOT NULL DEFAULT '{}',
    message_id      uuid NOT NULL,     -- the container that brought it first
    received_at     timestamptz NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz,       -- mentions appended
    CHECK (reg_year = substr(niu, 7, 4)::smallint),
    CHECK (centre = substr(niu, 1, 6)),
    PRIMARY KEY (niu, reg_year)
) PARTITION BY RANGE (reg_year);
CREATE INDEX act_centre ON act (centre, registered_on);
CREATE INDEX act_name_keys ON act USING gin (name_keys);
CREATE INDEX act_event ON act (event_type, occurred_on);

-- Create the partition of a registration year if it does not exist yet.
-- Called by ingest in its own short transaction (DDL takes a lock on the
-- parent table); two workers creating it at once: one wins, the other goes on.
CREATE FUNCTION ensure_act_partition(year integer) RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    part text := format('act_y%s', year);
BEGIN
    IF year < 1800 OR year > 9999 THEN
        RAISE EXCEPTION 'registration year % out of range', year;
    END IF;
    IF to_regclass(part) IS NOT NULL THEN
        RETURN;
    END IF;
    BEGIN
        EXECUTE format('CREATE TABLE %I PARTITION OF act FOR VALUES FROM (%s) TO (%s)',
                       part, year, year + 1);
    EXCEPTION WHEN duplicate_table THEN
        NULL;  -- another worker created it first
    END;
END
$$;

-- The same NIU arriving with other content, or mentions that do not extend the
-- stored ones: kept for review, nothing overwritten (xmserver conflicts …).
CREATE TABLE conflict (
    id              bigserial PRIMARY KEY,
    niu             text NOT NULL,
    centre          text NOT NULL,
    reason          text NOT NULL CHECK (reason IN ('niu_conflict', 'mention_conflict')),
    message_id      uuid NOT NULL,
    sequence        bigint NOT NULL,
    stored_sha256   bytea NOT NULL,
    received_sha256 bytea NOT NULL,
    received        jsonb NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    resolved_at     timestamptz,
    resolution      text,
    UNIQUE (niu, message_id)
);
CREATE INDEX conflict_open ON conflict (received_at) WHERE resolved_at IS NULL;

-- Containers refused as a whole: forged, tampered, truncated, unknown or
-- revoked signer, wrong recipient, replayed… kept with their bytes (capped by
-- the container size limit) for investigation (xmserver quarantine …).  The
-- same bytes arriving again only count.
CREATE TABLE quarantine (
    id              bigserial PRIMARY KEY,
    received_at     timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    times           integer NOT NULL DEFAULT 1,
    carrier         text NOT NULL CHECK (carrier IN ('mqtt', 't2d')),
    topic           text NOT NULL DEFAULT '',
    claimed_sender  text NOT NULL DEFAULT '',
    reason          text NOT NULL,
    detail          text NOT NULL DEFAULT '',
    size            integer NOT NULL,
    sha256          bytea NOT NULL UNIQUE,
    data            bytea NOT NULL
);
CREATE INDEX quarantine_time ON quarantine (received_at);

-- Every container the SCEC sends a centre (receipts, status answers, routed
-- mentions, revocation lists), written in the transaction that decided it,
-- published after the commit; a relay publishes what a killed worker did not.
-- T2D export writes the same bytes.
CREATE TABLE outgoing (
    id              bigserial PRIMARY KEY,
    centre          text NOT NULL REFERENCES centre (code),
    sequence        bigint NOT NULL CHECK (sequence > 0),
    kind            text NOT NULL,
    message_id      uuid NOT NULL UNIQUE,
    in_reply_to     uuid,
    crl_number      bigint,           -- REVOCATION_LIST: the number of the list it carries
    data            bytea NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempted_at    timestamptz,
    published_at    timestamptz,
    UNIQUE (centre, sequence)
);
CREATE INDEX outgoing_reply ON outgoing (in_reply_to);
CREATE INDEX outgoing_unpublished ON outgoing (created_at) WHERE published_at IS NULL;
CREATE INDEX outgoing_centre ON outgoing (centre, created_at);

-- The SCEC's own numbering of what it sends each centre.
ALTER TABLE centre ADD COLUMN next_outgoing bigint NOT NULL DEFAULT 1;

-- What a container was, beside its replay key (supervision: gaps, kinds).
ALTER TABLE seen_message
    ADD COLUMN kind text NOT NULL DEFAULT '',
    ADD COLUMN carrier text NOT NULL DEFAULT 'mqtt',
    ADD COLUMN entries integer NOT NULL DEFAULT 0;

-- Mentions between centres (MENTION_OUT), stored once per mention id, routed
-- to the centre that holds the target act (MENTION_IN in outgoing).
CREATE TABLE routed_mention (
    mention_id      text PRIMARY KEY CHECK (mention_id ~ '^m:[0-9a-f]{32}$'),
    from_centre     text NOT NULL REFERENCES centre (code),
    target_centre   text NOT NULL,
    target_niu      text NOT NULL,
    body            jsonb NOT NULL,
    message_id      uuid NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT now(),
    routed_in       uuid              -- the MENTION_IN container that carried it
);
CREATE INDEX routed_mention_unrouted ON routed_mention (target_centre) WHERE routed_in IS NULL;

-- The audit chain heads each container carries (DESIGN.md §2: the history of a
-- centre is anchored where its database owner cannot reach).  A centre that
-- reports another hash for an audit row it reported before has rewritten its
-- history: the disagreement is kept in history_alert, never overwritten.
CREATE TABLE audit_mark (
    centre          text NOT NULL REFERENCES centre (code),
    audit_seq       bigint NOT NULL,
    hash            bytea NOT NULL,
    message_id      uuid NOT NULL,
    seen_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (centre, audit_seq)
);
CREATE TABLE history_alert (
    id              bigserial PRIMARY KEY,
    centre          text NOT NULL REFERENCES centre (code),
    audit_seq       bigint NOT NULL,
    recorded_hash   bytea NOT NULL,
    reported_hash   bytea NOT NULL,
    message_id      uuid NOT NULL,
    seen_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (centre, audit_seq, reported_hash)
);
