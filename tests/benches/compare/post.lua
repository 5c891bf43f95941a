-- wrk script of the benchmarks: POSTs GraphQL bodies with a bearer token and
-- prints one line of figures that the bench reads.
--
-- Environment: WRK_TOKEN, WRK_BODIES (how many), WRK_BODY_1 ... WRK_BODY_n.
-- With one body it is sent as wrk's static request; with more, in turn.

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("WRK_TOKEN")

local bodies = {}
for n = 1, tonumber(os.getenv("WRK_BODIES") or "1") do
  bodies[n] = os.getenv("WRK_BODY_" .. n)
end

if #bodies == 1 then
  wrk.body = bodies[1]
else
  local i = 0
  request = function()
    i = i % #bodies + 1
    return wrk.format(nil, nil, nil, bodies[i])
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
