-- A USD budget shared by every process: what was committed, what is held, and the holds.
-- KEYS[1]: the books hash: committed, held (pending included), pending, npend (USD amounts are
--   decimal strings with 12 decimals, added exactly below; never floats).
-- KEYS[2]: the holds ZSET: hold id -> Redis ms when it is due to the sweeper (an in-flight
--   hold whose process died; a pending hold's next lookup; a sweeper's claim running out).
-- KEYS[3]: the hold records hash: hold id -> JSON {a: amount, g: generation, o: owner,
--   s: reserved at, e: expires at, p: 1 when pending, d: pending since, n: lookups}.
-- KEYS[4]: the sweeper lease (one sweeper at a time, fleet-wide).
-- ARGV[1]: op; ARGV[2]: key TTL ms (refreshed on every write); the rest depends on op.
-- Every reply starts {ok, committed, held, pending, npend, holds, due, now}: due counts the
-- holds a sweeper may take now.
local books, holds, records, lease = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local op, ttl = ARGV[1], tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local UNIT = 1000000000000

local function parse(s)
  local dot = string.find(s, '.', 1, true)
  if not dot then return {tonumber(s), 0} end
  local frac = string.sub(string.sub(s, dot + 1) .. '000000000000', 1, 12)
  return {tonumber(string.sub(s, 1, dot - 1)), tonumber(frac)}
end
local function add(a, b)
  local hi, lo = a[1] + b[1], a[2] + b[2]
  if lo >= UNIT then hi, lo = hi + 1, lo - UNIT end
  return {hi, lo}
end
local function sub(a, b)
  local hi, lo = a[1] - b[1], a[2] - b[2]
  if lo < 0 then hi, lo = hi - 1, lo + UNIT end
  if hi < 0 then return {0, 0} end
  return {hi, lo}
end
local function le(a, b) return a[1] < b[1] or (a[1] == b[1] and a[2] <= b[2]) end
local function fmt(a) return string.format('%d.%012d', a[1], a[2]) end

local b = redis.call('HMGET', books, 'committed', 'held', 'pending', 'npend')
local committed = parse(b[1] or '0')
local held, pending = parse(b[2] or '0'), parse(b[3] or '0')
local npend = tonumber(b[4] or '0')

local function save()
  redis.call('HSET', books, 'committed', fmt(committed), 'held', fmt(held),
    'pending', fmt(pending), 'npend', npend)
  redis.call('PEXPIRE', books, ttl)
  if redis.call('EXISTS', holds) == 1 then redis.call('PEXPIRE', holds, ttl) end
  if redis.call('EXISTS', records) == 1 then redis.call('PEXPIRE', records, ttl) end
end
local function reply(ok, extra)
  local r = {ok, fmt(committed), fmt(held), fmt(pending), npend, redis.call('ZCARD', holds),
    redis.call('ZCOUNT', holds, '-inf', now), now}
  for _, v in ipairs(extra or {}) do table.insert(r, v) end
  return r
end
local function record(id)
  local raw = redis.call('HGET', records, id)
  if not raw then return nil end
  return cjson.decode(raw)
end
local function put(id, rec) redis.call('HSET', records, id, cjson.encode(rec)) end

if op == 'read' then
  return reply(1)
elseif op == 'reserve' then
  -- ARGV: id, amount, limit, hold TTL ms, owner. Holds only if committed + held + amount <= limit.
  local id, amount, limit = ARGV[3], parse(ARGV[4]), parse(ARGV[5])
  local hold_ttl, owner = tonumber(ARGV[6]), ARGV[7]
  if not le(add(add(committed, held), amount), limit) then return reply(0) end
  held = add(held, amount)
  redis.call('ZADD', holds, now + hold_ttl, id)
  put(id, {a = ARGV[4], g = '', o = owner, s = now, e = now + hold_ttl, p = 0, d = 0, n = 0})
  save()
  return reply(1)
