-- CheckAccess: {the token's revocation ('' if alive), the expiry of its family's live refresh
-- token ('' if none), the generation's secret}.
local q = cjson.decode(ARGV[1])
local rev = ''
local raw = redis.call('GET', G .. q.sk)
if raw then rev = revocation(decodeSub(raw, q.sk), q.seq, q.fseq, q.fam, q.offline) end
local h = familyRefresh(q.fam)
local exp = ''
if h then exp = redis.call('HGET', G .. 'r:' .. h, 'exp') or '' end
return { rev, exp, genID() }
