-- ARGV: nowMillis, offlineAtMillis, limit. Returns {expired, purged, wentOffline}.
local now, offline_at, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
local expired, purged, offline = {}, {}, {}
for _, c in ipairs(redis.call('ZRANGEBYSCORE', K_EXP, '-inf', now, 'LIMIT', 0, limit)) do
  local f = lease_fields(c)
  if f[1] then
    remove_and_mark(c, f, offline_at, expired)
  else
    redis.call('ZREM', K_EXP, c)
  end
end
for _, n in ipairs(redis.call('ZRANGEBYSCORE', K_NODES, '-inf', now)) do
  for _, c in ipairs(conns_of(K_NODE, n)) do
    local f = lease_fields(c)
    if f[1] then
      remove_and_mark(c, f, offline_at, purged)
    end
  end
  redis.call('ZREMRANGEBYLEX', K_NODE, '[' .. n .. '|', '(' .. n .. '}')
  redis.call('ZREM', K_NODES, n)
end
for _, u in ipairs(redis.call('ZRANGEBYSCORE', K_PENDING, '-inf', now)) do
  redis.call('ZREM', K_PENDING, u)
  table.insert(offline, u)
end
return {expired, purged, offline}
