-- move_pending: read-only, moves to an overflow queue not confirmed for ARGV[3] ms (the mover may have
-- stopped half-way). Returns a flat list per lead: leadId, overflow queue, payload, version, handoffId,
-- priority, enqueuedAt.
local now = now_ms()
local ids = redis.call('ZRANGEBYSCORE', MOVES, '-inf', now - tonumber(ARGV[3]), 'LIMIT', 0, 100)
local out = {}
for _, id in ipairs(ids) do
  local v = redis.call('HMGET', SLA, id .. ':movedTo', id .. ':movePayload', id .. ':moveVersion',
    id .. ':moveHandoff', id .. ':movePriority', id .. ':moveEnqueuedAt')
  if v[1] and v[2] then
    out[#out + 1] = id
    for i = 1, 6 do
      out[#out + 1] = v[i]
    end
  else
    redis.call('ZREM', MOVES, id)
  end
end
return out
