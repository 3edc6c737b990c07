-- Vicinity on PostgreSQL, schema version 3: ratings of one rater about one ratee count once per window
-- (RatingService.Builder#countOncePer). ${schema} is the configured schema (a quoted identifier).

-- A revealed rating that is not counted because the pair had a counted reveal less than the window before.
ALTER TABLE ${schema}.rating ADD COLUMN duplicate boolean NOT NULL DEFAULT false;

-- Per (ratee, rater): reveal time of the last counted rating, locked and moved in the same transaction
-- as the reveal and the histogram change, so concurrent reveals of one pair are serialized.
CREATE TABLE ${schema}.rating_pair (
    ratee           text COLLATE "C" NOT NULL,
    rater           text COLLATE "C" NOT NULL,
    last_counted_ns bigint NOT NULL,
    PRIMARY KEY (ratee, rater)
);

-- Every rating revealed before this version was counted: the last of each pair starts the window.
INSERT INTO ${schema}.rating_pair (ratee, rater, last_counted_ns)
SELECT ratee, rater, MAX(updated_at_ns) FROM ${schema}.rating WHERE state = 'revealed' GROUP BY ratee, rater;
