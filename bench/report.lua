-- wrk script for bench/run.py: sends the scenario's request and prints one
-- machine-readable line (BENCH_RESULT followed by JSON) when the run is done.
--
-- The method and body come from the environment so one script serves every
-- scenario: BENCH_METHOD (default GET) and BENCH_BODY_FILE (a file whose bytes
-- are sent as the body). Headers are passed to wrk with -H.

local method = os.getenv("BENCH_METHOD")
if method and method ~= "" then
  wrk.method = method
end

local body_file = os.getenv("BENCH_BODY_FILE")
if body_file and body_file ~= "" then
  local file = assert(io.open(body_file, "rb"))
  wrk.body = file:read("*a")
  file:close()
end

-- A script that loads this one (bench/submit.lua) may define result_fields(), returning
-- a table of further whole numbers for the same line: {name = number, ...}.
function done(summary, latency, requests)
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  local extra = ""
  if type(result_fields) == "function" then
    for name, value in pairs(result_fields()) do
      extra = extra .. string.format(', "%s": %d', name, value)
    end
  end
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_s": %.6f, "bytes": %d, "rps": %.3f, '
      .. '"p50_us": %.1f, "p90_us": %.1f, "p99_us": %.1f, "max_us": %.1f, "mean_us": %.1f, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}%s}\n',
    summary.requests, seconds, summary.bytes, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout, extra
  ))
end
