-- ARGV: prefix, nowMillis, offlineAtMillis, limit. Returns {expired, purged, wentOffline}.
local now, offline_at, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])
local expired, purged, offline = {}, {}, {}
for _, c in ipairs(redis.call('ZRANGEBYSCORE', p .. 'exp', '-inf', now, 'LIMIT', 0, limit)) do
  local f = lease_fields(c)
  if f[1] then
    remove_and_mark(c, f, offline_at, expired)
  else
    redis.call('ZREM', p .. 'exp', c)
  end
end
for _, n in ipairs(redis.call('ZRANGEBYSCORE', p .. 'nodes', '-inf', now)) do
  for _, c in ipairs(redis.call('SMEMBERS', p .. 'n:' .. n)) do
    local f = lease_fields(c)
    if f[1] then
      remove_and_mark(c, f, offline_at, purged)
    end
  end
  redis.call('DEL', p .. 'n:' .. n)
  redis.call('ZREM', p .. 'nodes', n)
end
for _, u in ipairs(redis.call('ZRANGEBYSCORE', p .. 'pending', '-inf', now)) do
  redis.call('ZREM', p .. 'pending', u)
  table.insert(offline, u)
end
return {expired, purged, offline}
