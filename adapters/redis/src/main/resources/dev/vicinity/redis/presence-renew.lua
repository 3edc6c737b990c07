-- ARGV: connection, generation, expiresAtMillis. Returns the renewed lease or an empty array.
local conn, gen, exp = ARGV[1], ARGV[2], ARGV[3]
local f = lease_fields(conn)
if (not f[4]) or f[4] ~= gen then
  return {}
end
redis.call('HSET', K_LEASES, conn, f[1] .. '|' .. f[2] .. '|' .. f[3] .. '|' .. f[4] .. '|' .. exp)
redis.call('ZADD', K_EXP, exp, conn)
-- The usual renewal moves the user's latest expiry forward: one HGET instead of a walk of their leases.
local latest = tonumber(redis.call('HGET', K_ONLINE, f[1]) or '0')
if tonumber(exp) >= latest then
  redis.call('HSET', K_ONLINE, f[1], exp)
else
  refresh_online(f[1])
end
return {conn, f[1], f[2], f[3], f[4], exp, '0'}
