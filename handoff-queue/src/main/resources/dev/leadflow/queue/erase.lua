-- erase: remove every trace of one lead from this queue (a GDPR erasure). ARGV[3]: leadId.
-- Removes the lead from ready and waiting, its payload, every meta field (so its version too: a lead
-- that comes back later starts afresh), its claim and lease fields (an old lease token then hears
-- NOT_CLAIMED), its closed entry, and every change-stream entry that names it. The stream is rebuilt
-- from the entries that remain, with their ids, rather than XDEL'd: XDEL only flags an entry, and its
-- bytes would stay in the stream's node (and in RDB snapshots) until the whole node is freed.
-- Then one 'erase' change without a lead id tells live views to reload.
-- Returns {1 when something of the lead was removed, 0 when nothing was there (nothing is written then,
-- so erasing twice is a no-op); the overflow queue the lead was moved to, or ''}.
local id = ARGV[3]
local removed = 0

local function count(n)
  removed = removed + n
end

local moved_to = redis.call('HGET', SLA, id .. ':movedTo') or ''
local m = lead(id)
local enqueued_at = m.enqueued_at or redis.call('ZSCORE', WAITING, id)
if enqueued_at then
  count(redis.call('ZREM', READY, ready_member(id, enqueued_at)))
end
count(redis.call('ZREM', WAITING, id))
count(redis.call('HDEL', PAYLOAD, id))
count(redis.call('HDEL', META, id .. ':handoff', id .. ':version', id .. ':priority', id .. ':enqueuedAt',
  id .. ':outcome'))
count(redis.call('ZREM', CLAIMS, id))
if redis.call('HEXISTS', LEASES, id .. ':claimant') == 1 then
  release_hold(redis.call('HGET', LEASES, id .. ':claimant'))
end
count(redis.call('HDEL', LEASES, id .. ':claimant', id .. ':token', id .. ':claimedAt', id .. ':expiredToken',
  id .. ':offer', id .. ':passedBy'))
count(redis.call('ZREM', CLOSED, id))
-- response-target state, and the notifications about the lead (they name it in their JSON)
for _, f in ipairs(SLA_FIELDS) do
  count(redis.call('HDEL', SLA, id .. ':' .. f))
end
count(redis.call('ZREM', DUE, id))
count(redis.call('ZREM', FRESH, id))
count(redis.call('ZREM', MOVES, id))
local quoted = cjson.encode(id)
local outbox = redis.call('HGETALL', OUTBOX)
for i = 1, #outbox, 2 do
  local field = outbox[i]
  if string.sub(field, 1, 2) == 'n:' and string.find(outbox[i + 1], '"leadId":' .. quoted, 1, true) then
    local nid = string.sub(field, 3)
    count(redis.call('HDEL', OUTBOX, field, 'a:' .. nid))
    count(redis.call('ZREM', NOTES, nid))
  end
end

-- true when any field value of a stream entry is the lead id
local function names(fields)
  for i = 2, #fields, 2 do
    if fields[i] == id then
      return true
    end
  end
  return false
end

local entries = redis.call('XRANGE', EVENTS, '-', '+')
local kept = {}
for _, entry in ipairs(entries) do
  if not names(entry[2]) then
    kept[#kept + 1] = entry
  end
end
-- The erase change must sort after every id a live view may already hold, even though the rebuilt
-- stream may now end earlier; '*' would only follow the rebuilt stream's last entry.
local erase_id = '*'
if #kept < #entries then
  count(#entries - #kept)
  local last = entries[#entries][1]
  local dash = string.find(last, '-', 1, true)
  local last_ms, last_seq = string.sub(last, 1, dash - 1), tonumber(string.sub(last, dash + 1))
  local now = string.format('%.0f', now_ms())
  if is_newer(now, last_ms) then
    erase_id = now .. '-0'
  else
    erase_id = last_ms .. '-' .. string.format('%.0f', last_seq + 1)
  end
  redis.call('DEL', EVENTS)
  for _, entry in ipairs(kept) do
    redis.call('XADD', EVENTS, entry[1], unpack(entry[2]))
  end
end

if removed == 0 then
  return { 0, moved_to }
end
redis.call('XADD', EVENTS, 'MAXLEN', '~', STREAM_CAP, erase_id, 'type', 'erase')
return { 1, moved_to }
