-- Proximity index upsert: moves one user to its new place in one atomic step.
-- KEYS: the user's shard's users hash, seen zset, GEO set, legacy polar hash, polar zset (all with the
--   shard's hash tag)
-- ARGV: user, member ('<user>|<observedAtMillis>'), lon, lat, observedAtMillis, polar flag ('1': at or
--   beyond the polar latitude, kept in the polar zset scored by latitude as '<user>|<lat>|<lon>|<obs>')
-- The users hash maps user -> its GEO member, 'p|' .. its polar member, or 'polar' (a legacy entry of
-- the polar hash), so the old entry can be removed.
-- Returns 1 if the user was new, else 0.
local user, member, lon, lat, obs = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local old = redis.call('HGET', KEYS[1], user)
if old == 'polar' then
  redis.call('HDEL', KEYS[4], user)
elseif old and string.sub(old, 1, 2) == 'p|' then
  redis.call('ZREM', KEYS[5], string.sub(old, 3))
elseif old then
  redis.call('ZREM', KEYS[3], old)
end
if ARGV[6] == '1' then
  local pm = user .. '|' .. lat .. '|' .. lon .. '|' .. obs
  redis.call('ZADD', KEYS[5], lat, pm)
  redis.call('HSET', KEYS[1], user, 'p|' .. pm)
else
  redis.call('GEOADD', KEYS[3], lon, lat, member)
  redis.call('HSET', KEYS[1], user, member)
end
redis.call('ZADD', KEYS[2], obs, user)
return old and 0 or 1
