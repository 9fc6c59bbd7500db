-- wrk script: search requests whose queries follow Zipf's law over the list
-- in $KB_QUERIES (the first line is the most frequent), as help-center
-- traffic does: a few questions are asked again and again. With
-- $KB_SESSIONS set and not empty (letters and digits), every request also
-- carries a session id made from it, three searches to a session, so that
-- the server logs each search as an analytics event. $KB_SEED, when set,
-- changes the stream (a warm-up then does not replay the measured run).
-- $KB_ZIPF_S, when set, is the law's exponent (default 1: the query of rank
-- r is asked in proportion to 1/r); below 1, the tail is longer.
local queries = {}
for line in io.lines(os.getenv("KB_QUERIES")) do
  if line ~= "" then queries[#queries + 1] = line end
end

local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local exponent = tonumber(os.getenv("KB_ZIPF_S") or "1") or 1
local paths, cdf, total = {}, {}, 0
for i, q in ipairs(queries) do
  paths[i] = "/api/v1/search?locale=en&channel=widget&q=" .. encode(q)
  total = total + 1 / i ^ exponent
  cdf[i] = total
end
for i = 1, #cdf do cdf[i] = cdf[i] / total end

local thread_seed = 0
function setup(thread)
  thread_seed = thread_seed + 1
  thread:set("seed", thread_seed)
end

local sessions = os.getenv("KB_SESSIONS")
if sessions == "" then sessions = nil end
local sent = 0

local stream = tonumber(os.getenv("KB_SEED") or "0") or 0

function init(args)
  math.randomseed(1000 + 7919 * stream + (seed or 0))
end

function request()
  local r = math.random()
  local lo, hi = 1, #cdf
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < r then lo = mid + 1 else hi = mid end
  end
  if sessions then
    sent = sent + 1
    return wrk.format("GET", paths[lo] .. "&session_id=" .. sessions .. "-" .. (seed or 0) .. "-" .. math.floor(sent / 3))
  end
  return wrk.format("GET", paths[lo])
end
