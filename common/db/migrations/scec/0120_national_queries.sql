-- SCEC central database: national queries (issue 15, docs/protocol.md §10).
--
-- Every QUERY a centre sends is kept here, answered or refused: who asked (the
-- user's number, name and role as the centre's database gave them), from which
-- centre, what, when, by which carrier, how many acts matched and which NIUs the
-- answer held.  This is the SCEC's end of the audit of national reads (the
-- centre keeps the other end in its hash-chained audit), the rate limit's count,
-- and what makes a query answered twice (a re-sent MQTT request, a T2D folder
-- imported again) get the same answer: the answer's container is in outgoing
-- (in_reply_to = the query's message id).
CREATE TABLE national_query (
    message_id      uuid PRIMARY KEY,
    centre          text NOT NULL REFERENCES centre (code),
    asked_by        integer NOT NULL,
    asked_by_name   text NOT NULL,
    role            text NOT NULL,
    criteria        jsonb NOT NULL,
    asked_at        timestamptz NOT NULL,          -- the container's creation time
    received_at     timestamptz NOT NULL DEFAULT now(),
    carrier         text NOT NULL CHECK (carrier IN ('mqtt', 't2d')),
    found           integer NOT NULL DEFAULT 0,
    returned        text[] NOT NULL DEFAULT '{}',  -- the NIUs the answer held
    refusal         text                           -- rate_limited, role_not_allowed
);
CREATE INDEX national_query_centre ON national_query (centre, received_at);

-- Queries a centre may ask per hour (NULL: the default, xmserver.queries.QUERIES_PER_HOUR).
ALTER TABLE centre ADD COLUMN queries_per_hour integer CHECK (queries_per_hour >= 0);

-- National search by name: every name word of every person of an act is in
-- act.name_keys (GIN); the principal person's birth date, for the criteria
-- that name a date, is the act's occurred_on for a birth.
