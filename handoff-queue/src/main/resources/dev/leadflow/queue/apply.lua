-- apply: one handoff action from the scoring job. ARGV[3..9]: leadId, handoffId,
-- kind (ENQUEUE|UPDATE|WITHDRAW), version, priority, payload, enqueuedAt.
-- Returns APPLIED, STALE (version not newer than the stored one), STALE_ABSENT (likewise, but the
-- action is an ENQUEUE or UPDATE and the lead is not in the queue, and no seller closed this handoff:
-- the job holds a handoff open that the queue does not show) or CLOSED (the seller already accepted or
-- rejected this handoff, so the job's late update must not bring it back), or MOVED:<raise>:<queue> when an
-- escalation moved the lead to that overflow queue: the caller sends the same action there (the
-- version is recorded here too, and a WITHDRAW ends the forwarding).
local id, handoff, kind, version = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local priority, payload, enqueued_at = ARGV[7], ARGV[8], ARGV[9]

local m = lead(id)
local moved_to = redis.call('HGET', SLA, id .. ':movedTo')
if m.version and not is_newer(version, m.version) then
  if kind ~= 'WITHDRAW' and not m.enqueued_at and not moved_to and not (m.outcome and m.handoff == handoff) then
    return 'STALE_ABSENT'
  end
  return 'STALE'
end
local now = now_ms()
prune(now)

if m.handoff ~= handoff then
  redis.call('HDEL', META, id .. ':outcome')
end
redis.call('HSET', META, id .. ':version', version, id .. ':handoff', handoff)

if moved_to then
  local boost = redis.call('HGET', SLA, id .. ':boost') or '0'
  if kind == 'WITHDRAW' then
    -- the lead ends here too: forget the forwarding, keep the version for the retention
    forget_sla(id)
    redis.call('ZADD', CLOSED, now, id)
  end
  return 'MOVED:' .. boost .. ':' .. moved_to
end

if kind == 'WITHDRAW' then
  close(id, m, now)
  emit('withdraw', id, version, m.priority or priority)
  return 'APPLIED'
end

if m.outcome and m.handoff == handoff then
  return 'CLOSED'
end

-- An open handoff keeps its place in line: its original enqueue time survives updates. An UPDATE
-- for a lead that is not in the queue (say its ENQUEUE was lost with a Redis restart) enqueues it.
local in_queue = m.enqueued_at
-- the response-target clock starts at the enqueue, or (for a change of kind) at this update
local clock_from = enqueued_at
if in_queue and m.handoff == handoff then
  enqueued_at = m.enqueued_at
  clock_from = now
  -- an escalation's priority raise outlives the job's updates of the same handoff
  local boost = tonumber(redis.call('HGET', SLA, id .. ':boost') or '0')
  if boost ~= 0 then
    priority = tostring(tonumber(priority) + boost)
  end
else
  -- a new handoff (or one enqueued again) starts its response target afresh
  forget_sla(id)
end
-- A claimed lead keeps its claim; only its payload and priority change.
if not redis.call('ZSCORE', CLAIMS, id) then
  if in_queue then
    remove_ready(id, m.enqueued_at)
  end
  add_ready(id, enqueued_at, priority)
end
redis.call('HSET', META, id .. ':priority', priority, id .. ':enqueuedAt', enqueued_at)
redis.call('HSET', PAYLOAD, id, payload)
redis.call('ZREM', CLOSED, id)
-- the seller API schedules its response target (kind and deadlines are its configuration), if it
-- keeps targets for this queue
if redis.call('HEXISTS', SLA, '_targets') == 1 then
  redis.call('ZADD', FRESH, 'NX', clock_from, id)
end
emit(string.lower(kind), id, version, priority)
return 'APPLIED'
