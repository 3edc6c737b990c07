-- ARGV: prefix, user, device, connection, node, expiresAtMillis
-- Returns {generation, cameOnline, {replaced lease}...}
local user, device, conn, node, exp = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
if redis.call('EXISTS', p .. 'l:' .. conn) == 1 then
  return redis.error_reply('VICINITY_LEASE_EXISTS connection already holds a lease')
end
local replaced = {}
local ukey = p .. 'u:' .. user
for _, c in ipairs(redis.call('SMEMBERS', ukey)) do
  local f = lease_fields(c)
  if f[2] == device then
    drop_lease(c, f)
    table.insert(replaced, {c, f[1], f[2], f[3], f[4], f[5], '0'})
  end
end
local had = redis.call('SCARD', ukey) > 0
local was_pending = redis.call('ZREM', p .. 'pending', user) == 1
local gen = redis.call('INCR', p .. 'gen')
redis.call('HSET', p .. 'l:' .. conn, 'u', user, 'd', device, 'n', node, 'g', gen, 'e', exp)
redis.call('SADD', ukey, conn)
redis.call('SADD', p .. 'n:' .. node, conn)
redis.call('ZADD', p .. 'exp', exp, conn)
local came = ((not had) and (not was_pending) and #replaced == 0) and '1' or '0'
return {tostring(gen), came, replaced}
