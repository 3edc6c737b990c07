-- Location compare-and-set on the version, with the stripe's observed-at index kept in step, in one step.
-- KEYS: the user's location hash, the stripe's observed-at sorted set (same slot)
-- ARGV: expected version (0: absent), user id, lat, lon, source, accuracy, observedAt (seconds.nanos),
--   observedAt score (epoch milliseconds, floor)
-- Returns the new version, or 0 if the stored version differed (nothing written).
local cur = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if cur ~= tonumber(ARGV[1]) then
  return 0
end
local v = cur + 1
redis.call('HSET', KEYS[1], 'v', tostring(v), 'lat', ARGV[3], 'lon', ARGV[4], 'src', ARGV[5], 'acc', ARGV[6],
  'obs', ARGV[7])
redis.call('ZADD', KEYS[2], ARGV[8], ARGV[2])
return v
