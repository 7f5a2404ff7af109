-- SCEC central database: what the SCEC tells centres about their acts (issue 15).
--
-- A notice is queued in the transaction that decides it, then sealed for its
-- centre in a NOTICE container by the workers' relay (or the next T2D export),
-- like routed mentions (docs/protocol.md §12):
--   * possible_duplicate: ingest flags a pair (national_duplicate): one notice to
--     each of the two centres, about its own act;
--   * duplicate_resolved: xmserver duplicates resolve: both centres again;
--   * mention_applied: a routed mention came back written on its target act
--     (the holding centre re-sent the act with it): the sending centre is told.
CREATE TABLE notice (
    id              bigserial PRIMARY KEY,
    centre          text NOT NULL REFERENCES centre (code),
    body            jsonb NOT NULL CHECK (jsonb_typeof(body) = 'object'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_in         uuid              -- the NOTICE container that carried it
);
CREATE INDEX notice_unsent ON notice (centre) WHERE sent_in IS NULL;

ALTER TABLE routed_mention ADD COLUMN applied_at timestamptz;
CREATE INDEX routed_mention_unapplied ON routed_mention (target_niu)
    WHERE routed_in IS NOT NULL AND applied_at IS NULL;
