-- settle: the claimant's verdict on a claimed lead. ARGV[3..6]: leadId, lease token,
-- op (accept|reject|release), reason ('' for none).
-- accept/reject take the lead out of the queue and mark its handoff closed; release puts it back in
-- ready with its original enqueue time. Returns OK, NOT_CLAIMED, WRONG_TOKEN or EXPIRED.
local id, token, op, reason = ARGV[3], ARGV[4], ARGV[5], ARGV[6]

local now = now_ms()
local deadline = redis.call('ZSCORE', CLAIMS, id)
if deadline and redis.call('HGET', LEASES, id .. ':token') == token then
  if tonumber(deadline) <= now then
    expire(id)
    return 'EXPIRED'
  end
  local m = lead(id)
  local claimant = redis.call('HGET', LEASES, id .. ':claimant')
  if op == 'release' then
    pass_offer(id)
    drop_lease(id)
    add_ready(id, m.enqueued_at, m.priority)
    resume_sla(id)
  else
    close(id, m, now)
    redis.call('HSET', META, id .. ':outcome', op)
  end
  emit(op, id, m.version, m.priority, 'claimant', claimant, 'reason', reason)
  prune(now)
  return 'OK'
end
if redis.call('HGET', LEASES, id .. ':expiredToken') == token then
  return 'EXPIRED'
end
if deadline then
  return 'WRONG_TOKEN'
end
return 'NOT_CLAIMED'
