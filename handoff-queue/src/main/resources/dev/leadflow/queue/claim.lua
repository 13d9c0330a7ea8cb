-- claim: hand the best ready lead to a claimant. ARGV[3..6]: claimant, lease (ms), lease token
-- (random, made by the client: Lua's math.random is seeded identically on every call), the most leads
-- of this queue one claimant may hold at once (0: no limit).
-- Lapsed leases are returned first, so expiry needs no background caller.
-- Returns nil when nothing is ready, {'TOO_MANY', held} when the claimant holds the most already, else
-- {leadId, payload, token, deadline, enqueuedAt, priority, handoffId, version, target ('' if none),
-- kind ('' if none), escalation steps done}.
local claimant, lease_ms, token = ARGV[3], tonumber(ARGV[4]), ARGV[5]
local max_held = tonumber(ARGV[6] or '0')

local now = now_ms()
expire_due(now)
prune(now)

if max_held > 0 then
  local held = tonumber(redis.call('HGET', HOLDERS, claimant) or '0')
  if held >= max_held then
    return { 'TOO_MANY', held }
  end
end

local top = redis.call('ZPOPMIN', READY)
if #top == 0 then
  return false
end
local id = id_of(top[1])
redis.call('ZREM', WAITING, id)
-- claimed: no escalation while the lease lasts (a release or lapse resumes the remaining steps)
redis.call('ZREM', DUE, id)
local deadline = now + lease_ms
redis.call('ZADD', CLAIMS, deadline, id)
redis.call('HSET', LEASES, id .. ':claimant', claimant, id .. ':token', token, id .. ':claimedAt', now)
redis.call('HINCRBY', HOLDERS, claimant, 1)
local m = lead(id)
emit('claim', id, m.version, m.priority, 'claimant', claimant)
return { id, redis.call('HGET', PAYLOAD, id), token, deadline, m.enqueued_at, m.priority, m.handoff, m.version,
  deadlines(id)[1] or '', redis.call('HGET', SLA, id .. ':kind') or '', tostring(steps_done(id)) }
