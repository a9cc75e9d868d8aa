-- FamilyRefresh: the family's newest refresh token that is neither used nor revoked.
local h = familyRefresh(ARGV[1])
if h then return { h, record('r', h) } end
return false
