-- reclaim: return every lapsed lease of the queue to ready and forget old closed leads.
-- Returns the number of leases returned.
local now = now_ms()
local returned = expire_due(now)
prune(now)
return returned
