-- SCEC central database, part 1: the PKI (centres, enrollment tokens,
-- certificates, revocation lists) and replay detection for containers.
-- Released migrations are never edited: add 0002_… instead.

CREATE TABLE centre (
    code            text PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'),
    name            text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'active', 'revoked')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz,
    revocation_reason text,
    CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
);

-- One-time enrollment tokens: only a SHA-256 digest is stored; a token works
-- once (used_at) and only until expires_at.
CREATE TABLE enrollment_token (
    id              bigserial PRIMARY KEY,
    centre_code     text NOT NULL REFERENCES centre (code),
    token_digest    bytea NOT NULL UNIQUE CHECK (length(token_digest) = 32),
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX enrollment_token_centre ON enrollment_token (centre_code);

-- Every certificate the issuing CA gave a centre (several after renewals).
CREATE TABLE centre_certificate (
    serial          numeric(50, 0) PRIMARY KEY,
    centre_code     text NOT NULL REFERENCES centre (code),
    key_identifier  bytea NOT NULL UNIQUE,
    not_before      timestamptz NOT NULL,
    not_after       timestamptz NOT NULL,
    der             bytea NOT NULL,
    issued_at       timestamptz NOT NULL DEFAULT now(),
    issued_by       text NOT NULL CHECK (issued_by IN ('enroll', 'enroll-offline', 'renew')),
    revoked_at      timestamptz,
    revocation_reason text
);
CREATE INDEX centre_certificate_centre ON centre_certificate (centre_code);

-- Signed revocation lists, numbered; the highest number is the current one.
CREATE TABLE revocation_list (
    number          bigint PRIMARY KEY,
    issued_at       timestamptz NOT NULL DEFAULT now(),
    next_update     timestamptz NOT NULL,
    der             bytea NOT NULL
);

-- Replay detection: every accepted container, by sender and sequence, and by
-- message id.  Workers are stateless: this table, not memory, says what was seen.
-- Rows older than the maximum container age may be pruned (older containers are
-- refused as too old anyway).
CREATE TABLE seen_message (
    sender          text NOT NULL,
    sequence        bigint NOT NULL CHECK (sequence >= 0),
    message_id      uuid NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sender, sequence)
);
CREATE INDEX seen_message_created ON seen_message (created_at);
