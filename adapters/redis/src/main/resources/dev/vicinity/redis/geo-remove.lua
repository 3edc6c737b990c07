-- Proximity index removal of one user, or of every user last seen before a cutoff.
-- KEYS: users hash, seen zset, cells set
-- ARGV: key prefix, mode ('user' or 'before'), user | cutoffMillis, limit (mode 'before')
-- Returns the removed users.
local p = ARGV[1]
local function drop(user)
  local old = redis.call('HGET', KEYS[1], user)
  if not old then
    return false
  end
  local sep = string.find(old, '\t', 1, true)
  local target = string.sub(old, 1, sep - 1)
  if target == 'polar' then
    redis.call('HDEL', p .. '{idx}:polar', user)
  else
    local cellKey = p .. target
    redis.call('ZREM', cellKey, string.sub(old, sep + 1))
    if redis.call('EXISTS', cellKey) == 0 then
      redis.call('SREM', KEYS[3], target)
    end
  end
  redis.call('HDEL', KEYS[1], user)
  redis.call('ZREM', KEYS[2], user)
  return true
end
local removed = {}
if ARGV[2] == 'user' then
  if drop(ARGV[3]) then
    table.insert(removed, ARGV[3])
  end
else
  local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[3], 'LIMIT', 0, tonumber(ARGV[4]))
  for _, user in ipairs(stale) do
    if drop(user) then
      table.insert(removed, user)
    end
  end
end
return removed
