-- Rotate: store.CheckRotation's rule, in its order, then the successor, in one step.
-- Returns {outcome, the presented record as record() reads it}.
local q = cjson.decode(ARGV[1])
local k = G .. 'r:' .. q.hash
local v = redis.call('HMGET', k, 'client', 'kind', 'rev', 'exp', 'used', 'fam')
local outcome = 'ok'
if not v[1] then
  return { 'not_found' }
elseif v[1] ~= q.client then
  outcome = 'wrong_client'
elseif v[2] ~= q.kind then
  outcome = 'wrong_kind'
elseif v[3] ~= '' then
  outcome = 'revoked'
elseif not (q.now < v[4]) then
  outcome = 'expired'
elseif v[5] ~= '' and v[5] <= q.cut then -- used, and now - used >= grace
  outcome = 'used'
  if q.reuse then
    revokeFamily('r', v[6], q.why_reuse)
    revokeFamily('a', v[6], q.why_reuse)
  end
end
if outcome == 'ok' then
  if v[5] == '' then redis.call('HSET', k, 'used', q.now) end
  q.r.fam, q.a.fam = v[6], v[6]
  addFamily(q.r)
  put('r', q.r)
  put('a', q.a)
end
return { outcome, record('r', q.hash) }
