-- get: one lead that is in the queue (ready or claimed). ARGV[3]: leadId. Returns its row or nil.
local id = ARGV[3]
if not redis.call('HGET', META, id .. ':enqueuedAt') then
  return false
end
return row(id)
