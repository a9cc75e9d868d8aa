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
-- alive: the family still has a token that works (an unused refresh token, or an access token).
local function alive(fam)
  for _, h in ipairs(redis.call('LRANGE', G .. 'fr:' .. fam, 0, -1)) do
    local v = redis.call('HMGET', G .. 'r:' .. h, 'rev', 'used', 'exp')
    if v[1] == '' and v[2] == '' and q.now < v[3] then return true end
  end
  for _, id in ipairs(redis.call('LRANGE', G .. 'fa:' .. fam, 0, -1)) do
    local v = redis.call('HMGET', G .. 'a:' .. id, 'rev', 'exp')
    if v[1] == '' and q.now < v[2] then return true end
  end
  return false
end
if q.max > 0 then
  local live = {}
  for _, fam in ipairs(redis.call('LRANGE', G .. r.sk, 0, -1)) do
    if alive(fam) then table.insert(live, fam) end
  end
  for i = 1, #live - q.max do
    revokeFamily('r', live[i], q.why_evict)
    revokeFamily('a', live[i], q.why_evict)
  end
end
return 1
