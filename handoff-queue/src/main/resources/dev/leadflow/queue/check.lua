-- check: would accept/reject/release with this lease token succeed now? Read-only. ARGV[3..4]: leadId,
-- lease token. Lets a caller do something irreversible elsewhere (the seller API publishes the outcome
-- to Kafka) only while the lease is valid, before settling.
-- Returns {outcome, ms left on the lease, claimant}; ms and claimant are 0 and '' unless the outcome is OK.
local id, token = ARGV[3], ARGV[4]

local deadline = redis.call('ZSCORE', CLAIMS, id)
if deadline and redis.call('HGET', LEASES, id .. ':token') == token then
  local left = tonumber(deadline) - now_ms()
  if left <= 0 then
    return { 'EXPIRED', 0, '' }
  end
  return { 'OK', left, redis.call('HGET', LEASES, id .. ':claimant') }
end
if redis.call('HGET', LEASES, id .. ':expiredToken') == token then
  return { 'EXPIRED', 0, '' }
end
if deadline then
  return { 'WRONG_TOKEN', 0, '' }
end
return { 'NOT_CLAIMED', 0, '' }
