-- Fixtures: the fixtures document of the current generation.
return redis.call('GET', G .. 'fixtures') or false
