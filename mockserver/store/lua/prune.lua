-- Prune: drop records that expired at or before now, and families left empty. Members whose
-- record Redis already expired by TTL are forgotten without being counted.
local q = cjson.decode(ARGV[1])
local n = 0
local touched = {}
for _, t in ipairs({ 'r', 'a' }) do
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', G .. 'z' .. t, '-inf', q.now_ms)) do
    local fam, id = string.match(m, '^(.-)\n(.*)$')
    local k = G .. t .. ':' .. id
    local exp = redis.call('HGET', k, 'exp')
    if not exp or exp <= q.now then
      if exp then n = n + 1 end
      redis.call('DEL', k)
      redis.call('ZREM', G .. 'z' .. t, m)
      redis.call('LREM', G .. 'f' .. t .. ':' .. fam, 0, id)
      touched[fam] = true
    end
  end
end
for fam in pairs(touched) do
  if redis.call('LLEN', G .. 'fr:' .. fam) == 0 and redis.call('LLEN', G .. 'fa:' .. fam) == 0 then
    local f = redis.call('HMGET', G .. 'fm:' .. fam, 'sk', 'cs')
    redis.call('SREM', G .. 'fams', fam)
    redis.call('DEL', G .. 'fm:' .. fam)
    if f[1] then
      redis.call('LREM', G .. f[1], 0, fam)
      if redis.call('LLEN', G .. f[1]) == 0 then redis.call('SREM', G .. f[2], f[1]) end
    end
  end
end
return n
