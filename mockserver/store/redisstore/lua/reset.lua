-- Reset: move to a new generation holding only the fixtures and the seed. Returns the old one;
-- with q.if_empty, does nothing and returns nil if any reset left its mark (the store did not
-- lose its state, or another replica has seeded it again already).
local q = cjson.decode(ARGV[1])
if q.if_empty and redis.call('EXISTS', P .. 'gen') == 1 then return false end
local old = redis.call('GET', P .. 'gen') or '0'
G = P .. redis.call('INCR', P .. 'gen') .. ':'
redis.call('SET', P .. 'layout', q.layout)
redis.call('SET', G .. 'id', q.gen)
redis.call('SET', G .. 'fixtures', q.fixtures)
for _, r in ipairs(q.r) do
  local s = loadSub(r)
  addFamily(r, true)
  putRefresh(s, r)
  saveSub(s)
end
for _, a in ipairs(q.a) do
  saveSub(loadSub(a))
  addFamily(a, true)
  local k = G .. 'a:' .. a.id
  redis.call('HSET', k, 'j', a.j, 'exp', a.exp, 'used', '', 'rev', a.rev, 'fam', a.fam, 'sk', a.sk)
  redis.call('PEXPIRE', k, a.ttl)
  redis.call('SADD', G .. 'aset', a.id)
  redis.call('RPUSH', G .. 'fa:' .. a.fam, a.id)
end
return old
