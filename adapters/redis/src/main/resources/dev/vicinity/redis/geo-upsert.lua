-- Proximity index upsert: moves one user to its new place in one atomic step.
-- KEYS: users hash, seen zset, target (cell GEO key or the polar hash), cells set
-- ARGV: key prefix, user, member, lon, lat, observedAtMillis, target name (cell tag or 'polar')
-- The users hash maps user -> '<target name>\t<member>' so the old entry can be removed.
local p, user, member, lon, lat, obs, target = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local old = redis.call('HGET', KEYS[1], user)
if old then
  local sep = string.find(old, '\t', 1, true)
  local oldTarget = string.sub(old, 1, sep - 1)
  local oldMember = string.sub(old, sep + 1)
  if oldTarget == 'polar' then
    redis.call('HDEL', p .. '{idx}:polar', user)
  else
    local cellKey = p .. oldTarget
    redis.call('ZREM', cellKey, oldMember)
    if oldTarget ~= target and redis.call('EXISTS', cellKey) == 0 then
      redis.call('SREM', KEYS[4], oldTarget)
    end
  end
end
if target == 'polar' then
  redis.call('HSET', KEYS[3], user, lat .. ',' .. lon .. ',' .. obs)
else
  redis.call('GEOADD', KEYS[3], lon, lat, member)
  redis.call('SADD', KEYS[4], target)
end
redis.call('HSET', KEYS[1], user, target .. '\t' .. member)
redis.call('ZADD', KEYS[2], obs, user)
return old and 0 or 1
