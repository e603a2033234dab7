-- wrk script: POST the GraphQL request in the file named by $BODY to the
-- URL wrk is given, as docs/performance.md's real-server runs do:
--   BODY=page100.json wrk -t1 -c1 -d10s -s bench/wrk-post.lua http://127.0.0.1:18555/graphql
local f = assert(io.open(os.getenv("BODY"), "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
