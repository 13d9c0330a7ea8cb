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
--   9 sla      HASH  '<leadId>:handoff|kind|deadlines|step|boost|movedTo|move*' -> response-target state
--  10 due      ZSET  leadId -> the deadline of its next escalation step (ms), ready leads only
--  11 fresh    ZSET  leadId -> when its target clock starts (ms): entered or changed, not yet scheduled
--  12 moves    ZSET  leadId -> when it was moved to an overflow queue, until the move is confirmed
--  13 outbox   HASH  'n:<noteId>' -> notification JSON, 'a:<noteId>' -> failed attempts
--  14 notes    ZSET  noteId -> when to (re)try delivering it (ms)
--  15 holders  HASH  claimant -> leads of this queue they hold under a lease
--  16 available ZSET claimant -> until when they take assigned leads (ms), assignment mode only
--  17 assigned HASH  claimant -> leads offered to them so far (fairness)
-- ARGV[1] stream cap, ARGV[2] version retention (ms); each script's own arguments follow.
--
-- Numbers are kept as the strings the client sent wherever possible: Lua numbers are doubles, and
-- versions are compared as decimal strings so that every Java long compares exactly.

local READY, WAITING, PAYLOAD, META = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local CLAIMS, LEASES, CLOSED, EVENTS = KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local SLA, DUE, FRESH, MOVES = KEYS[9], KEYS[10], KEYS[11], KEYS[12]
local OUTBOX, NOTES, HOLDERS = KEYS[13], KEYS[14], KEYS[15]
local AVAILABLE, ASSIGNED = KEYS[16], KEYS[17]
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

-- One lead fewer held by the claimant (the field goes at zero; leases taken before holders were
-- counted may drive it to zero early, never below).
local function release_hold(claimant)
  if claimant and redis.call('HINCRBY', HOLDERS, claimant, -1) <= 0 then
    redis.call('HDEL', HOLDERS, claimant)
  end
end

-- Response-target state of a lead: the deadlines of its escalation steps (comma-separated ms) and how
-- many steps are done.
local function deadlines(id)
  local text = redis.call('HGET', SLA, id .. ':deadlines')
  local list = {}
  if text then
    for d in string.gmatch(text, '[^,]+') do
      list[#list + 1] = d
    end
  end
  return list
end

local function steps_done(id)
  return tonumber(redis.call('HGET', SLA, id .. ':step') or '0')
end

-- Back to ready after a claim (release, lapse): the remaining steps count on.
local function resume_sla(id)
  local d = deadlines(id)
  local next = d[steps_done(id) + 1]
  if next then
    redis.call('ZADD', DUE, next, id)
  end
end

local SLA_FIELDS = { 'handoff', 'kind', 'deadlines', 'step', 'boost', 'movedTo', 'movePayload', 'movePriority',
  'moveEnqueuedAt', 'moveVersion', 'moveHandoff' }

local function forget_sla(id)
  local fields = {}
  for i, f in ipairs(SLA_FIELDS) do
    fields[i] = id .. ':' .. f
  end
  redis.call('HDEL', SLA, unpack(fields))
  redis.call('ZREM', DUE, id)
  redis.call('ZREM', FRESH, id)
  redis.call('ZREM', MOVES, id)
end

-- An offer (assignment mode) that lapsed or was passed on: the next round offers the lead to someone else.
local function pass_offer(id)
  if redis.call('HGET', LEASES, id .. ':offer') then
    local claimant = redis.call('HGET', LEASES, id .. ':claimant')
    local passed = redis.call('HGET', LEASES, id .. ':passedBy') or ','
    redis.call('HSET', LEASES, id .. ':passedBy', passed .. claimant .. ',')
  end
end

local function drop_lease(id)
  release_hold(redis.call('HGET', LEASES, id .. ':claimant'))
  redis.call('HDEL', LEASES, id .. ':offer')
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
  redis.call('HDEL', LEASES, id .. ':expiredToken', id .. ':passedBy')
  redis.call('HDEL', PAYLOAD, id)
  redis.call('HDEL', META, id .. ':priority', id .. ':enqueuedAt')
  redis.call('ZADD', CLOSED, now, id)
  forget_sla(id)
end

-- A lapsed lease: the lead goes back to ready with its original enqueue time and priority. The old
-- token is remembered so that its holder hears EXPIRED rather than a puzzling NOT_CLAIMED.
local function expire(id)
  local m = lead(id)
  local token = redis.call('HGET', LEASES, id .. ':token')
  local claimant = redis.call('HGET', LEASES, id .. ':claimant')
  pass_offer(id)
  drop_lease(id)
  redis.call('HSET', LEASES, id .. ':expiredToken', token)
  add_ready(id, m.enqueued_at, m.priority)
  resume_sla(id)
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
    forget_sla(id)
  end
end

-- One lead as returned to the client; '' stands for "not claimed" (nil would cut the array short).
-- Then its response target (first deadline, '' when none is set), the escalation steps done, its kind.
local function row(id)
  local m = lead(id)
  local claimant = redis.call('HGET', LEASES, id .. ':claimant') or ''
  local target = deadlines(id)[1] or ''
  return { id, m.handoff, m.version, m.priority, m.enqueued_at, redis.call('HGET', PAYLOAD, id), claimant,
    target, tostring(steps_done(id)), redis.call('HGET', SLA, id .. ':kind') or '' }
end
