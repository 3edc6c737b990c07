-- ARGV: user, device, connection, node, expiresAtMillis
-- Returns {generation, cameOnline, {replaced lease}...}
local user, device, conn, node, exp = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
if redis.call('HEXISTS', K_LEASES, conn) == 1 then
  return redis.error_reply('VICINITY_LEASE_EXISTS connection already holds a lease')
end
local replaced = {}
for _, c in ipairs(conns_of(K_USER, user)) do
  local f = lease_fields(c)
  if f[2] == device then
    drop_lease(c, f)
    table.insert(replaced, {c, f[1], f[2], f[3], f[4], f[5], '0'})
  end
end
local had = has_leases(user)
local was_pending = redis.call('ZREM', K_PENDING, user) == 1
local gen = redis.call('INCR', K_GEN)
redis.call('HSET', K_LEASES, conn, user .. '|' .. device .. '|' .. node .. '|' .. gen .. '|' .. exp)
redis.call('ZADD', K_USER, 0, user .. '|' .. conn)
redis.call('ZADD', K_NODE, 0, node .. '|' .. conn)
redis.call('ZADD', K_EXP, exp, conn)
refresh_online(user)
local came = ((not had) and (not was_pending) and #replaced == 0) and '1' or '0'
return {tostring(gen), came, replaced}
