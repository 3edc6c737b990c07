-- Shared helpers for presence scripts. ARGV[1] is the key prefix, which carries a hash tag so that
-- every presence key lives in one slot. A lease is the hash <p>l:<conn> {u, d, n, g, e}.
local p = ARGV[1]
local function lease_fields(conn)
  return redis.call('HMGET', p .. 'l:' .. conn, 'u', 'd', 'n', 'g', 'e')
end
local function drop_lease(conn, f)
  redis.call('DEL', p .. 'l:' .. conn)
  redis.call('SREM', p .. 'u:' .. f[1], conn)
  redis.call('SREM', p .. 'n:' .. f[3], conn)
  redis.call('ZREM', p .. 'exp', conn)
end
-- Removes the lease and, if it was the user's last, marks the user pending offline until offline_at.
local function remove_and_mark(conn, f, offline_at, acc)
  drop_lease(conn, f)
  local last = redis.call('SCARD', p .. 'u:' .. f[1]) == 0
  if last then
    redis.call('ZADD', p .. 'pending', offline_at, f[1])
  end
  table.insert(acc, {conn, f[1], f[2], f[3], f[4], f[5], last and '1' or '0'})
end
