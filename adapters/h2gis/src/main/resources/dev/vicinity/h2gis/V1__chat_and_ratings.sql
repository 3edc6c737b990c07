-- Vicinity on H2, schema version 1: chat sessions, message history and ratings.
-- ${schema} is replaced by the configured schema (a quoted identifier). H2 commits every DDL statement on
-- its own, so each statement is idempotent (IF NOT EXISTS, MERGE): re-running a version that failed half
-- way completes it. The installer records the version in vicinity_schema_history after its last statement.
--
-- Conventions (the same as the PostgreSQL adapter's): ids are ASCII (core's id syntax) in VARCHAR, compared
-- by code point; instants are BIGINT nanoseconds since the epoch (columns *_ns); free text (message bodies,
-- rating comments) is UTF-8 in VARBINARY so that any Java string reads back unchanged.

-- Chat sessions: one row per session, changed only by compare-and-set on version.
CREATE TABLE IF NOT EXISTS ${schema}.chat_session (
    id              VARCHAR(200) PRIMARY KEY,
    state           VARCHAR(16) NOT NULL CHECK (state IN ('invited', 'active', 'declined', 'cancelled', 'expired', 'ended')),
    end_reason      VARCHAR(16) CHECK (end_reason IN ('left', 'idle_timeout', 'blocked', 'peer_gone', 'moderated')),
    inviter         VARCHAR(200) NOT NULL,
    created_at_ns   BIGINT NOT NULL,
    activated_at_ns BIGINT,
    ended_at_ns     BIGINT,
    timeout_at_ns   BIGINT,
    version         BIGINT NOT NULL CHECK (version >= 1),
    CHECK ((state = 'ended') = (end_reason IS NOT NULL))
);
-- The sweeper's "due" query (H2 has no partial indexes; NULL deadlines sort first and are skipped by the range).
CREATE INDEX IF NOT EXISTS chat_session_due ON ${schema}.chat_session (timeout_at_ns, id);

-- Participants of a session in invite order (ordinal 0 = inviter); rewritten with the session row.
CREATE TABLE IF NOT EXISTS ${schema}.chat_participant (
    session_id VARCHAR(200) NOT NULL REFERENCES ${schema}.chat_session (id) ON DELETE CASCADE,
    ordinal    INTEGER NOT NULL CHECK (ordinal >= 0),
    user_id    VARCHAR(200) NOT NULL,
    state      VARCHAR(16) NOT NULL CHECK (state IN ('invited', 'joined', 'left')),
    last_read  BIGINT NOT NULL CHECK (last_read >= 0),
    since_ns   BIGINT NOT NULL,
    PRIMARY KEY (session_id, ordinal)
);
CREATE INDEX IF NOT EXISTS chat_participant_user ON ${schema}.chat_participant (user_id);

-- Per-session sequence counter: the row lock taken by the increment serialises appenders of one session.
-- top_seq never decreases; messages up to trimmed_upto were deleted (oldest retained = trimmed_upto + 1).
CREATE TABLE IF NOT EXISTS ${schema}.chat_history (
    session_id          VARCHAR(200) PRIMARY KEY,
    top_seq             BIGINT NOT NULL CHECK (top_seq >= 0),
    trimmed_upto        BIGINT NOT NULL DEFAULT 0,
    last_appended_at_ns BIGINT,
    CHECK (trimmed_upto >= 0 AND trimmed_upto <= top_seq)
);

-- Stored messages; (session, sender, client id) is unique while retained (exactly-once appends).
CREATE TABLE IF NOT EXISTS ${schema}.chat_message (
    session_id   VARCHAR(200) NOT NULL,
    seq          BIGINT NOT NULL CHECK (seq >= 1),
    sender       VARCHAR(200) NOT NULL,
    client_id    VARCHAR(200) NOT NULL,
    body_utf8    VARBINARY NOT NULL,
    stored_at_ns BIGINT NOT NULL,
    PRIMARY KEY (session_id, seq),
    CONSTRAINT chat_message_client_id UNIQUE (session_id, sender, client_id)
);

-- Ratings: at most one per (session, rater, ratee), ever (a withdrawn rating keeps its key).
CREATE TABLE IF NOT EXISTS ${schema}.rating (
    session_id      VARCHAR(200) NOT NULL,
    rater           VARCHAR(200) NOT NULL,
    ratee           VARCHAR(200) NOT NULL,
    stars           SMALLINT NOT NULL CHECK (stars BETWEEN 1 AND 5),
    tags            VARCHAR ARRAY NOT NULL,
    comment_utf8    VARBINARY,
    idempotency_key VARCHAR,
    state           VARCHAR(16) NOT NULL CHECK (state IN ('sealed', 'revealed', 'withdrawn')),
    submitted_at_ns BIGINT NOT NULL,
    reveal_at_ns    BIGINT NOT NULL,
    updated_at_ns   BIGINT NOT NULL,
    version         BIGINT NOT NULL CHECK (version >= 1),
    PRIMARY KEY (session_id, rater, ratee)
);
CREATE INDEX IF NOT EXISTS rating_ratee ON ${schema}.rating (ratee);
-- The reveal sweeper's query: ratings by state and reveal time.
CREATE INDEX IF NOT EXISTS rating_sealed_due ON ${schema}.rating (state, reveal_at_ns);

-- Running histogram of revealed ratings per ratee, changed in the same transaction as the rating row.
CREATE TABLE IF NOT EXISTS ${schema}.rating_aggregate (
    user_id VARCHAR(200) PRIMARY KEY,
    n1 BIGINT NOT NULL DEFAULT 0 CHECK (n1 >= 0),
    n2 BIGINT NOT NULL DEFAULT 0 CHECK (n2 >= 0),
    n3 BIGINT NOT NULL DEFAULT 0 CHECK (n3 >= 0),
    n4 BIGINT NOT NULL DEFAULT 0 CHECK (n4 >= 0),
    n5 BIGINT NOT NULL DEFAULT 0 CHECK (n5 >= 0)
);

-- Platform histogram in 16 stripes (stripe = hash of the ratee) so that concurrent writes about different
-- users rarely wait for the same row; the platform aggregate is the sum of the 16 rows.
CREATE TABLE IF NOT EXISTS ${schema}.rating_platform (
    stripe SMALLINT PRIMARY KEY CHECK (stripe BETWEEN 0 AND 15),
    n1 BIGINT NOT NULL DEFAULT 0,
    n2 BIGINT NOT NULL DEFAULT 0,
    n3 BIGINT NOT NULL DEFAULT 0,
    n4 BIGINT NOT NULL DEFAULT 0,
    n5 BIGINT NOT NULL DEFAULT 0
);
MERGE INTO ${schema}.rating_platform (stripe) KEY (stripe)
VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14), (15);
