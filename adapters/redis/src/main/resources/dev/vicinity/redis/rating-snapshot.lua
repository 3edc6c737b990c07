-- A consistent read of one ratee's histogram and every rating about them.
-- KEYS: ratee's rating-id set, ratee's histogram (same slot)
-- ARGV: key prefix of rating hashes in the stripe
-- Returns {{n1..n5}, {fields of rating}...}
local out = {redis.call('HMGET', KEYS[2], '1', '2', '3', '4', '5')}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  table.insert(out, redis.call('HGETALL', ARGV[1] .. id))
end
return out
