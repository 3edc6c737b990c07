-- ARGV: user. Returns every stored lease of the user.
local out = {}
for _, c in ipairs(conns_of(K_USER, ARGV[1])) do
  local f = lease_fields(c)
  if f[1] then
    table.insert(out, {c, f[1], f[2], f[3], f[4], f[5], '0'})
  end
end
return out
