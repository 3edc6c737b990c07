-- Token bucket. KEYS[1] = the bucket (a hash: t = tokens, l = last refill in microseconds).
-- ARGV[1] = permits per microsecond, ARGV[2] = burst, ARGV[3] = now in microseconds (caller's clock).
-- Returns 0 if a token was taken, else the wait in microseconds (>= 1). The bucket never goes back in
-- time: an earlier now refills nothing. The key expires once the bucket would be full again.
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local v = redis.call('HMGET', KEYS[1], 't', 'l')
local tokens = tonumber(v[1])
local last = tonumber(v[2])
if tokens == nil or last == nil then
  tokens = burst
  last = now
end
if now > last then
  tokens = math.min(burst, tokens + (now - last) * rate)
  last = now
end
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.max(1, math.ceil((1 - tokens) / rate))
end
redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'l', string.format('%.17g', last))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate / 1000) + 1000)
return wait
