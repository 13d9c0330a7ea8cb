-- escalate: take one escalation step of a lead that passed its deadline unclaimed. Exactly once per lead
-- and step: the step number is checked and advanced in this script, so of several API instances (or a
-- retry after a restart) only one gets ESCALATED or MOVED.
-- ARGV[3..8]: leadId, handoffId, step (the number this step will be, 1 for the first), priority raise
-- (0 for none), overflow queue ('' for none), note ('' for none), noteId.
-- Returns {'ESCALATED', priority}, {'MOVED', payload, version, handoffId, priority, enqueuedAt} (the lead
-- left this queue for the overflow queue: the caller enqueues it there, then confirms with move_done),
-- or {'SKIPPED', why}: done already, not due, claimed, gone.
local id, handoff, step, raise = ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local overflow, note, note_id = ARGV[7], ARGV[8], ARGV[9]

local now = now_ms()
if redis.call('HGET', SLA, id .. ':handoff') ~= handoff or steps_done(id) ~= step - 1 then
  return { 'SKIPPED', 'done' }
end
local due = redis.call('ZSCORE', DUE, id)
if not due or tonumber(due) > now then
  return { 'SKIPPED', 'not due' }
end
if redis.call('ZSCORE', CLAIMS, id) then
  redis.call('ZREM', DUE, id)
  return { 'SKIPPED', 'claimed' }
end
local m = lead(id)
if not m.enqueued_at or m.handoff ~= handoff then
  redis.call('ZREM', DUE, id)
  return { 'SKIPPED', 'gone' }
end

redis.call('HSET', SLA, id .. ':step', step)
local next = deadlines(id)[step + 1]
if next then
  redis.call('ZADD', DUE, next, id)
else
  redis.call('ZREM', DUE, id)
end
local priority = m.priority
if raise ~= 0 then
  priority = tostring(tonumber(m.priority) + raise)
  redis.call('HINCRBYFLOAT', SLA, id .. ':boost', raise)
  remove_ready(id, m.enqueued_at)
  add_ready(id, m.enqueued_at, priority)
  redis.call('HSET', META, id .. ':priority', priority)
end
if note ~= '' then
  redis.call('HSET', OUTBOX, 'n:' .. note_id, note)
  redis.call('ZADD', NOTES, 0, note_id)
end
if overflow == '' then
  emit('escalate', id, m.version, priority, 'step', tostring(step))
  return { 'ESCALATED', priority }
end
-- Leave this queue but remember where the lead went: the job's later actions are forwarded there
-- (apply answers MOVED). The lead's data stays here until the overflow queue has it.
local payload = redis.call('HGET', PAYLOAD, id)
remove_ready(id, m.enqueued_at)
redis.call('ZREM', DUE, id)
redis.call('HDEL', PAYLOAD, id)
redis.call('HDEL', META, id .. ':priority', id .. ':enqueuedAt')
redis.call('HSET', SLA, id .. ':movedTo', overflow, id .. ':movePayload', payload, id .. ':movePriority', priority,
  id .. ':moveEnqueuedAt', m.enqueued_at, id .. ':moveVersion', m.version, id .. ':moveHandoff', m.handoff)
redis.call('ZADD', MOVES, now, id)
emit('withdraw', id, m.version, priority, 'reason', 'overflow:' .. overflow)
return { 'MOVED', payload, m.version, m.handoff, priority, m.enqueued_at }
