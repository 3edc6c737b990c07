-- Vicinity on PostgreSQL, schema version 2: public locations, the proximity index and the block list.
-- ${schema} is the configured schema, ${postgis} the schema PostGIS is installed in (both quoted
-- identifiers); every PostGIS type is qualified so that nothing depends on the search_path.

-- Public (snapped) location per user; every write is a compare-and-set on version.
CREATE TABLE ${schema}.location (
    user_id        text COLLATE "C" PRIMARY KEY,
    lat            double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon            double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    source         text   NOT NULL CHECK (source IN ('precise', 'approximate', 'manual')),
    accuracy_m     double precision NOT NULL CHECK (accuracy_m >= 0),
    observed_at_ns bigint NOT NULL,
    version        bigint NOT NULL CHECK (version >= 1)
);
-- The staleness sweeper's scan.
CREATE INDEX location_observed ON ${schema}.location (observed_at_ns);

-- The proximity index: one point per user on the sphere, with a GiST index that serves both the
-- index-ordered nearest-neighbour scan (ORDER BY geog <-> q LIMIT k) and ST_DWithin.
CREATE TABLE ${schema}.proximity (
    user_id        text COLLATE "C" PRIMARY KEY,
    geog           ${postgis}.geography(Point, 4326) NOT NULL,
    observed_at_ns bigint NOT NULL
);
CREATE INDEX proximity_geog ON ${schema}.proximity USING gist (geog);

-- Who blocked whom; the second index answers "who blocked me".
CREATE TABLE ${schema}.user_block (
    blocker text COLLATE "C" NOT NULL,
    blocked text COLLATE "C" NOT NULL,
    PRIMARY KEY (blocker, blocked)
);
CREATE INDEX user_block_blocked ON ${schema}.user_block (blocked, blocker);
