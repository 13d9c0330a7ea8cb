-- take: the claimant takes a lead offered to them (assign.lua): the offer becomes an ordinary lease.
-- ARGV[3..5]: leadId, lease token, lease (ms).
-- Returns {OK, deadline, payload, enqueuedAt, priority, handoffId, version, target, kind, steps} or
-- {NOT_OFFERED} / {EXPIRED} / {WRONG_TOKEN}.
local id, token, lease_ms = ARGV[3], ARGV[4], tonumber(ARGV[5])
local now = now_ms()
local deadline = redis.call('ZSCORE', CLAIMS, id)
if not deadline or redis.call('HGET', LEASES, id .. ':token') ~= token then
  if redis.call('HGET', LEASES, id .. ':expiredToken') == token then
    return { 'EXPIRED' }
  end
  return { deadline and 'WRONG_TOKEN' or 'NOT_OFFERED' }
end
if tonumber(deadline) <= now then
  expire(id)
  return { 'EXPIRED' }
end
if not redis.call('HGET', LEASES, id .. ':offer') then
  return { 'NOT_OFFERED' }
end
redis.call('HDEL', LEASES, id .. ':offer', id .. ':passedBy')
local until_ms = now + lease_ms
redis.call('ZADD', CLAIMS, until_ms, id)
redis.call('HSET', LEASES, id .. ':claimedAt', now)
local m = lead(id)
emit('claim', id, m.version, m.priority, 'claimant', redis.call('HGET', LEASES, id .. ':claimant'))
return { 'OK', until_ms, redis.call('HGET', PAYLOAD, id), m.enqueued_at, m.priority, m.handoff, m.version,
  deadlines(id)[1] or '', redis.call('HGET', SLA, id .. ':kind') or '', tostring(steps_done(id)) }
