-- Adds (ARGV[3] = '1') or removes ('0') a block in both directions' sets in one step.
-- KEYS: the blocker's "blocking" set, the blocked user's "blocked by" set (same slot)
-- ARGV: blocker id, blocked id, add flag
-- Returns 1 if the blocker's set changed, else 0 (the other side is brought in step either way).
if ARGV[3] == '1' then
  local r = redis.call('SADD', KEYS[1], ARGV[2])
  redis.call('SADD', KEYS[2], ARGV[1])
  return r
end
local r = redis.call('SREM', KEYS[1], ARGV[2])
redis.call('SREM', KEYS[2], ARGV[1])
return r
