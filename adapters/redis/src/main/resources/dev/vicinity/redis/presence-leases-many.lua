-- ARGV: users. Returns, per user and in order, the list of that user's stored leases (one round trip
-- for a whole batch, e.g. a distance bucket of a nearby query).
local out = {}
for i, user in ipairs(ARGV) do
  local mine = {}
  for _, c in ipairs(conns_of(K_USER, user)) do
    local f = lease_fields(c)
    if f[1] then
      table.insert(mine, {c, f[1], f[2], f[3], f[4], f[5], '0'})
    end
  end
  out[i] = mine
end
return out
