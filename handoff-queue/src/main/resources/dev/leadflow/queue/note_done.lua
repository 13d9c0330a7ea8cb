-- note_done: the outcome of one delivery attempt. ARGV[3..6]: noteId, '1' delivered / '0' failed,
-- delay before the next attempt (ms), attempts allowed in all.
-- Returns DELIVERED, RETRY or DROPPED (failed for the last allowed time).
local nid, ok, delay, max = ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
if ok == '1' then
  redis.call('HDEL', OUTBOX, 'n:' .. nid, 'a:' .. nid)
  redis.call('ZREM', NOTES, nid)
  return 'DELIVERED'
end
local attempts = redis.call('HINCRBY', OUTBOX, 'a:' .. nid, 1)
if attempts >= max then
  redis.call('HDEL', OUTBOX, 'n:' .. nid, 'a:' .. nid)
  redis.call('ZREM', NOTES, nid)
  return 'DROPPED'
end
if redis.call('HEXISTS', OUTBOX, 'n:' .. nid) == 1 then
  redis.call('ZADD', NOTES, now_ms() + delay, nid)
end
return 'RETRY'
