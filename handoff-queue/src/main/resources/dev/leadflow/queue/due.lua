-- due: read-only, the leads whose next escalation step is due now (server clock). ARGV[3]: limit.
-- Returns a flat list: leadId, handoffId, steps done, kind, deadline of the due step; per lead.
local now = now_ms()
local ids = redis.call('ZRANGEBYSCORE', DUE, '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for i = 1, #ids, 2 do
  local id = ids[i]
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', SLA, id .. ':handoff') or ''
  out[#out + 1] = tostring(steps_done(id))
  out[#out + 1] = redis.call('HGET', SLA, id .. ':kind') or ''
  out[#out + 1] = ids[i + 1]
end
return out
