-- note_take: notifications due for delivery, each hidden from other takers for ARGV[4] ms (a taker that
-- stops before it reports leaves the note to be taken again then). ARGV[3]: limit.
-- Returns a flat list: noteId, note JSON, failed attempts so far; per note.
local now = now_ms()
local ids = redis.call('ZRANGEBYSCORE', NOTES, '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, nid in ipairs(ids) do
  local body = redis.call('HGET', OUTBOX, 'n:' .. nid)
  if body then
    redis.call('ZADD', NOTES, now + tonumber(ARGV[4]), nid)
    out[#out + 1] = nid
    out[#out + 1] = body
    out[#out + 1] = redis.call('HGET', OUTBOX, 'a:' .. nid) or '0'
  else
    redis.call('ZREM', NOTES, nid)
  end
end
return out
