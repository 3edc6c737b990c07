-- Versioned cache of one rating aggregate: store a histogram read from the delegate only if it is newer.
-- KEYS: the entry's generation counter, the entry's cached value (same slot), a string
--       '<generation>|n1|n2|n3|n4|n5'
-- ARGV: generation read before the delegate was read, n1..n5, ttl in milliseconds
-- Writes (and returns 1) only if the generation is still the one read (no write committed since) and no
-- value of that or a later generation is cached; otherwise returns 0 and writes nothing. A read-through
-- that raced a write therefore never overwrites the newer value.
local gen = tonumber(redis.call('GET', KEYS[1]) or '0')
if gen ~= tonumber(ARGV[1]) then
  return 0
end
local cur = redis.call('GET', KEYS[2])
if cur then
  local cur_gen = tonumber(string.match(cur, '^(%d+)|'))
  if cur_gen and cur_gen >= gen then
    return 0
  end
end
redis.call('SET', KEYS[2], ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[3] .. '|' .. ARGV[4] .. '|' .. ARGV[5] .. '|' .. ARGV[6],
  'PX', ARGV[7])
return 1
