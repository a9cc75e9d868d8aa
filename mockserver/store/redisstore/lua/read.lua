-- Read one record: ARGV[1] is 'r' or 'a', ARGV[2] its id.
return record(ARGV[1], ARGV[2])
