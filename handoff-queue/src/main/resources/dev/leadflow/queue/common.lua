-- Shared prelude: HandoffQueue prepends this file to every script body before SCRIPT LOAD.
--
-- KEYS (all of one queue, all carrying the hash tag {<queue>} so a script touches one cluster slot):
--   1 ready    ZSET  '<enqueuedAt, 19 digits>:<leadId>' -> -priority
--   2 waiting  ZSET  leadId -> enqueuedAt             (ready leads only, for the oldest wait)
--   3 payload  HASH  leadId -> payload JSON           (leads in the queue, ready or claimed)
--   4 meta     HASH  '<leadId>:handoff|version|priority|enqueuedAt|outcome' -> value
--   5 claims   ZSET  leadId -> lease deadline (ms)
--   6 leases   HASH  '<leadId>:claimant|token|claimedAt|expiredToken' -> value
--   7 closed   ZSET  leadId -> time the lead left the queue (ms), drives version retention
--   8 events   STREAM of changes, capped with MAXLEN ~
-- ARGV[1] stream cap, ARGV[2] version retention (ms); each script's own arguments follow.
--
-- Numbers are kept as the strings the client sent wherever possible: Lua numbers are doubles, and
-- versions are compared as decimal strings so that every Java long compares exactly.

local READY, WAITING, PAYLOAD, META = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local CLAIMS, LEASES, CLOSED, EVENTS = KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local STREAM_CAP = ARGV[1]
local RETENTION_MS = tonumber(ARGV[2])
-- closed leads forgotten per call: bounds the work of one script, the backlog drains over calls
local PRUNE_BATCH = 64

-- Lease times come from the server clock so that client clocks never matter.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- a > b for non-negative decimal integers without leading zeros
local function is_newer(a, b)
  if #a ~= #b then
    return #a > #b
  end
  return a > b
end

-- The ready score is -priority, so ZRANGE/ZPOPMIN list the best lead first; equal scores fall back to
-- member order, and the zero-padded enqueue time in front of the id makes that the earliest first.
local function ready_member(id, enqueued_at)
  return string.rep('0', 19 - #enqueued_at) .. enqueued_at .. ':' .. id
end

local function id_of(member)
  return string.sub(member, 21)
end

-- The lead's stored fields; missing ones are false.
local function lead(id)
  local v = redis.call('HMGET', META, id .. ':handoff', id .. ':version', id .. ':priority',
    id .. ':enqueuedAt', id .. ':outcome')
  return { handoff = v[1], version = v[2], priority = v[3], enqueued_at = v[4], outcome = v[5] }
end

-- Extra field/value pairs (claimant, reason) may follow; absent values are skipped.
local function emit(kind, id, version, priority, ...)
  local fields = { 'type', kind, 'leadId', id, 'version', version, 'priority', priority }
  local extra = { ... }
  for i = 1, #extra - 1, 2 do
    if extra[i + 1] and extra[i + 1] ~= '' then
      fields[#fields + 1] = extra[i]
      fields[#fields + 1] = extra[i + 1]
    end
  end
  redis.call('XADD', EVENTS, 'MAXLEN', '~', STREAM_CAP, '*', unpack(fields))
end

local function add_ready(id, enqueued_at, priority)
  redis.call('ZADD', READY, -tonumber(priority), ready_member(id, enqueued_at))
  redis.call('ZADD', WAITING, enqueued_at, id)
end

local function remove_ready(id, enqueued_at)
  redis.call('ZREM', READY, ready_member(id, enqueued_at))
  redis.call('ZREM', WAITING, id)
end

local function drop_lease(id)
  redis.call('ZREM', CLAIMS, id)
  redis.call('HDEL', LEASES, id .. ':claimant', id .. ':token', id .. ':claimedAt')
end

-- The lead leaves the queue. Handoff and version stay (so replayed older actions remain no-ops)
-- until the retention has passed.
local function close(id, m, now)
  if m.enqueued_at then
    remove_ready(id, m.enqueued_at)
  end
  drop_lease(id)
  redis.call('HDEL', LEASES, id .. ':expiredToken')
  redis.call('HDEL', PAYLOAD, id)
  redis.call('HDEL', META, id .. ':priority', id .. ':enqueuedAt')
  redis.call('ZADD', CLOSED, now, id)
end

-- A lapsed lease: the lead goes back to ready with its original enqueue time and priority. The old
-- token is remembered so that its holder hears EXPIRED rather than a puzzling NOT_CLAIMED.
local function expire(id)
  local m = lead(id)
  local token = redis.call('HGET', LEASES, id .. ':token')
  local claimant = redis.call('HGET', LEASES, id .. ':claimant')
  drop_lease(id)
  redis.call('HSET', LEASES, id .. ':expiredToken', token)
  add_ready(id, m.enqueued_at, m.priority)
  emit('expire', id, m.version, m.priority, 'claimant', claimant)
end

local function expire_due(now)
  local due = redis.call('ZRANGEBYSCORE', CLAIMS, '-inf', now)
  for _, id in ipairs(due) do
    expire(id)
  end
  return #due
end

local function prune(now)
  local old = redis.call('ZRANGEBYSCORE', CLOSED, '-inf', now - RETENTION_MS, 'LIMIT', 0, PRUNE_BATCH)
  for _, id in ipairs(old) do
    redis.call('HDEL', META, id .. ':handoff', id .. ':version', id .. ':outcome')
    redis.call('ZREM', CLOSED, id)
  end
end

-- One lead as returned to the client; '' stands for "not claimed" (nil would cut the array short).
local function row(id)
  local m = lead(id)
  local claimant = redis.call('HGET', LEASES, id .. ':claimant') or ''
  return { id, m.handoff, m.version, m.priority, m.enqueued_at, redis.call('HGET', PAYLOAD, id), claimant }
end
