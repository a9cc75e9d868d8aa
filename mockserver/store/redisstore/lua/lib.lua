-- Shared by every plummock script. KEYS[1] is the key prefix; ARGV[1] the request as JSON.
-- All state of one reset lives under PREFIX..GEN..':' and a reset moves to a new generation,
-- so no key of the old state is read again. Times are fixed-width strings (seconds.nanos),
-- so string order is time order; TTLs are integer milliseconds sent as strings. The rules are
-- the memory store's (package store: memory.go, memory_subject.go, prune.go), line for line; L,
-- the limits, is prepended by redis.go from the Go defaults.
local P = KEYS[1]
local G = P .. (redis.call('GET', P .. 'gen') or '0') .. ':'

-- extend gives key a TTL of at least ms, never shortening one already longer.
local function extend(key, ms)
  local cur = redis.call('PTTL', key)
  if cur == -1 or cur < tonumber(ms) then redis.call('PEXPIRE', key, ms) end
end

local function nextSeq() return redis.call('INCR', G .. 'seq') end
local function genID() return redis.call('GET', G .. 'id') or '' end
local function famSeq(fam) return tonumber(redis.call('HGET', G .. 'fm:' .. fam, 'seq') or '0') end
local function reason(why) return cjson.decode(why).reason end

-- remove takes every v out of list.
local function remove(list, v)
  for i = #list, 1, -1 do if list[i] == v then table.remove(list, i) end end
end

-- A subject (kind, company, subject) is two JSON documents: at its key, holders (families
-- holding refresh tokens), recent (families whose access token may work) and tombs (the ring of
-- used or revoked refresh tokens); at 'v'..key, what CheckAccess needs alone: tmarks and fmarks
-- (watermarks on token and family positions), revoked (families revoked whole) and last (the
-- position of its latest revocation).
local function readRevocations(sk)
  local raw = redis.call('GET', G .. 'v' .. sk)
  local r = {}
  if raw then r = cjson.decode(raw) end
  return { tmarks = r.tmarks or {}, fmarks = r.fmarks or {}, revoked = r.revoked or {}, last = r.last or 0 }
end

-- readSub reads subject sk whole; nil if it has none.
local function readSub(sk)
  local raw = redis.call('GET', G .. sk)
  if not raw then return nil end
  local s = cjson.decode(raw)
  for _, f in ipairs({ 'holders', 'recent', 'tombs' }) do s[f] = s[f] or {} end
  local r = readRevocations(sk)
  s.tmarks, s.fmarks, s.revoked, s.last, s.sk = r.tmarks, r.fmarks, r.revoked, r.last, sk
  return s
end

-- loadSub reads the subject of record r (making it if new).
local function loadSub(r)
  local s = readSub(r.sk)
  if s then return s end
  redis.call('SADD', G .. 'subs', r.sk)
  redis.call('SADD', G .. r.cs, r.sk)
  return { kind = r.kind, company = r.company, subject = r.subject, holders = {}, recent = {}, tombs = {},
    tmarks = {}, fmarks = {}, revoked = {}, last = 0, sk = r.sk }
end

local function loadSubOfFamily(fam)
  return readSub(redis.call('HGET', G .. 'fm:' .. fam, 'sk'))
end

local function saveSub(s)
  redis.call('SET', G .. s.sk, cjson.encode({ kind = s.kind, company = s.company, subject = s.subject,
    holders = s.holders, recent = s.recent, tombs = s.tombs }))
  redis.call('SET', G .. 'v' .. s.sk, cjson.encode({ tmarks = s.tmarks, fmarks = s.fmarks, revoked = s.revoked, last = s.last }))
end

-- copy is a shallow copy of a list (unpack has a stack limit).
local function copy(list)
  local out = {}
  for i, v in ipairs(list) do out[i] = v end
  return out
end

