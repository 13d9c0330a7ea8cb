-- move_done: the overflow queue has the moved lead; its data here is dropped. ARGV[3]: leadId.
local id = ARGV[3]
redis.call('HDEL', SLA, id .. ':movePayload', id .. ':movePriority', id .. ':moveEnqueuedAt', id .. ':moveVersion',
  id .. ':moveHandoff')
redis.call('ZREM', MOVES, id)
return 'OK'
