-- Replaces a ratee's histogram if it still equals the expected one, moving the stripe's platform
-- histogram by the difference, in one atomic step.
-- KEYS: ratee's histogram, stripe's platform histogram (same slot)
-- ARGV: expected n1..n5, replacement n1..n5
-- Returns 1 if replaced, 0 if the stored histogram differed (nothing written).
local cur = redis.call('HMGET', KEYS[1], '1', '2', '3', '4', '5')
for i = 1, 5 do
  if (tonumber(cur[i]) or 0) ~= tonumber(ARGV[i]) then
    return 0
  end
end
for i = 1, 5 do
  local d = tonumber(ARGV[5 + i]) - tonumber(ARGV[i])
  if d ~= 0 then
    redis.call('HINCRBY', KEYS[1], tostring(i), d)
    redis.call('HINCRBY', KEYS[2], tostring(i), d)
  end
end
return 1
