-- Versioned cache of one rating aggregate: store a histogram read from the delegate only if it is newer.
-- KEYS: the entry's generation counter, the entry's cached value hash (same slot)
-- ARGV: generation read before the delegate was read, n1..n5, ttl in milliseconds
-- Writes (and returns 1) only if the generation is still the one read (no write committed since) and no
-- value of that or a later generation is cached; otherwise returns 0 and writes nothing. A read-through
-- that raced a write therefore never overwrites the newer value.
local gen = tonumber(redis.call('GET', KEYS[1]) or '0')
if gen ~= tonumber(ARGV[1]) then
  return 0
end
local cur = redis.call('HGET', KEYS[2], 'v')
if cur and tonumber(cur) >= gen then
  return 0
end
redis.call('HSET', KEYS[2], 'v', ARGV[1], '1', ARGV[2], '2', ARGV[3], '3', ARGV[4], '4', ARGV[5], '5', ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
return 1
