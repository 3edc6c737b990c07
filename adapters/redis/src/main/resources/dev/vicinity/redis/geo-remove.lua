-- Proximity index removal of one user, or of the shard's users last seen before a cutoff.
-- KEYS: the shard's users hash, seen zset, GEO set, legacy polar hash, polar zset (all with the shard's
--   hash tag)
-- ARGV: mode ('user' or 'before'), user | cutoffMillis, limit (mode 'before')
-- Returns the removed users.
local function drop(user)
  local old = redis.call('HGET', KEYS[1], user)
  if not old then
    redis.call('ZREM', KEYS[2], user)
    return false
  end
  if old == 'polar' then
    redis.call('HDEL', KEYS[4], user)
  elseif string.sub(old, 1, 2) == 'p|' then
    redis.call('ZREM', KEYS[5], string.sub(old, 3))
  else
    redis.call('ZREM', KEYS[3], old)
  end
  redis.call('HDEL', KEYS[1], user)
  redis.call('ZREM', KEYS[2], user)
  return true
end
local removed = {}
if ARGV[1] == 'user' then
  if drop(ARGV[2]) then
    table.insert(removed, ARGV[2])
  end
else
  local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
  for _, user in ipairs(stale) do
    if drop(user) then
      table.insert(removed, user)
    end
  end
end
return removed
