-- Revoke: a watermark on every subject of the given subject keys, or in the given company
-- sets; their refresh tokens and matching fixture access tokens revoked. Returns how many
-- stored tokens and remembered families (live access tokens) it killed.
local q = cjson.decode(ARGV[1])
local lists = q.sks
for _, cs in ipairs(q.css) do
  for _, sk in ipairs(redis.call('SMEMBERS', G .. cs)) do table.insert(lists, sk) end
end
local n = 0
local chosen = {}
for _, sk in ipairs(lists) do
  chosen[sk] = true
  local s = readSub(sk)
  if s then
    for _, rc in ipairs(s.recent) do
      if q.now < rc.exp and revocation(s, rc.last, rc.seq, rc.id, false) == '' then n = n + 1 end
    end
    n = n + killRefresh(s, function() return true end, q.why)
    local ev = nextSeq()
    addMark(s, false, { below = ev, event = ev, why = q.why })
    saveSub(s)
  end
end
for _, id in ipairs(redis.call('SMEMBERS', G .. 'aset')) do
  local k = G .. 'a:' .. id
  local v = redis.call('HMGET', k, 'sk', 'rev')
  if v[1] and chosen[v[1]] and v[2] == '' then
    redis.call('HSET', k, 'rev', q.why)
    n = n + 1
  end
end
return n
