-- ARGV: connection, generation, offlineAtMillis. Returns {removed lease} or an empty array.
local conn, gen, offline_at = ARGV[1], ARGV[2], ARGV[3]
local f = lease_fields(conn)
if (not f[4]) or f[4] ~= gen then
  return {}
end
local acc = {}
remove_and_mark(conn, f, offline_at, acc)
return acc[1]
