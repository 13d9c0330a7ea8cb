-- schedule: set a lead's response target, computed by the seller API from its configuration.
-- ARGV[3..9]: leadId, handoffId, kind, deadlines (ms, comma-separated, one per escalation step, the
-- first is the target), since (the fresh entry's score the deadlines were computed from), note ('' for
-- none: sent once when the handoff is first scheduled), noteId.
-- A handoff scheduled before keeps its steps done; each deadline becomes the earlier of the old and the
-- new (a lead that became a hand-raiser gets the stricter target, counted from that change).
-- Returns SCHEDULED (first time for this handoff), TIGHTENED, UNCHANGED or GONE (not ready in this
-- queue under that handoff any more, or moved to an overflow queue).
local id, handoff, kind, text, since, note, note_id = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]

if redis.call('ZSCORE', FRESH, id) == since then
  redis.call('ZREM', FRESH, id)
end
local m = lead(id)
if not m.enqueued_at or m.handoff ~= handoff or redis.call('HGET', SLA, id .. ':movedTo') then
  return 'GONE'
end
local new = {}
for d in string.gmatch(text, '[^,]+') do
  new[#new + 1] = d
end
local result = 'SCHEDULED'
if redis.call('HGET', SLA, id .. ':handoff') == handoff then
  local old = deadlines(id)
  if not old[1] or tonumber(new[1]) < tonumber(old[1]) then
    -- the stricter target names the kind
    redis.call('HSET', SLA, id .. ':kind', kind)
  end
  local changed = false
  for i = 1, #new do
    if old[i] and tonumber(old[i]) <= tonumber(new[i]) then
      new[i] = old[i]
    else
      changed = true
    end
  end
  if not changed and #new == #old then
    return 'UNCHANGED'
  end
  result = 'TIGHTENED'
else
  redis.call('HSET', SLA, id .. ':handoff', handoff, id .. ':kind', kind, id .. ':step', 0, id .. ':boost', 0)
  if note ~= '' then
    redis.call('HSET', OUTBOX, 'n:' .. note_id, note)
    redis.call('ZADD', NOTES, 0, note_id)
  end
end
redis.call('HSET', SLA, id .. ':deadlines', table.concat(new, ','))
local next = new[steps_done(id) + 1]
if next and not redis.call('ZSCORE', CLAIMS, id) then
  redis.call('ZADD', DUE, next, id)
else
  redis.call('ZREM', DUE, id)
end
emit('target', id, m.version, m.priority)
return result
