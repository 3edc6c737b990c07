-- Shared helpers for presence scripts. Every presence key is passed in KEYS, all with the hash tag
-- {presence} (one slot):
--   KEYS[1] leases  hash  connection -> 'user|device|node|generation|expiresAtMillis'
--   KEYS[2] exp     zset  connection by lease expiry
--   KEYS[3] byuser  zset  'user|connection' (score 0, read by lexicographic range)
--   KEYS[4] bynode  zset  'node|connection' (score 0, read by lexicographic range)
--   KEYS[5] nodes   zset  node by heartbeat expiry
--   KEYS[6] pending zset  user by the end of its offline grace
--   KEYS[7] gen     string, the generation counter
--   KEYS[8] online  hash  user -> the latest expiresAtMillis among the user's stored leases (kept by every
--                   write below; read with one HMGET for a batch online check)
-- Ids never contain '|' (they are [A-Za-z0-9._:@+=-]), and '}' is the character after '|', so the
-- members of one owner are exactly the range ['<owner>|', '<owner>}').
local K_LEASES, K_EXP, K_USER, K_NODE, K_NODES, K_PENDING, K_GEN, K_ONLINE = KEYS[1], KEYS[2], KEYS[3], KEYS[4],
  KEYS[5], KEYS[6], KEYS[7], KEYS[8]
-- {user, device, node, generation, expiresAt} of a lease, or {} if there is none.
local function lease_fields(conn)
  local v = redis.call('HGET', K_LEASES, conn)
  local f = {}
  if v then
    for part in string.gmatch(v, '[^|]+') do
      table.insert(f, part)
    end
  end
  return f
end
-- Connections indexed under one owner (user or node) in an index zset, at most limit (nil: all).
local function conns_of(index, owner, limit)
  local members
  if limit then
    members = redis.call('ZRANGEBYLEX', index, '[' .. owner .. '|', '(' .. owner .. '}', 'LIMIT', 0, limit)
  else
    members = redis.call('ZRANGEBYLEX', index, '[' .. owner .. '|', '(' .. owner .. '}')
  end
  local out = {}
  for i, m in ipairs(members) do
    out[i] = string.sub(m, #owner + 2)
  end
  return out
end
local function has_leases(user)
  return #conns_of(K_USER, user, 1) > 0
end
-- Recomputes the user's entry in K_ONLINE from the leases stored now (removed when none is left).
local function refresh_online(user)
  local latest = nil
  for _, c in ipairs(conns_of(K_USER, user)) do
    local f = lease_fields(c)
    if f[5] and (latest == nil or tonumber(f[5]) > latest) then
      latest = tonumber(f[5])
    end
  end
  if latest then
    redis.call('HSET', K_ONLINE, user, string.format('%d', latest))
  else
    redis.call('HDEL', K_ONLINE, user)
  end
end
local function drop_lease(conn, f)
  redis.call('HDEL', K_LEASES, conn)
  redis.call('ZREM', K_USER, f[1] .. '|' .. conn)
  redis.call('ZREM', K_NODE, f[3] .. '|' .. conn)
  redis.call('ZREM', K_EXP, conn)
  refresh_online(f[1])
end
-- Removes the lease and, if it was the user's last, marks the user pending offline until offline_at.
local function remove_and_mark(conn, f, offline_at, acc)
  drop_lease(conn, f)
  local last = not has_leases(f[1])
  if last then
    redis.call('ZADD', K_PENDING, offline_at, f[1])
  end
  table.insert(acc, {conn, f[1], f[2], f[3], f[4], f[5], last and '1' or '0'})
end
