-- Revoke: every live record in the families of the given subject lists, or of every subject
-- in the given company sets. Returns how many records it killed.
local q = cjson.decode(ARGV[1])
local lists = q.sks
for _, cs in ipairs(q.css) do
  for _, sk in ipairs(redis.call('SMEMBERS', G .. cs)) do table.insert(lists, sk) end
end
local n = 0
for _, sk in ipairs(lists) do
  for _, fam in ipairs(redis.call('LRANGE', G .. sk, 0, -1)) do
    n = n + revokeFamily('r', fam, q.why) + revokeFamily('a', fam, q.why)
  end
end
return n
