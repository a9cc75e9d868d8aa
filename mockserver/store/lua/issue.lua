-- Issue: E1's supersede rules, the new family, then the cap on live families, in one step.
local q = cjson.decode(ARGV[1])
local r = q.r
local fams = redis.call('LRANGE', G .. r.sk, 0, -1)
for _, fam in ipairs(fams) do
  if q.sup_r then revokeFamily('r', fam, q.why_sup) end
  if q.sup_a then revokeFamily('a', fam, q.why_sup) end
end
addFamily(r)
put('r', r)
put('a', q.a)
if q.max > 0 then
  local live = {}
  for _, fam in ipairs(redis.call('LRANGE', G .. r.sk, 0, -1)) do
    for _, h in ipairs(redis.call('LRANGE', G .. 'fr:' .. fam, 0, -1)) do
      local v = redis.call('HMGET', G .. 'r:' .. h, 'rev', 'used', 'exp')
      if v[1] == '' and v[2] == '' and q.now < v[3] then
        table.insert(live, fam)
        break
      end
    end
  end
  for i = 1, #live - q.max do
    revokeFamily('r', live[i], q.why_evict)
    revokeFamily('a', live[i], q.why_evict)
  end
end
return 1
