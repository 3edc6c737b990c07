-- Removes a location if its version is the expected one, with its observed-at index entry, in one step.
-- KEYS: the user's location hash, the stripe's observed-at sorted set (same slot)
-- ARGV: expected version, user id
-- Returns 1 if removed, 0 if absent or the version differed (nothing changed).
local cur = redis.call('HGET', KEYS[1], 'v')
if not cur or tonumber(cur) ~= tonumber(ARGV[1]) then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return 1
