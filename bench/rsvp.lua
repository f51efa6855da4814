-- wrk script for the answer write path: PUT /api/v1/meetings/<id>/rsvp with a bearer token,
-- the members (BENCH_TOKENS, comma-separated) in turn, each answering yes then no then yes...
-- so that every request changes something (seats taken, waitlist, promotions).
local tokens = {}
for token in string.gmatch(os.getenv("BENCH_TOKENS") or "", "[^,]+") do
  table.insert(tokens, token)
end

local threads = {}
local counter = 0

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
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

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  io.write("STATUSES {" .. table.concat(parts, ", ") .. "}\n")
end
