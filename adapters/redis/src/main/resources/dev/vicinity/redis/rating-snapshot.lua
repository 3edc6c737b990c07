-- A consistent read of one ratee's histogram and every rating about them.
-- KEYS: ratee's rating-id set, ratee's histogram, then the rating hash of every id in ARGV (same order;
--   all share the ratee's stripe tag, so they live in one slot)
-- ARGV: the ids the caller read from the id set just before
-- Returns {} if the id set is no longer exactly ARGV (a rating was added in between: read it again),
-- else {{n1..n5}, {fields of rating}...}.
if redis.call('SCARD', KEYS[1]) ~= #ARGV then
  return {}
end
for _, id in ipairs(ARGV) do
  if redis.call('SISMEMBER', KEYS[1], id) == 0 then
    return {}
  end
end
local out = {redis.call('HMGET', KEYS[2], '1', '2', '3', '4', '5')}
for i = 3, #KEYS do
  table.insert(out, redis.call('HGETALL', KEYS[i]))
end
return out
