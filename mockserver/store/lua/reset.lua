-- Reset: move to a new generation holding only the fixtures and the seed. Returns the old one.
local q = cjson.decode(ARGV[1])
local old = redis.call('GET', P .. 'gen') or '0'
G = P .. redis.call('INCR', P .. 'gen') .. ':'
redis.call('SET', G .. 'fixtures', q.fixtures)
for _, t in ipairs({ 'r', 'a' }) do
  for _, r in ipairs(q[t]) do
    addFamily(r)
    put(t, r)
  end
end
return old
