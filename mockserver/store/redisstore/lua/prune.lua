-- Prune: drop refresh and fixture tokens that expired at or before now (or that Redis already
-- dropped by TTL, uncounted), remembered families whose tokens all did, and revoked families
-- whose tokens all did. Returns how many entries.
local q = cjson.decode(ARGV[1])
local n = 0
for _, sk in ipairs(redis.call('SMEMBERS', G .. 'subs')) do
  local s = readSub(sk) or { holders = {}, recent = {}, tombs = {}, tmarks = {}, fmarks = {}, revoked = {}, last = 0, sk = sk }
  for _, fam in ipairs(copy(s.holders)) do
    for _, h in ipairs(redis.call('LRANGE', G .. 'fr:' .. fam, 0, -1)) do
      local e = redis.call('HGET', G .. 'r:' .. h, 'exp')
      if not e or e <= q.now then
        dropRefresh(s, fam, h)
        if e then n = n + 1 end
      end
    end
    releaseIfEmpty(s, fam) -- Redis may have dropped the list itself by TTL
  end
  for i = #s.tombs, 1, -1 do -- tombstones whose record Redis dropped by TTL
    if redis.call('EXISTS', G .. 'r:' .. s.tombs[i].h) == 0 then table.remove(s.tombs, i) end
  end
  for i = #s.recent, 1, -1 do
    if s.recent[i].exp <= q.now and not familyRefresh(s.recent[i].id) then
      table.remove(s.recent, i)
      n = n + 1
    end
  end
  for i = #s.revoked, 1, -1 do
    if s.revoked[i].untl <= q.now then
      table.remove(s.revoked, i)
      n = n + 1
    end
  end
  saveSub(s)
end
for _, h in ipairs(redis.call('SMEMBERS', G .. 'rset')) do -- records Redis dropped by TTL
  if redis.call('EXISTS', G .. 'r:' .. h) == 0 then redis.call('SREM', G .. 'rset', h) end
end
for _, id in ipairs(redis.call('SMEMBERS', G .. 'aset')) do
  local k = G .. 'a:' .. id
  local v = redis.call('HMGET', k, 'exp', 'fam')
  if not v[1] or v[1] <= q.now then
    if v[1] then n = n + 1 end
    redis.call('DEL', k)
    redis.call('SREM', G .. 'aset', id)
    if v[2] then
      redis.call('LREM', G .. 'fa:' .. v[2], 0, id)
      if redis.call('LLEN', G .. 'fa:' .. v[2]) == 0 and redis.call('LLEN', G .. 'fr:' .. v[2]) == 0 then
        redis.call('DEL', G .. 'fm:' .. v[2])
        redis.call('SREM', G .. 'fams', v[2])
      end
    end
  end
end
return n
