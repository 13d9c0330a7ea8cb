-- assign: offer the best ready lead to the available claimant who has had the fewest offers (ties by
-- name), under a short lease flagged as an offer; they take it (take.lua) or it goes to the next one.
-- ARGV[3..5]: offer window (ms), lease token, the most leads one claimant may hold (0: no limit).
-- Claimants who let the lead's offer lapse or passed it are skipped for that lead until every available
-- claimant has; then the round starts over.
-- Returns nil when no lead is ready or nobody can take one, else {leadId, claimant, token, offer deadline}.
local window, token, max_held = tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])

local now = now_ms()
expire_due(now)
local top = redis.call('ZRANGE', READY, 0, 0)
if #top == 0 then
  return false
end
local id = id_of(top[1])
local passed = redis.call('HGET', LEASES, id .. ':passedBy') or ','
local best, best_count = nil, nil
local skipped = 0
local candidates = redis.call('ZRANGEBYSCORE', AVAILABLE, now, '+inf')
for _, who in ipairs(candidates) do
  local held = tonumber(redis.call('HGET', HOLDERS, who) or '0')
  if max_held == 0 or held < max_held then
    if string.find(passed, ',' .. who .. ',', 1, true) then
      skipped = skipped + 1
    else
      local count = tonumber(redis.call('HGET', ASSIGNED, who) or '0')
      if not best or count < best_count or (count == best_count and who < best) then
        best, best_count = who, count
      end
    end
  end
end
if not best then
  if skipped > 0 then
    -- everyone who could take it has passed: offer it round again
    redis.call('HDEL', LEASES, id .. ':passedBy')
  end
  return false
end
redis.call('ZPOPMIN', READY)
redis.call('ZREM', WAITING, id)
redis.call('ZREM', DUE, id)
local deadline = now + window
redis.call('ZADD', CLAIMS, deadline, id)
redis.call('HSET', LEASES, id .. ':claimant', best, id .. ':token', token, id .. ':claimedAt', now, id .. ':offer', '1')
redis.call('HINCRBY', HOLDERS, best, 1)
redis.call('HINCRBY', ASSIGNED, best, 1)
local m = lead(id)
emit('claim', id, m.version, m.priority, 'claimant', best, 'reason', 'offer')
return { id, best, token, deadline }
