-- One circuit breaker (an endpoint and a model), shared by every process.
-- KEYS[1]: its hash (state, failures, opened_at, open_until, trips, probe_id, probe_until).
-- ARGV: op ("read" | "acquire" | "success" | "failure" | "release" | "reset"), caller id,
--   threshold, recovery ms, probe lease ms, key TTL ms, longest open time as a factor of recovery.
-- Returns {state, failures, opened_at, open_until, probing, mine, now, trips} (times: Redis ms).
local key = KEYS[1]
local op, caller = ARGV[1], ARGV[2]
local threshold, recovery = tonumber(ARGV[3]), tonumber(ARGV[4])
local lease, ttl, cap = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

if op == 'reset' then redis.call('DEL', key) end
local h = redis.call('HGETALL', key)
local s = {}
for i = 1, #h, 2 do s[h[i]] = h[i + 1] end
local state = s.state or 'closed'
local failures = tonumber(s.failures or '0')
local opened_at = tonumber(s.opened_at or '0')
local open_until = tonumber(s.open_until or '0')
local trips = tonumber(s.trips or '0')
local probe_id = s.probe_id or ''
local probe_until = tonumber(s.probe_until or '0')
if probe_id ~= '' and probe_until <= now then
  probe_id = '' -- the prober's lease ran out (its process died, or its call hangs): freed
end
local changed = false

local function trip()
  trips = trips + 1
  local factor = math.min(2 ^ (trips - 1), cap)
  state, opened_at, open_until = 'open', now, now + recovery * factor
  probe_id, probe_until = '', 0
  changed = true
end

if op == 'acquire' then
  if state ~= 'closed' and probe_id == '' and now >= open_until then
    state, probe_id, probe_until, changed = 'half_open', caller, now + lease, true
  end
elseif op == 'success' then
  -- the service answered (the probe, or a call sent before the trip): closed for everyone
  if state == 'closed' then
    if failures > 0 then failures, changed = 0, true end
  else
    state, failures, opened_at, open_until, trips = 'closed', 0, 0, 0, 0
    probe_id, probe_until, changed = '', 0, true
  end
elseif op == 'failure' then
  failures, changed = failures + 1, true
  if state == 'closed' and failures >= threshold then
    trip()
  elseif state ~= 'closed' and probe_id == caller then
    trip() -- the probe failed: open again, for longer
  end
elseif op == 'release' then
  if probe_id == caller then probe_id, probe_until, changed = '', 0, true end
  if state == 'half_open' and probe_id == '' then state, changed = 'open', true end
end

if state == 'half_open' and probe_id == '' then state = 'open' end
if changed then
  redis.call('HSET', key, 'state', state, 'failures', failures, 'opened_at', opened_at,
    'open_until', open_until, 'trips', trips, 'probe_id', probe_id, 'probe_until', probe_until)
  redis.call('PEXPIRE', key, ttl)
end
local probing = 0
if probe_id ~= '' then probing = 1 end
local mine = 0
if probe_id ~= '' and probe_id == caller then mine = 1 end
return {state, failures, opened_at, open_until, probing, mine, now, trips}
