-- Families: every family with its records as record() reads them, for the admin state view.
local out = {}
for _, fam in ipairs(redis.call('SMEMBERS', G .. 'fams')) do
  local rs, as = {}, {}
  for _, h in ipairs(redis.call('LRANGE', G .. 'fr:' .. fam, 0, -1)) do table.insert(rs, record('r', h)) end
  for _, id in ipairs(redis.call('LRANGE', G .. 'fa:' .. fam, 0, -1)) do table.insert(as, record('a', id)) end
  table.insert(out, { fam, rs, as })
end
return out
