-- wrk script for the quiz-submit scenario: every request submits a different open attempt.
--
-- bench/quizprep.py wrote one line per prepared attempt to BENCH_REQUESTS_FILE:
--   <attempt id> TAB <submit path> TAB <Cookie header> TAB <result path> TAB <form body>
-- This run uses the lines from BENCH_REQUESTS_OFFSET (0-based) on; with BENCH_THREADS
-- wrk threads, thread k takes lines offset + k, offset + k + threads, ... so no two
-- requests share an attempt. Other headers (User-Agent, Content-Type) come from -H.
--
-- A response counts as a submission only if it is the redirect to the attempt's result
-- page. The others are counted as failed (5xx: the server broke) or wrong (anything else:
-- a refusal, a redirect to the sign-in page..., meaning the prepared request is wrong).
-- When a thread has used all its lines it stops (and says so) rather than re-submit an
-- attempt that is already graded. The BENCH_RESULT line (see report.lua) gains: used
-- (prepared requests handed to wrk; the first is wrk's own check of the script, built but
-- never sent, so its attempt stays open), submitted, failed, wrong, first_wrong_status,
-- exhausted, next_offset.

local here = debug.getinfo(1, "S").source:sub(2):match("^(.*/)") or "./"
dofile(here .. "report.lua")

local requests_file = assert(os.getenv("BENCH_REQUESTS_FILE"), "BENCH_REQUESTS_FILE not set")
local offset = tonumber(os.getenv("BENCH_REQUESTS_OFFSET") or "0")
local stride = tonumber(os.getenv("BENCH_THREADS") or "1")

-- In the main state: remember the threads, number them, add up their counts at the end.
local threads = {}

function setup(thread)
  thread:set("slot", #threads)
  table.insert(threads, thread)
end

function result_fields()
  local fields = {used = 0, submitted = 0, failed = 0, wrong = 0, first_wrong_status = 0,
                  exhausted = 0, next_offset = offset}
  for _, thread in ipairs(threads) do
    for _, name in ipairs({"used", "submitted", "failed", "wrong", "exhausted"}) do
      fields[name] = fields[name] + thread:get(name)
    end
    fields.next_offset = math.max(fields.next_offset, thread:get("next_index"))
    if fields.first_wrong_status == 0 then
      fields.first_wrong_status = thread:get("first_wrong_status")
    end
  end
  return fields
end

-- In each thread's state (globals, so that thread:get() can read them).
used, submitted, failed, wrong, first_wrong_status, exhausted = 0, 0, 0, 0, 0, 0
next_index = offset

local queue, indexes, position, fallback = {}, {}, 0, nil

function init(args)
  local headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  local index = 0
  for line in io.lines(requests_file) do
    if index >= offset and (index - offset) % stride == slot then
      local path, cookie, body = line:match("^%d+\t([^\t]+)\t([^\t]+)\t[^\t]*\t(.*)$")
      assert(path, "malformed line " .. (index + 1) .. " in " .. requests_file)
      headers["Cookie"] = cookie
      queue[#queue + 1] = wrk.format("POST", path, headers, body)
      indexes[#indexes + 1] = index
    end
    index = index + 1
  end
  -- Sent only while a thread that ran out is stopping: a cheap 405 that changes nothing.
  fallback = wrk.format("GET", wrk.path)
end

function request()
  position = position + 1
  local prepared = queue[position]
  if prepared == nil then
    if exhausted == 0 then
      exhausted = 1
      wrk.thread:stop()
    end
    return fallback
  end
  used = used + 1
  next_index = indexes[position] + 1
  return prepared
end

function response(status, headers, body)
  local location = headers["Location"] or headers["location"] or ""
  if (status == 302 or status == 303) and location:find("/lam%-bai/%d+/ket%-qua$") then
    submitted = submitted + 1
  elseif status >= 500 then
    failed = failed + 1
  else
    wrong = wrong + 1
    if first_wrong_status == 0 then
      first_wrong_status = status
    end
  end
end
