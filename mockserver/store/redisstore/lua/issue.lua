-- Issue: E1's supersede rules, the new family, then the cap on live families, in one step.
-- Returns {generation id, the access token's position, the family's position}.
local q = cjson.decode(ARGV[1])
local r = q.r
local s = loadSub(r)
if q.sup_r then killRefresh(s, function() return true end, q.why_sup) end
local ev = nil
if q.sup_a then
  ev = nextSeq()
  ev = addMark(s, false, { below = ev, event = ev, why = q.why_sup })
end
local fseq = addFamily(r, false)
if q.keep then redis.call('HSET', G .. 'fm:' .. r.fam, 'pinned', r.id) end
putRefresh(s, r)
remember(s, r.fam, fseq, fseq, q.aexp, q.max)
if q.max > 0 then capFamilies(s, q.max, q.now, q.why_evict, ev) end
saveSub(s)
return { genID(), fseq, fseq }
