-- CheckAccess: {the token's revocation ('' if alive), the expiry of its family's live refresh
-- token ('' if none), the generation's secret}.
local q = cjson.decode(ARGV[1])
local rev = revocation(readRevocations(q.sk), q.seq, q.fseq, q.fam, q.offline)
local h = familyRefresh(q.fam)
local exp = ''
if h then exp = redis.call('HGET', G .. 'r:' .. h, 'exp') or '' end
return { rev, exp, genID() }
