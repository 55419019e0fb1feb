-- wrk script for the ingest benchmark: each request posts Benchmarks/ingest/report.json as a new
-- report (a fresh id) from one of the hosts in the tokens file, with that host's agent token.
-- usage: wrk ... -s report.lua URL -- TOKENS_FILE REPORT_FILE IDS_PREFIX RUN
-- (RUN, a number, keeps the ids of one run apart from another's: a repeated id is not a new report)
-- TOKENS_FILE: one "HOST TOKEN" line per host. Each thread writes the reportId of every 201
-- answer to IDS_PREFIX.THREAD, one per line. Prints one RESULT line: the 201s (acknowledged),
-- other statuses, socket errors and the latency percentiles in microseconds.
local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("thread_number", #threads)
end

local hosts, tokens = {}, {}
local before_host, between, after_id
local sent, run, acknowledged_ids = 0, 0, nil
created, other = 0, 0 -- globals: done() reads them from each thread with thread:get

function init(args)
   for line in io.lines(args[1]) do
      local host, token = line:match("^(%S+) (%S+)$")
      if host then
         table.insert(hosts, host)
         table.insert(tokens, "Bearer " .. token)
      end
   end
   local file = assert(io.open(args[2]))
   local template = file:read("*a")
   file:close()
   -- The template names host "HOST" and the nil UUID's pattern as id; "host" sorts before "id".
   local host_at = assert(template:find('"host":"HOST"', 1, true))
   local id_at = assert(template:find('"id":"00000000-0000-4000-8000-000000000000"', 1, true))
   before_host = template:sub(1, host_at + 7)
   between = template:sub(host_at + 12, id_at + 5)
   after_id = template:sub(id_at + 42)
   acknowledged_ids = assert(io.open(args[3] .. "." .. thread_number, "w"))
   run = tonumber(args[4])
   acknowledged_ids:setvbuf("line") -- wrk has no per-thread end hook to flush in
end

function request()
   sent = sent + 1
   local i = sent % #hosts + 1
   local id = string.format("%08x-%04x-4000-8000-%012x", thread_number, run, sent)
   local body = before_host .. hosts[i] .. between .. id .. after_id
   return wrk.format("POST", "/api/v1/reports?interval=60",
      { ["Authorization"] = tokens[i], ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
   if status == 201 then
      created = created + 1
      acknowledged_ids:write(body:match('"reportId":"([^"]+)"') or "?", "\n")
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local acknowledged, rejected = 0, 0
   for _, t in ipairs(threads) do
      acknowledged = acknowledged + t:get("created")
      rejected = rejected + t:get("other")
   end
   local errors = summary.errors
   io.write(string.format("RESULT requests=%d seconds=%.3f acknowledged=%d other=%d socket_errors=%d p50_us=%d p99_us=%d max_us=%d\n",
      summary.requests, summary.duration / 1e6, acknowledged, rejected,
      errors.connect + errors.read + errors.write + errors.timeout,
      latency:percentile(50), latency:percentile(99), latency.max))
end
