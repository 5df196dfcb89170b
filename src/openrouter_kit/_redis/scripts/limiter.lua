-- A requests- and tokens-per-minute limit over a sliding window, shared by every process.
-- KEYS[1]: the scope's hash: the current minute's id and counts, and the previous minute's.
-- ARGV: op ("admit" | "reconcile" | "refund"), requests limit (-1: none), tokens limit (-1:
--   none), tokens (admit: the estimate; reconcile: the signed change; refund: the tokens
--   charged), minute id (reconcile, refund), key TTL ms.
-- The window weighs the previous minute by the share of it still inside the last 60 s.
-- admit returns {1, minute id, 0, now} when admitted (1 request and the tokens counted), else
--   {0, -1 | ms to wait, 0 | 1 (1: the tokens limit refused), now}; -1: it can never fit.
--   A refused call counts nothing.
-- reconcile returns {1} when the minute was still counted (the change applied), else {0};
--   refund (an admission whose attempt was never sent) takes back its request and tokens.
local key = KEYS[1]
local op = ARGV[1]
local rpm, tpm, tokens = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local ttl = tonumber(ARGV[6])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local minute = math.floor(now / 60000)
local elapsed = now - minute * 60000

local h = redis.call('HMGET', key, 'id', 'cr', 'ct', 'pr', 'pt')
local id = tonumber(h[1] or '-1')
local cr, ct = tonumber(h[2] or '0'), tonumber(h[3] or '0')
local pr, pt = tonumber(h[4] or '0'), tonumber(h[5] or '0')
if id ~= minute then
  if id == minute - 1 then pr, pt = cr, ct else pr, pt = 0, 0 end
  cr, ct = 0, 0
end

if op == 'reconcile' or op == 'refund' then
  local bucket = tonumber(ARGV[5])
  local requests = 0
  if op == 'refund' then requests, tokens = 1, -tokens end
  if bucket == minute then
    cr, ct = math.max(cr - requests, 0), math.max(ct + tokens, 0)
  elseif bucket == minute - 1 then
    pr, pt = math.max(pr - requests, 0), math.max(pt + tokens, 0)
  else
    return {0} -- that minute has slid out of the window: nothing to correct
  end
  redis.call('HSET', key, 'id', minute, 'cr', cr, 'ct', ct, 'pr', pr, 'pt', pt)
  redis.call('PEXPIRE', key, ttl)
  return {1}
end

-- How long until `cost` more fits under `limit`, given the current and previous counts.
local function wait(limit, cur, prev, cost)
  if cost > limit then return -1 end
  local weight = (60000 - elapsed) / 60000
  if prev * weight + cur + cost <= limit then return 0 end
  if cur + cost <= limit then
    -- the previous minute's share must shrink to limit - cur - cost
    local need = 1 - (limit - cur - cost) / prev
    return math.max(math.ceil(need * 60000) - elapsed, 1)
  end
  -- only once this minute becomes the previous one, and enough of it has slid out
  local need = 0
  if cur > 0 then need = 1 - (limit - cost) / cur end
  return (60000 - elapsed) + math.max(math.ceil(need * 60000), 1)
end

local r_wait, t_wait = 0, 0
if rpm >= 0 then r_wait = wait(rpm, cr, pr, 1) end
if tpm >= 0 then t_wait = wait(tpm, ct, pt, tokens) end
if r_wait ~= 0 or t_wait ~= 0 then
  if r_wait == -1 or t_wait == -1 then return {0, -1, (t_wait ~= 0) and 1 or 0, now} end
  if t_wait > r_wait then return {0, t_wait, 1, now} end
  return {0, r_wait, 0, now}
end
redis.call('HSET', key, 'id', minute, 'cr', cr + 1, 'ct', ct + tokens, 'pr', pr, 'pt', pt)
redis.call('PEXPIRE', key, ttl)
return {1, minute, 0, now}
