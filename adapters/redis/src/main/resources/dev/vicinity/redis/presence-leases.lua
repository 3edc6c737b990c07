-- ARGV: prefix, user. Returns every stored lease of the user.
local out = {}
for _, c in ipairs(redis.call('SMEMBERS', p .. 'u:' .. ARGV[2])) do
  local f = lease_fields(c)
  if f[1] then
    table.insert(out, {c, f[1], f[2], f[3], f[4], f[5], '0'})
  end
end
return out
