-- Stats, and the fixtures document, in one round trip.
return { redis.call('ZCARD', G .. 'zr'), redis.call('ZCARD', G .. 'za'), redis.call('SCARD', G .. 'fams'),
  redis.call('GET', G .. 'fixtures') }
