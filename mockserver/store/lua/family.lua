-- FamilyRefresh: the family's newest refresh token that is neither used nor revoked.
local hashes = redis.call('LRANGE', G .. 'fr:' .. ARGV[1], 0, -1)
for i = #hashes, 1, -1 do
  local v = redis.call('HMGET', G .. 'r:' .. hashes[i], 'used', 'rev')
  if v[1] == '' and v[2] == '' then return { hashes[i], record('r', hashes[i]) } end
end
return false
