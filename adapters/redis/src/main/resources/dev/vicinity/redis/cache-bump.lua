-- Invalidates one cached rating aggregate after the delegate committed a write: the generation grows
-- (so every read-through that started before loses its put) and the cached value goes, in one step.
-- KEYS: the entry's generation counter, the entry's cached value (same slot)
-- Returns the new generation.
local gen = redis.call('INCR', KEYS[1])
redis.call('DEL', KEYS[2])
return gen
