-- Shared by every plummock script. KEYS[1] is the key prefix; ARGV[1] the request as JSON.
-- All state of one reset lives under PREFIX..GEN..':' and a reset moves to a new generation,
-- so no key of the old state is read again. Times are fixed-width strings (seconds.nanos),
-- so string order is time order; TTLs and scores are integer milliseconds sent as strings.
local P = KEYS[1]
local G = P .. (redis.call('GET', P .. 'gen') or '0') .. ':'

-- extend gives key a TTL of at least ms, never shortening one already longer.
local function extend(key, ms)
  local cur = redis.call('PTTL', key)
  if cur == -1 or cur < tonumber(ms) then redis.call('PEXPIRE', key, ms) end
end

-- addFamily records a family (once) in its subject's list and the company's set.
local function addFamily(r)
  if redis.call('SADD', G .. 'fams', r.fam) == 1 then
    redis.call('HSET', G .. 'fm:' .. r.fam, 'sk', r.sk, 'cs', r.cs)
    redis.call('RPUSH', G .. r.sk, r.fam)
    redis.call('SADD', G .. r.cs, r.sk)
  end
  extend(G .. 'fm:' .. r.fam, r.ttl)
  extend(G .. r.sk, r.ttl)
  extend(G .. r.cs, r.ttl)
end

-- put stores a refresh ('r') or access ('a') record in its family.
local function put(t, r)
  local k = G .. t .. ':' .. r.id
  redis.call('HSET', k, 'j', r.j, 'exp', r.exp, 'used', r.used, 'rev', r.rev, 'fam', r.fam,
    'client', r.client, 'kind', r.kind)
  redis.call('PEXPIRE', k, r.ttl)
  redis.call('RPUSH', G .. 'f' .. t .. ':' .. r.fam, r.id)
  extend(G .. 'f' .. t .. ':' .. r.fam, r.ttl)
  redis.call('ZADD', G .. 'z' .. t, r.score, r.fam .. '\n' .. r.id)
end

-- revokeFamily marks the family's live records of type t revoked with why; it returns how many.
local function revokeFamily(t, fam, why)
  local n = 0
  for _, id in ipairs(redis.call('LRANGE', G .. 'f' .. t .. ':' .. fam, 0, -1)) do
    local k = G .. t .. ':' .. id
    if redis.call('HGET', k, 'rev') == '' then
      redis.call('HSET', k, 'rev', why)
      n = n + 1
    end
  end
  return n
end

-- record returns what a reader needs of a record: its JSON, use, revocation and family.
local function record(t, id)
  return redis.call('HMGET', G .. t .. ':' .. id, 'j', 'used', 'rev', 'fam')
end