-- revocation: the earliest revocation covering a token at seq of family fam (created at fseq);
-- '' if none. An offline token answers only to its family's.
local function revocation(s, seq, fseq, fam, offline)
  local best, at = '', nil
  local function take(ev, why)
    if at == nil or ev < at then best, at = why, ev end
  end
  if not offline then
    for _, m in ipairs(s.tmarks) do if seq < m.below then take(m.event, m.why) end end
    for _, m in ipairs(s.fmarks) do if fseq < m.below then take(m.event, m.why) end end
  end
  for _, r in ipairs(s.revoked) do if r.id == fam then take(r.event, r.why) end end
  return best
end

-- addMark: store.(*Memory).addMark; it returns the event the watermark is recorded under.
local function addMark(s, byFamily, m)
  local list = s.tmarks
  if byFamily then list = s.fmarks end
  local last = list[#list]
  if last and last.below >= m.below then return m.event end
  if last and reason(last.why) == reason(m.why) and last.event == s.last then
    last.below = m.below
    return s.last
  end
  table.insert(list, m)
  if #list > L.marks then table.remove(list, 1) end
  s.last = m.event
  return m.event
end

-- familyRefresh: the family's newest refresh token that is neither used nor revoked.
local function familyRefresh(fam)
  local hs = redis.call('LRANGE', G .. 'fr:' .. fam, 0, -1)
  for i = #hs, 1, -1 do
    local v = redis.call('HMGET', G .. 'r:' .. hs[i], 'used', 'rev')
    if v[1] == '' and v[2] == '' then return hs[i] end
  end
  return nil
end

-- dropRefresh forgets a refresh token: its record, its place in its family and in the ring.
-- releaseIfEmpty forgets a family that holds no refresh token any more (its list emptied, or
-- dropped by Redis's TTL): no longer a holder, and gone with no access record left.
local function releaseIfEmpty(s, fam)
  if redis.call('LLEN', G .. 'fr:' .. fam) == 0 then
    remove(s.holders, fam)
    if redis.call('LLEN', G .. 'fa:' .. fam) == 0 then
      redis.call('DEL', G .. 'fm:' .. fam)
      redis.call('SREM', G .. 'fams', fam)
    end
  end
end

local function dropRefresh(s, fam, h)
  redis.call('DEL', G .. 'r:' .. h)
  redis.call('SREM', G .. 'rset', h)
  for i = #s.tombs, 1, -1 do if s.tombs[i].h == h then table.remove(s.tombs, i) end end
  redis.call('LREM', G .. 'fr:' .. fam, 0, h)
  releaseIfEmpty(s, fam)
end

-- bury puts a newly dead refresh token in the ring, dropping the oldest past the limit (a
-- pinned one stays stored, out of the ring, until it expires).
local function bury(s, fam, h)
  table.insert(s.tombs, { h = h, f = fam })
  while #s.tombs > L.tombs do
    local t = table.remove(s.tombs, 1)
    if redis.call('HGET', G .. 'fm:' .. t.f, 'pinned') ~= t.h then dropRefresh(s, t.f, t.h) end
  end
end

-- killRefresh revokes the stored refresh tokens of the subject's families that match; it
-- returns how many live ones it killed.
local function killRefresh(s, match, why)
  local n = 0
  local holders = copy(s.holders)
  for _, fam in ipairs(holders) do
    if match(fam) then
      for _, h in ipairs(redis.call('LRANGE', G .. 'fr:' .. fam, 0, -1)) do
        local k = G .. 'r:' .. h
        local v = redis.call('HMGET', k, 'rev', 'used')
        if v[1] == '' then
          redis.call('HSET', k, 'rev', why)
          if v[2] == '' then
            n = n + 1
            bury(s, fam, h)
          end
        end
      end
    end
  end
  return n
end

-- addFamily records a family (once) at the next position; it returns the family's position.
local function addFamily(r, seeded)
  local fk = G .. 'fm:' .. r.fam
  local seq = redis.call('HGET', fk, 'seq')
  if seq then return tonumber(seq) end
  seq = nextSeq()
  redis.call('HSET', fk, 'seq', seq, 'sk', r.sk, 'created', r.iat, 'seeded', seeded and '1' or '')
  redis.call('SADD', G .. 'fams', r.fam)
  return seq
end

-- putRefresh stores a live refresh token in its family, a holder of its subject.
local function putRefresh(s, r)
  local k = G .. 'r:' .. r.id
  redis.call('HSET', k, 'j', r.j, 'exp', r.exp, 'used', r.used, 'rev', r.rev, 'fam', r.fam,
    'client', r.client, 'kind', r.kind)
  redis.call('PEXPIRE', k, r.ttl)
  redis.call('SADD', G .. 'rset', r.id)
  if redis.call('RPUSH', G .. 'fr:' .. r.fam, r.id) == 1 then table.insert(s.holders, r.fam) end
  extend(G .. 'fr:' .. r.fam, r.ttl)
  extend(G .. 'fm:' .. r.fam, r.ttl)
end

-- remember: store.(*Memory).remember.
local function remember(s, id, fseq, seq, exp, maxf)
  for _, rc in ipairs(s.recent) do
    if rc.seq == fseq then
      rc.last, rc.exp = seq, exp
      return
    end
  end
  local i = #s.recent + 1
  while i > 1 and s.recent[i - 1].seq > fseq do i = i - 1 end
  table.insert(s.recent, i, { id = id, seq = fseq, last = seq, exp = exp })
  local keep = math.max(L.recent, maxf + 1)
  while maxf >= 0 and #s.recent > keep do table.remove(s.recent, 1) end
end

-- alive: the remembered family still has a token that works.
local function alive(s, rc, now)
  local h = familyRefresh(rc.id)
  if h and now < redis.call('HGET', G .. 'r:' .. h, 'exp') then return true end
  return now < rc.exp and revocation(s, rc.last, rc.seq, rc.id, false) == ''
end

-- capFamilies evicts the subject's oldest live families beyond max, sharing the event ev of
-- the issue's own supersession (nil: none).
local function capFamilies(s, max, now, why, ev)
  local live = {}
  for _, rc in ipairs(s.recent) do if alive(s, rc, now) then table.insert(live, rc) end end
  if #live <= max then return end
  local cut = live[#live - max + 1].seq
  killRefresh(s, function(fam) return famSeq(fam) < cut end, why)
  addMark(s, true, { below = cut, event = ev or nextSeq(), why = why })
end

-- revokeFamily kills a whole family (a refresh token's reuse); past the cap on revoked
-- families the oldest is folded into a family watermark.
local function revokeFamily(s, fam, why)
  local fseq = famSeq(fam)
  killRefresh(s, function(f) return f == fam end, why)
  for _, r in ipairs(s.revoked) do if r.id == fam then return end end
  local untl = ''
  for _, h in ipairs(redis.call('LRANGE', G .. 'fr:' .. fam, 0, -1)) do
    local e = redis.call('HGET', G .. 'r:' .. h, 'exp')
    if e and e > untl then untl = e end
  end
  for _, rc in ipairs(s.recent) do if rc.id == fam and rc.exp > untl then untl = rc.exp end end
  local ev = nextSeq()
  table.insert(s.revoked, { id = fam, seq = fseq, event = ev, why = why, untl = untl })
  s.last = ev
  if #s.revoked > L.revoked then
    local o = table.remove(s.revoked, 1)
    killRefresh(s, function(f) return famSeq(f) <= o.seq end, o.why)
    addMark(s, true, { below = o.seq + 1, event = o.event, why = o.why })
  end
end

-- record returns what a reader needs of a record: its JSON, use, revocation and family.
local function record(t, id)
  return redis.call('HMGET', G .. t .. ':' .. id, 'j', 'used', 'rev', 'fam')
end
