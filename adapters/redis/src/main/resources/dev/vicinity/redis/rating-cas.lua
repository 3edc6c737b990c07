-- Rating compare-and-set on the version, applying contribution(new) - contribution(old) to both
-- histograms, the count-once rule and keeping the due set in step, in one atomic step.
-- KEYS: as rating-insert.lua
-- ARGV: expected version, then as rating-insert.lua from stars on
-- Returns 1 if replaced, 0 if the rating is missing or its version differs (nothing written).
local cur = redis.call('HMGET', KEYS[1], 'v', 'st', 'state', 'due', 'dup')
if not cur[1] or cur[1] ~= ARGV[1] then
  return 0
end
local dup = cur[5] or '0'
if cur[3] == 'REVEALED' then
  if dup ~= '1' then
    redis.call('HINCRBY', KEYS[3], cur[2], -1)
    redis.call('HINCRBY', KEYS[4], cur[2], -1)
  end
elseif cur[3] == 'SEALED' then
  redis.call('ZREM', KEYS[5], cur[4])
end
if ARGV[3] == 'REVEALED' and cur[3] ~= 'REVEALED' then
  dup = '0'
  local last = redis.call('HGET', KEYS[6], ARGV[15])
  if ARGV[13] ~= '' and last and last > ARGV[13] then
    dup = '1'
  elseif not last or ARGV[14] > last then
    redis.call('HSET', KEYS[6], ARGV[15], ARGV[14])
  end
end
if ARGV[3] == 'REVEALED' then
  if dup ~= '1' then
    redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
    redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
  end
elseif ARGV[3] == 'SEALED' then
  redis.call('ZADD', KEYS[5], 0, ARGV[12])
end
redis.call('HSET', KEYS[1], 'st', ARGV[2], 'state', ARGV[3], 'tags', ARGV[4], 'sub', ARGV[9], 'rev', ARGV[10],
  'upd', ARGV[11], 'v', tostring(tonumber(ARGV[1]) + 1), 'due', ARGV[12], 'dup', dup)
if ARGV[5] == '1' then redis.call('HSET', KEYS[1], 'c', ARGV[6]) else redis.call('HDEL', KEYS[1], 'c') end
if ARGV[7] == '1' then redis.call('HSET', KEYS[1], 'i', ARGV[8]) else redis.call('HDEL', KEYS[1], 'i') end
return 1
