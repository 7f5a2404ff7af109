-- SCEC central database: national duplicate review (issue 15).
--
-- The same child registered in two centres is two legal identities.  Each act
-- stored keeps the duplicate key the centres use locally (the data dictionary's
-- principal person name key and, for births and foetal deaths, the mother's:
-- common.acts.summary.duplicate_key_of); ingest flags, in the transaction that
-- stores an act, every act of another centre with the same event type and key
-- whose event date is within the same window as the centres' own check.  Both
-- acts are kept: a person decides (xmserver duplicates list|show|resolve).
-- Acts stored before this migration have no key and are not compared.
ALTER TABLE act ADD COLUMN principal_key text, ADD COLUMN mother_key text;
CREATE INDEX act_duplicate_key ON act (event_type, principal_key)
    WHERE principal_key IS NOT NULL;

CREATE TABLE national_duplicate (
    id              bigserial PRIMARY KEY,
    niu             text NOT NULL,   -- the act that arrived second
    other_niu       text NOT NULL,   -- the act of another centre it looks like
    event_type      text NOT NULL,
    centre          text NOT NULL,
    other_centre    text NOT NULL,
    flagged_at      timestamptz NOT NULL DEFAULT now(),
    resolved_at     timestamptz,
    resolution      text CHECK (resolution IN ('same_event', 'different_events')),
    note            text,
    CHECK ((resolved_at IS NULL) = (resolution IS NULL)),
    UNIQUE (niu, other_niu)
);
CREATE INDEX national_duplicate_open ON national_duplicate (flagged_at)
    WHERE resolved_at IS NULL;
