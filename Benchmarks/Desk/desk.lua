-- wrk script of Scripts/bench-desk: the requests of one measured load, and one JSON line of results.
--   DESK_MODE=get  DESK_PATHS=FILE        GET each path of FILE (one per line) in turn
--   DESK_MODE=move DESK_PATHS=FILE        POST /api/v1/items/LABEL/move for each label of FILE in
--                  DESK_LOCATIONS=A,B     turn, to location A then B then A…: a scan-station action
--   DESK_COOKIE=…  or  DESK_TOKEN=…       the session cookie (pages) or the API token (Bearer)
--   DESK_THREADS=N                       wrk's -t: thread k takes the entries k, k+N, k+2N…, so no
--                                        two threads move the same item and each item's moves alternate
local mode = os.getenv("DESK_MODE") or "get"
local entries = {}
for line in io.lines(os.getenv("DESK_PATHS")) do
  if line ~= "" then entries[#entries + 1] = line end
end
local locations = {}
for location in string.gmatch(os.getenv("DESK_LOCATIONS") or "", "[^,]+") do locations[#locations + 1] = location end

local headers = {}
if os.getenv("DESK_COOKIE") then headers["Cookie"] = os.getenv("DESK_COOKIE") end
if os.getenv("DESK_TOKEN") then headers["Authorization"] = "Bearer " .. os.getenv("DESK_TOKEN") end

local threads = {}
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  threads[#threads + 1] = thread
end

local mine = {}
local counter = 0
refused = 0
function init(args)
  local count = tonumber(os.getenv("DESK_THREADS") or "1")
  for k = id + 1, #entries, count do mine[#mine + 1] = entries[k] end
end

function request()
  local entry = mine[counter % #mine + 1]
  local round = math.floor(counter / #mine)
  counter = counter + 1
  if mode == "move" then
    local body = '{"location":"' .. locations[round % #locations + 1] .. '"}'
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/api/v1/items/" .. entry .. "/move", headers, body)
  end
  return wrk.format("GET", entry, headers)
end

function response(status, response_headers, body)
  if status >= 300 then refused = refused + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + (thread:get("refused") or 0) end
  io.write(string.format('{"requests":%d,"seconds":%.3f,"requestsPerSecond":%.1f,"p50Ms":%.3f,"p95Ms":%.3f,"p99Ms":%.3f,"maxMs":%.3f,"non2xx":%d,"socketErrors":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    bad, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
