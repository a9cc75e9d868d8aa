-- Inspect: for the subjects of the given company sets, {subject documents, families}, each
-- family {id, position, created, its refresh records, its fixture access records}.
local q = cjson.decode(ARGV[1])
local subs, fams, seen = {}, {}, {}
local function family(fam)
  if seen[fam] then return end
  seen[fam] = true
  local m = redis.call('HMGET', G .. 'fm:' .. fam, 'seq', 'created')
  local rs, as = {}, {}
  for _, h in ipairs(redis.call('LRANGE', G .. 'fr:' .. fam, 0, -1)) do table.insert(rs, record('r', h)) end
  for _, id in ipairs(redis.call('LRANGE', G .. 'fa:' .. fam, 0, -1)) do table.insert(as, record('a', id)) end
  table.insert(fams, { fam, m[1] or '0', m[2] or '', rs, as })
end
for _, cs in ipairs(q.css) do
  for _, sk in ipairs(redis.call('SMEMBERS', G .. cs)) do
    local s = readSub(sk)
    if s then
      table.insert(subs, cjson.encode(s))
      for _, fam in ipairs(s.holders) do family(fam) end
    end
  end
end
for _, id in ipairs(redis.call('SMEMBERS', G .. 'aset')) do
  local v = redis.call('HMGET', G .. 'a:' .. id, 'sk', 'fam')
  for _, cs in ipairs(q.css) do
    if v[1] and redis.call('SISMEMBER', G .. cs, v[1]) == 1 then family(v[2]) end
  end
end
return { subs, fams }
