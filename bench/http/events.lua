-- wrk script: POST /api/v1/events with batches of $KB_EVENTS_BATCH (default
-- 100) events, as a busy widget fleet sends them: help sessions of views,
-- clicks, votes, resolutions and escalations on the three client channels.
-- Every event id is unique in the run and across runs: $KB_RUN_ID (a random
-- prefix; the time when unset), the thread's number and a per-thread
-- counter.
--
-- When wrk finishes, prints one "name value" line per figure, summed over
-- the threads: acked_requests (202 responses), accepted_events,
-- duplicate_events, other_responses (any other status) and seconds.
local batch = tonumber(os.getenv("KB_EVENTS_BATCH") or "100")
local run_id = os.getenv("KB_RUN_ID") or tostring(os.time())

local threads = {}
local thread_number = 0
function setup(thread)
  thread_number = thread_number + 1
  thread:set("thread_id", thread_number)
  threads[#threads + 1] = thread
end

local channels = { "widget", "widget", "widget", "contact_form", "agent" }
local counter = 0

-- One event, the n-th of this thread: sessions of ten events each.
local function event(n)
  local id = run_id .. "-" .. thread_id .. "-" .. n
  local session = run_id .. "-" .. thread_id .. "-s" .. math.floor(n / 10)
  local channel = channels[math.floor(n / 10) % #channels + 1]
  local article = "article-" .. ((n * 7919) % 200)
  local query_id = session .. "-q" .. math.floor(n / 5)
  local head = '{"event_id":"' .. id .. '","session_id":"' .. session .. '","channel":"' .. channel .. '",'
  local k = n % 10
  if k == 0 or k == 2 or k == 5 or k == 8 then
    return head .. '"type":"view","article_id":"' .. article .. '"}'
  elseif k == 1 or k == 3 or k == 7 then
    return head .. '"type":"click","query_id":"' .. query_id .. '","article_id":"' .. article ..
        '","position":' .. (n % 5 + 1) .. '}'
  elseif k == 4 then
    return head .. '"type":"vote","article_id":"' .. article .. '","helpful":' .. (n % 4 ~= 0 and "true" or "false") .. '}'
  elseif k == 6 then
    return head .. '"type":"resolve","article_id":"' .. article .. '"}'
  else
    return head .. '"type":"escalate"}'
  end
end

function init(args)
  acked_requests, accepted_events, duplicate_events, other_responses = 0, 0, 0, 0
end

function request()
  local events = {}
  for i = 1, batch do
    events[i] = event(counter)
    counter = counter + 1
  end
  local body = '{"events":[' .. table.concat(events, ",") .. ']}'
  return wrk.format("POST", "/api/v1/events", { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status == 202 then
    acked_requests = acked_requests + 1
    accepted_events = accepted_events + tonumber(body:match('"accepted":(%d+)') or "0")
    duplicate_events = duplicate_events + tonumber(body:match('"duplicates":(%d+)') or "0")
  else
    other_responses = other_responses + 1
  end
end

function done(summary, latency, requests)
  local totals = { acked_requests = 0, accepted_events = 0, duplicate_events = 0, other_responses = 0 }
  for _, thread in ipairs(threads) do
    for name in pairs(totals) do totals[name] = totals[name] + (thread:get(name) or 0) end
  end
  for _, name in ipairs({ "acked_requests", "accepted_events", "duplicate_events", "other_responses" }) do
    io.write(string.format("%s %d\n", name, totals[name]))
  end
  io.write(string.format("seconds %.3f\n", summary.duration / 1e6))
end
