-- Vicinity on PostgreSQL, schema version 1: chat sessions, message history and ratings.
-- ${schema} is replaced by the configured schema (a quoted identifier). Run by SchemaInstaller inside one
-- transaction together with its row in vicinity_schema_history; hosts that manage DDL themselves may run the
-- text returned by SchemaInstaller.script(1) instead.
--
-- Conventions: ids are ASCII (core's id syntax) stored as text COLLATE "C" (byte order, as Java's String
-- order for these characters); instants are bigint nanoseconds since the epoch (columns *_ns), so that they
-- read back exactly; free text that may contain U+0000 (message bodies, rating comments) is UTF-8 in bytea.

-- Chat sessions: one row per session, changed only by compare-and-set on version.
CREATE TABLE ${schema}.chat_session (
    id              text COLLATE "C" PRIMARY KEY,
    state           text   NOT NULL CHECK (state IN ('invited', 'active', 'declined', 'cancelled', 'expired', 'ended')),
    end_reason      text   CHECK (end_reason IN ('left', 'idle_timeout', 'blocked', 'peer_gone', 'moderated')),
    inviter         text COLLATE "C" NOT NULL,
    created_at_ns   bigint NOT NULL,
    activated_at_ns bigint,
    ended_at_ns     bigint,
    timeout_at_ns   bigint,
    version         bigint NOT NULL CHECK (version >= 1),
    CHECK ((state = 'ended') = (end_reason IS NOT NULL))
);
-- The sweeper's "due" query: earliest deadlines first, only sessions that have one.
CREATE INDEX chat_session_due ON ${schema}.chat_session (timeout_at_ns, id) WHERE timeout_at_ns IS NOT NULL;

-- Participants of a session in invite order (ordinal 0 = inviter); rewritten with the session row.
CREATE TABLE ${schema}.chat_participant (
    session_id text COLLATE "C" NOT NULL REFERENCES ${schema}.chat_session (id) ON DELETE CASCADE,
    ordinal    integer NOT NULL CHECK (ordinal >= 0),
    user_id    text COLLATE "C" NOT NULL,
    state      text   NOT NULL CHECK (state IN ('invited', 'joined', 'left')),
    last_read  bigint NOT NULL CHECK (last_read >= 0),
    since_ns   bigint NOT NULL,
    PRIMARY KEY (session_id, ordinal)
);
CREATE INDEX chat_participant_user ON ${schema}.chat_participant (user_id);

-- Per-session sequence counter: the row lock taken by the increment serialises appenders of one session.
-- top_seq never decreases; messages up to trimmed_upto were deleted (oldest retained = trimmed_upto + 1).
CREATE TABLE ${schema}.chat_history (
    session_id          text COLLATE "C" PRIMARY KEY,
    top_seq             bigint NOT NULL CHECK (top_seq >= 0),
    trimmed_upto        bigint NOT NULL DEFAULT 0,
    last_appended_at_ns bigint,
    CHECK (trimmed_upto >= 0 AND trimmed_upto <= top_seq)
);

-- Stored messages; (session, sender, client id) is unique while retained (exactly-once appends).
CREATE TABLE ${schema}.chat_message (
    session_id   text COLLATE "C" NOT NULL,
    seq          bigint NOT NULL CHECK (seq >= 1),
    sender       text COLLATE "C" NOT NULL,
    client_id    text COLLATE "C" NOT NULL,
    body_utf8    bytea  NOT NULL,
    stored_at_ns bigint NOT NULL,
    PRIMARY KEY (session_id, seq),
    UNIQUE (session_id, sender, client_id)
);

-- Ratings: at most one per (session, rater, ratee), ever (a withdrawn rating keeps its key).
CREATE TABLE ${schema}.rating (
    session_id      text COLLATE "C" NOT NULL,
    rater           text COLLATE "C" NOT NULL,
    ratee           text COLLATE "C" NOT NULL,
    stars           smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
    tags            text[]   NOT NULL,
    comment_utf8    bytea,
    idempotency_key text,
    state           text     NOT NULL CHECK (state IN ('sealed', 'revealed', 'withdrawn')),
    submitted_at_ns bigint   NOT NULL,
    reveal_at_ns    bigint   NOT NULL,
    updated_at_ns   bigint   NOT NULL,
    version         bigint   NOT NULL CHECK (version >= 1),
    PRIMARY KEY (session_id, rater, ratee)
);
CREATE INDEX rating_ratee ON ${schema}.rating (ratee);
-- The reveal sweeper's query: sealed ratings by reveal time.
CREATE INDEX rating_sealed_due ON ${schema}.rating (reveal_at_ns, session_id, rater, ratee) WHERE state = 'sealed';

-- Running histogram of revealed ratings per ratee, changed in the same transaction as the rating row.
CREATE TABLE ${schema}.rating_aggregate (
    user_id text COLLATE "C" PRIMARY KEY,
    n1 bigint NOT NULL DEFAULT 0 CHECK (n1 >= 0),
    n2 bigint NOT NULL DEFAULT 0 CHECK (n2 >= 0),
    n3 bigint NOT NULL DEFAULT 0 CHECK (n3 >= 0),
    n4 bigint NOT NULL DEFAULT 0 CHECK (n4 >= 0),
    n5 bigint NOT NULL DEFAULT 0 CHECK (n5 >= 0)
);

-- Platform histogram in 16 stripes (stripe = hash of the ratee) so that concurrent writes about different
-- users rarely wait for the same row; the platform aggregate is the sum of the 16 rows.
CREATE TABLE ${schema}.rating_platform (
    stripe smallint PRIMARY KEY CHECK (stripe BETWEEN 0 AND 15),
    n1 bigint NOT NULL DEFAULT 0,
    n2 bigint NOT NULL DEFAULT 0,
    n3 bigint NOT NULL DEFAULT 0,
    n4 bigint NOT NULL DEFAULT 0,
    n5 bigint NOT NULL DEFAULT 0
);
INSERT INTO ${schema}.rating_platform (stripe)
VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14), (15);
