-- Rating compare-and-set on the version, applying contribution(new) - contribution(old) to both
-- histograms and keeping the due set in step, in one atomic step.
-- KEYS: as rating-insert.lua
-- ARGV: expected version, stars, state, tags, hasComment, comment, hasIdem, idem, submitted, revealAt,
--   updated, due member
-- Returns 1 if replaced, 0 if the rating is missing or its version differs (nothing written).
local cur = redis.call('HMGET', KEYS[1], 'v', 'st', 'state', 'due')
if not cur[1] or cur[1] ~= ARGV[1] then
  return 0
end
if cur[3] == 'REVEALED' then
  redis.call('HINCRBY', KEYS[3], cur[2], -1)
  redis.call('HINCRBY', KEYS[4], cur[2], -1)
elseif cur[3] == 'SEALED' then
  redis.call('ZREM', KEYS[5], cur[4])
end
if ARGV[3] == 'REVEALED' then
  redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
  redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
elseif ARGV[3] == 'SEALED' then
  redis.call('ZADD', KEYS[5], 0, ARGV[12])
end
redis.call('HSET', KEYS[1], 'st', ARGV[2], 'state', ARGV[3], 'tags', ARGV[4], 'sub', ARGV[9], 'rev', ARGV[10],
  'upd', ARGV[11], 'v', tostring(tonumber(ARGV[1]) + 1), 'due', ARGV[12])
if ARGV[5] == '1' then redis.call('HSET', KEYS[1], 'c', ARGV[6]) else redis.call('HDEL', KEYS[1], 'c') end
if ARGV[7] == '1' then redis.call('HSET', KEYS[1], 'i', ARGV[8]) else redis.call('HDEL', KEYS[1], 'i') end
return 1
