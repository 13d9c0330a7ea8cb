-- offer_of: read-only, the lead currently offered to a claimant. ARGV[3]: claimant.
-- Returns nil or {leadId, token, offer deadline}.
local who = ARGV[3]
local now = now_ms()
local claims = redis.call('ZRANGEBYSCORE', CLAIMS, now, '+inf', 'WITHSCORES')
for i = 1, #claims, 2 do
  local id = claims[i]
  if redis.call('HGET', LEASES, id .. ':offer') and redis.call('HGET', LEASES, id .. ':claimant') == who then
    return { id, redis.call('HGET', LEASES, id .. ':token'), claims[i + 1] }
  end
end
return false