elseif op == 'settle' then
  -- ARGV: id, cost ('' for the whole hold). A hold already settled is a no-op (ok = 0).
  local id = ARGV[3]
  local rec = record(id)
  if not rec then return reply(0) end
  local amount = parse(rec.a)
  local cost = amount
  if ARGV[4] ~= '' then cost = parse(ARGV[4]) end
  held = sub(held, amount)
  if rec.p == 1 then pending, npend = sub(pending, amount), math.max(npend - 1, 0) end
  committed = add(committed, cost)
  redis.call('HDEL', records, id)
  redis.call('ZREM', holds, id)
  save()
  return reply(1, {rec.a})
elseif op == 'tag' or op == 'defer' then
  -- ARGV: id, generation id[, ms before its first lookup]. tag: the call is under way and its
  -- generation is known (a sweeper can look it up should this process die).
  local id = ARGV[3]
  local rec = record(id)
  if not rec then return reply(0) end
  rec.g = ARGV[4]
  if op == 'defer' and rec.p ~= 1 then
    rec.p, rec.d = 1, now
    pending, npend = add(pending, parse(rec.a)), npend + 1
    redis.call('ZADD', holds, now + tonumber(ARGV[5]), id)
    save()
  end
  put(id, rec)
  return reply(1)
elseif op == 'claim' then
  -- ARGV: owner, sweeper lease ms, claim lease ms, how many at most, 1: due only (else also
  -- this owner's pending holds not yet due). Returns ok = 0 while another sweeper holds the lease.
  local owner, lease_ms, claim_ms = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
  local most, due_only = tonumber(ARGV[6]), ARGV[7] == '1'
  local current = redis.call('GET', lease)
  if current and current ~= owner then return reply(0) end
  redis.call('SET', lease, owner, 'PX', lease_ms)
  local found = {}
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', holds, '-inf', now, 'LIMIT', 0, most)) do
    table.insert(found, id)
  end
  if not due_only and #found < most then
    local later = redis.call('ZRANGEBYSCORE', holds, '(' .. now, '+inf', 'LIMIT', 0, most * 4)
    for _, id in ipairs(later) do
      if #found >= most then break end
      local rec = record(id)
      if rec and rec.p == 1 and rec.o == owner and (rec.c or 0) <= now then
        table.insert(found, id)
      end
    end
  end
  local out = {}
  for _, id in ipairs(found) do
    local rec = record(id)
    if rec then
      rec.c = now + claim_ms
      put(id, rec)
      redis.call('ZADD', holds, rec.c, id)
      table.insert(out, id)
      table.insert(out, cjson.encode(rec))
    else
      redis.call('ZREM', holds, id)
    end
  end
  return reply(1, out)
elseif op == 'later' then
  -- ARGV: id, ms before the next lookup, lookups so far. A claimed hold handed back.
  local id = ARGV[3]
  local rec = record(id)
  if not rec then return reply(0) end
  rec.n, rec.c = tonumber(ARGV[5]), 0
  put(id, rec)
  redis.call('ZADD', holds, now + tonumber(ARGV[4]), id)
  return reply(1)
elseif op == 'charge' then
  -- ARGV: id, cost. Spend made while Redis was unreachable (a local slice), added once.
  if redis.call('HSETNX', records, 'charged:' .. ARGV[3], now) == 0 then return reply(0) end
  committed = add(committed, parse(ARGV[4]))
  save()
  return reply(1)
elseif op == 'commit_own' then
  -- ARGV: owner, how many at most. The owner closes: its pending holds that no sweeper has
  -- claimed are spent whole. Returns their count after the books.
  local count = 0
  for _, id in ipairs(redis.call('ZRANGE', holds, 0, tonumber(ARGV[4]) - 1)) do
    local rec = record(id)
    if rec and rec.p == 1 and rec.o == ARGV[3] and (rec.c or 0) <= now then
      local amount = parse(rec.a)
      held, pending, npend = sub(held, amount), sub(pending, amount), math.max(npend - 1, 0)
      committed = add(committed, amount)
      redis.call('HDEL', records, id)
      redis.call('ZREM', holds, id)
      count = count + 1
    end
  end
  if count > 0 then save() end
  return reply(1, {count})
elseif op == 'unlease' then
  -- ARGV: owner. The sweep is over: another process may sweep now.
  if redis.call('GET', lease) == ARGV[3] then redis.call('DEL', lease) end
  return reply(1)
end
return redis.error_reply('unknown budget op ' .. tostring(op))
