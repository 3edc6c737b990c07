-- Rating insert-if-absent with the aggregate increment, in one atomic step.
-- KEYS: rating hash, ratee's rating-id set, ratee's histogram, stripe's platform histogram, stripe's due set
--   (all share the stripe's hash tag, so they live in one slot)
-- ARGV: rating id, stars, state, tags, hasComment, comment, hasIdem, idem, submitted, revealAt, updated, due member
-- Returns {} when inserted, else the stored rating's fields (HGETALL) and writes nothing.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HGETALL', KEYS[1])
end
redis.call('HSET', KEYS[1], 'st', ARGV[2], 'state', ARGV[3], 'tags', ARGV[4], 'sub', ARGV[9], 'rev', ARGV[10],
  'upd', ARGV[11], 'v', '1', 'due', ARGV[12])
if ARGV[5] == '1' then redis.call('HSET', KEYS[1], 'c', ARGV[6]) end
if ARGV[7] == '1' then redis.call('HSET', KEYS[1], 'i', ARGV[8]) end
redis.call('SADD', KEYS[2], ARGV[1])
if ARGV[3] == 'REVEALED' then
  redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
  redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
elseif ARGV[3] == 'SEALED' then
  redis.call('ZADD', KEYS[5], 0, ARGV[12])
end
return {}
