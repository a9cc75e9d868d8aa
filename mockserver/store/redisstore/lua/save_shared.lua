-- SaveShared: the document and its new version together. KEYS[1] doc, KEYS[2] version.
redis.call("SET", KEYS[1], ARGV[1])
return redis.call("INCR", KEYS[2])
