-- wrk script for the answer write path: PUT /api/v1/meetings/<id>/rsvp with a bearer token,
-- the members (BENCH_TOKENS, comma-separated) in turn, each answering yes then no then yes...
-- so that every request changes something (seats taken, waitlist, promotions).
-- Status counting (setup, init, response, done) comes from count.lua; wrk runs from the repository root.
dofile("bench/count.lua")

local tokens = {}
for token in string.gmatch(os.getenv("BENCH_TOKENS") or "", "[^,]+") do
  table.insert(tokens, token)
end

local count_setup, count_init = setup, init
local started = 0

function setup(thread)
  thread:set("offset", started)
  started = started + 1
  count_setup(thread)
end

function init(args)
  count_init(args)
  counter = offset or 0
end

function request()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  local answer = (math.floor(counter / #tokens) % 2 == 0) and "yes" or "no"
  return wrk.format("PUT", nil, {["Authorization"] = "Bearer " .. token,
                                 ["Content-Type"] = "application/json"},
                    '{"response": "' .. answer .. '"}')
end
