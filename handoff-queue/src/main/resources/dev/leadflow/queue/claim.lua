-- claim: hand the best ready lead to a claimant. ARGV[3..5]: claimant, lease (ms), lease token
-- (random, made by the client: Lua's math.random is seeded identically on every call).
-- Lapsed leases are returned first, so expiry needs no background caller.
-- Returns nil when nothing is ready, else
-- {leadId, payload, token, deadline, enqueuedAt, priority, handoffId, version}.
local claimant, lease_ms, token = ARGV[3], tonumber(ARGV[4]), ARGV[5]

local now = now_ms()
expire_due(now)
prune(now)

local top = redis.call('ZPOPMIN', READY)
if #top == 0 then
  return false
end
local id = id_of(top[1])
redis.call('ZREM', WAITING, id)
local deadline = now + lease_ms
redis.call('ZADD', CLAIMS, deadline, id)
redis.call('HSET', LEASES, id .. ':claimant', claimant, id .. ':token', token, id .. ':claimedAt', now)
local m = lead(id)
emit('claim', id, m.version, m.priority, 'claimant', claimant)
return { id, redis.call('HGET', PAYLOAD, id), token, deadline, m.enqueued_at, m.priority, m.handoff, m.version }
