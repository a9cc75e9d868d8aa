-- Stats: {refresh tokens, fixture access tokens, families, tombstones, remembered families,
-- revocations}.
local tombs, recent, revs = 0, 0, 0
for _, sk in ipairs(redis.call('SMEMBERS', G .. 'subs')) do
  local s = readSub(sk)
  if s then
    tombs, recent = tombs + #s.tombs, recent + #s.recent
    revs = revs + #s.tmarks + #s.fmarks + #s.revoked
  end
end
return { redis.call('SCARD', G .. 'rset'), redis.call('SCARD', G .. 'aset'), redis.call('SCARD', G .. 'fams'),
  tombs, recent, revs }
