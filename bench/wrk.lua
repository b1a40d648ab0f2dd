-- wrk script of bench/run.sh. Prints one machine-readable line when a run ends:
--   BENCH <requests> <duration_us> <p50_us> <p99_us> <status_errors> <socket_errors> <bytes>
-- With BENCH_SQIDS naming a file of post sqids (one a line), each request asks for the next
-- permalink `/v1/p/{sqid}` instead of the command-line path, so the load is spread over many rows.

local file = os.getenv("BENCH_SQIDS")
if file and file ~= "" then
  local sqids = {}
  for line in io.lines(file) do
    if line ~= "" then
      sqids[#sqids + 1] = line
    end
  end
  -- Threads start at different points of the list instead of walking it in lockstep.
  local n = 0
  local started = false
  request = function()
    if not started then
      started = true
      n = (tonumber(thread_index) or 0) * math.floor(#sqids / 2)
    end
    n = n % #sqids + 1
    return wrk.format("GET", "/v1/p/" .. sqids[n])
  end
end

local k = 0
setup = function(thread)
  thread:set("thread_index", k)
  k = k + 1
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout, summary.bytes))
end
