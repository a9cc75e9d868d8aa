-- Rotate: store.CheckRotation's rule, in its order, then the successor, in one step.
-- Returns {outcome, the presented record as record() reads it[, generation id, the
-- successor's position, the family's position]}.
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
elseif v[5] ~= '' and not (q.grace and q.cut < v[5] and v[5] <= q.now) then -- used, not InGrace
  outcome = 'used'
  if q.reuse then
    local s = loadSubOfFamily(v[6])
    revokeFamily(s, v[6], q.why_reuse)
    saveSub(s)
  end
end
if outcome ~= 'ok' then return { outcome, record('r', q.hash) } end
local fam = v[6]
local s = loadSubOfFamily(fam)
if v[5] == '' then
  redis.call('HSET', k, 'used', q.now)
  bury(s, fam, q.hash)
end
q.r.fam = fam
putRefresh(s, q.r)
local seq = nextSeq()
local fseq = famSeq(fam)
remember(s, fam, fseq, seq, q.aexp, -1)
saveSub(s)
return { outcome, record('r', q.hash), genID(), seq, fseq }
