-- Rating insert-if-absent with the aggregate increment and the count-once rule, in one atomic step.
-- KEYS: rating hash, ratee's rating-id set, ratee's histogram, stripe's platform histogram, stripe's due set,
--   ratee's pair hash (rater -> last counted reveal) (all share the stripe's hash tag, so they live in one slot)
-- ARGV: rating id, stars, state, tags, hasComment, comment, hasIdem, idem, submitted, revealAt, updated, due member,
--   count-once threshold (reveal time minus the window, fixed-width; '' = count every rating),
--   reveal time (fixed-width), rater
-- Returns {'inserted', dup} when inserted (dup '1' if revealed but not counted), else the stored rating's
-- fields (HGETALL) and writes nothing.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HGETALL', KEYS[1])
end
local dup = '0'
if ARGV[3] == 'REVEALED' then
  local last = redis.call('HGET', KEYS[6], ARGV[15])
  if ARGV[13] ~= '' and last and last > ARGV[13] then
    dup = '1'
  elseif not last or ARGV[14] > last then
    redis.call('HSET', KEYS[6], ARGV[15], ARGV[14])
  end
end
redis.call('HSET', KEYS[1], 'st', ARGV[2], 'state', ARGV[3], 'tags', ARGV[4], 'sub', ARGV[9], 'rev', ARGV[10],
  'upd', ARGV[11], 'v', '1', 'due', ARGV[12], 'dup', dup)
if ARGV[5] == '1' then redis.call('HSET', KEYS[1], 'c', ARGV[6]) end
if ARGV[7] == '1' then redis.call('HSET', KEYS[1], 'i', ARGV[8]) end
redis.call('SADD', KEYS[2], ARGV[1])
if ARGV[3] == 'REVEALED' then
  if dup == '0' then
    redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
    redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
  end
elseif ARGV[3] == 'SEALED' then
  redis.call('ZADD', KEYS[5], 0, ARGV[12])
end
return {'inserted', dup}
