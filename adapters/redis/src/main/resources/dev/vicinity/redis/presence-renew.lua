-- ARGV: prefix, connection, generation, expiresAtMillis. Returns the renewed lease or an empty array.
local conn, gen, exp = ARGV[2], ARGV[3], ARGV[4]
local f = lease_fields(conn)
if (not f[4]) or f[4] ~= gen then
  return {}
end
redis.call('HSET', p .. 'l:' .. conn, 'e', exp)
redis.call('ZADD', p .. 'exp', exp, conn)
return {conn, f[1], f[2], f[3], f[4], exp, '0'}
