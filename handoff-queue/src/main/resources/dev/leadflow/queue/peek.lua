-- peek: the best ready leads, read in one consistent snapshot. ARGV[3]: limit.
-- Returns a list of rows (see row() in common.lua).
local members = redis.call('ZRANGE', READY, 0, tonumber(ARGV[3]) - 1)
local rows = {}
for i, member in ipairs(members) do
  rows[i] = row(id_of(member))
end
return rows
