-- Vicinity on H2, schema version 2: public locations, the proximity index and the block list.
-- ${schema} is the configured schema (a quoted identifier). Idempotent statements, as in version 1.

-- Public (snapped) location per user; every write is a compare-and-set on version.
CREATE TABLE IF NOT EXISTS ${schema}.location (
    user_id        VARCHAR(200) PRIMARY KEY,
    lat            DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon            DOUBLE PRECISION NOT NULL CHECK (lon BETWEEN -180 AND 180),
    source         VARCHAR(16) NOT NULL CHECK (source IN ('precise', 'approximate', 'manual')),
    accuracy_m     DOUBLE PRECISION NOT NULL CHECK (accuracy_m >= 0),
    observed_at_ns BIGINT NOT NULL,
    version        BIGINT NOT NULL CHECK (version >= 1)
);
-- The staleness sweeper's scan.
CREATE INDEX IF NOT EXISTS location_observed ON ${schema}.location (observed_at_ns);

-- The proximity index: one planar point (x = lon, y = lat, degrees) per user with an R-tree spatial index
-- that answers bounding-box queries (geom && box). lat/lon keep the exact doubles for the canonical
-- distance, which is computed in Java; the geometry only selects candidates.
CREATE TABLE IF NOT EXISTS ${schema}.proximity (
    user_id        VARCHAR(200) PRIMARY KEY,
    lat            DOUBLE PRECISION NOT NULL,
    lon            DOUBLE PRECISION NOT NULL,
    geom           GEOMETRY(POINT, 4326) NOT NULL,
    observed_at_ns BIGINT NOT NULL
);
CREATE SPATIAL INDEX IF NOT EXISTS proximity_geom ON ${schema}.proximity (geom);

-- Who blocked whom; the second index answers "who blocked me".
CREATE TABLE IF NOT EXISTS ${schema}.user_block (
    blocker VARCHAR(200) NOT NULL,
    blocked VARCHAR(200) NOT NULL,
    PRIMARY KEY (blocker, blocked)
);
CREATE INDEX IF NOT EXISTS user_block_blocked ON ${schema}.user_block (blocked, blocker);
