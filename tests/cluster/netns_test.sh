#!/usr/bin/env bash
# A kbsearch cluster on one machine, each host a network namespace on one
# bridge (ip netns, veth), as docs/scaling.md lays it out:
#   indexer  .1  PostgreSQL 15, the indexer's kb-server (the corpus, the
#                reindex jobs), xapian-replicate-server
#   replica  .2  xapian-replicate from the indexer, kb-server
#   replica  .3  the same
#   proxy    .4  nginx (deploy/nginx) in front of both replicas, over HTTPS
# The test builds, serves through the proxy, kills a replica under a search
# loop (no search may fail), reindexes through the proxy (once, on the
# indexer) and sees the new article on both replicas, and reads the
# cluster's events from a replica. It needs root (namespaces).
# usage: netns_test.sh SOURCE_DIR KB_SERVER KB_INDEX
set -euo pipefail
src="$1"
kb_server="$2"
kb_index="$3"
PG=/usr/lib/postgresql/15/bin
ADMIN="cluster-admin-key"

if [ "$(id -u)" -ne 0 ]; then
  echo "netns_test: needs root, for network namespaces" >&2
  exit 77
fi

tag="kb$$"
net="10.$(( ($$ >> 8) % 200 + 20 )).$(( $$ % 250 )).0"
ip_of() { echo "${net%.0}.$1"; }
tmp=$(mktemp -d)
chmod 755 "$tmp"  # PostgreSQL runs as postgres, under it
hosts=(indexer replica1 replica2 proxy)
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.5
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [ -d "$tmp/pg/data" ]; then
    runuser -u postgres -- "$PG/pg_ctl" -D "$tmp/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  for h in "${hosts[@]}"; do ip netns del "$tag-$h" 2>/dev/null || true; done
  ip link del "${tag}br" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "netns_test: $*" >&2
  for f in "$tmp"/*.log; do echo "--- $f" >&2; tail -5 "$f" >&2; done
  exit 1
}
on() { local h="$1"; shift; ip netns exec "$tag-$h" "$@"; }
# Starts a command on host $1 in the background, output to $tmp/$2.log, in
# a session of its own (xapian-replicate-server, stopped, signals its whole
# process group).
start() {
  local h="$1" name="$2"; shift 2
  setsid ip netns exec "$tag-$h" "$@" >"$tmp/$name.log" 2>&1 &
  pids+=($!)
  eval "pid_$name=$!"
}
# Prints what the JavaScript expression $1 makes of the JSON document `d`
# read from standard input.
json() { node -e 'let s = ""; process.stdin.on("data", (c) => { s += c; }).on("end", () => {
  const d = JSON.parse(s); console.log(eval(process.argv[1])); });' "$1"; }
wait_for() {  # wait_for WHAT COMMAND...
  local what="$1"; shift
  for _ in $(seq 1 300); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  fail "$what did not come up"
}

# The network: a bridge, and a veth from it into each host.
ip link add "${tag}br" type bridge
ip link set "${tag}br" up
n=1
for h in "${hosts[@]}"; do
  ip netns add "$tag-$h"
  ip link add "${tag}v$n" type veth peer name "${tag}p$n"
  ip link set "${tag}v$n" master "${tag}br" up
  ip link set "${tag}p$n" netns "$tag-$h"
  on "$h" ip link set lo up
  on "$h" ip link set "${tag}p$n" name eth0
  on "$h" ip addr add "$(ip_of $n)/24" dev eth0
  on "$h" ip link set eth0 up
  n=$((n + 1))
done
indexer=$(ip_of 1) replica1=$(ip_of 2) replica2=$(ip_of 3) proxy=$(ip_of 4)

# The indexer host: PostgreSQL, for the whole cluster's events.
mkdir -p "$tmp/pg/data"
chown -R postgres:postgres "$tmp/pg"
runuser -u postgres -- "$PG/initdb" -D "$tmp/pg/data" -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 \
  >"$tmp/initdb.log" 2>&1 || fail "initdb failed"
echo "host all all $net/24 trust" >> "$tmp/pg/data/pg_hba.conf"
on indexer runuser -u postgres -- "$PG/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/log" -w \
  -o "-p 5432 -k $tmp/pg -c listen_addresses=$indexer -c fsync=off" start >"$tmp/pg_ctl.log" 2>&1 ||
  fail "PostgreSQL did not start"
events_url="postgresql://postgres@$indexer:5432/postgres"

# The indexer's corpus and index, and its kb-server.
cp -r "$src/corpus" "$tmp/corpus"
export XAPIAN_MAX_CHANGESETS=10
"$kb_index" build --corpus "$tmp/corpus" --index "$tmp/indexer/index" >"$tmp/build.log" 2>&1 || fail "kb-index build failed"
cat > "$tmp/indexer.toml" <<EOF
[server]
host = "0.0.0.0"
port = 8080
access_log = ""
[index]
path = "$tmp/indexer/index"
corpus = "$tmp/corpus"
[events]
url = "$events_url"
[auth]
admin_keys = ["$ADMIN"]
EOF
start indexer kbindexer "$kb_server" --config "$tmp/indexer.toml"
start indexer replserver xapian-replicate-server -p 7010 "$tmp/indexer"

# Two replicas: a copy of the index by Xapian's replication, and kb-server.
for r in 1 2; do
  addr=$(ip_of $((r + 1)))
  mkdir -p "$tmp/replica$r"
  start "replica$r" "repl$r" xapian-replicate -h "$indexer" -p 7010 -m index -i 1 -r 0 "$tmp/replica$r/index"
  cat > "$tmp/replica$r.toml" <<EOF
[server]
host = "$addr"
port = 8080
access_log = ""
widgets_dir = "$src/widgets"
trusted_proxies = ["$proxy/32"]
[index]
path = "$tmp/replica$r/index"
primary = "http://$indexer:8080"
[events]
url = "$events_url"
[auth]
admin_keys = ["$ADMIN"]
[rate_limit]
requests_per_second = 0
EOF
done
wait_for "the replicas' copies" test -e "$tmp/replica1/index/XAPIANDB" -a -e "$tmp/replica2/index/XAPIANDB"
start replica1 kb1 "$kb_server" --config "$tmp/replica1.toml"
start replica2 kb2 "$kb_server" --config "$tmp/replica2.toml"
wait_for "replica 1" on replica1 curl -fs "http://$replica1:8080/readyz"
wait_for "replica 2" on replica2 curl -fs "http://$replica2:8080/readyz"

# The proxy: nginx over HTTPS, both replicas upstream.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tmp/key.pem" \
  -out "$tmp/cert.pem" -days 2 -subj /CN=help.test -addext "subjectAltName=DNS:help.test" >/dev/null 2>&1
"$src/deploy/nginx/render" --out "$tmp/nginx" --standalone --user root \
  --upstream "$replica1:8080" --upstream "$replica2:8080" --https-listen "$proxy:8443" --http-listen "$proxy:8081" \
  --server-name help.test --cert "$tmp/cert.pem" --key "$tmp/key.pem" --widgets "$src/widgets" \
  --access-log off --req-rate 100000r/s --req-burst 100000 --conn-per-client 1000 >"$tmp/render.log" 2>&1 ||
  fail "render failed"
start proxy nginx nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" -g "daemon off;"
# Clients on the proxy host reach it as https://help.test:8443.
curl_proxy() {
  on proxy curl -s --cacert "$tmp/cert.pem" --resolve "help.test:8443:$proxy" "$@"
}
wait_for "nginx" curl_proxy -f "https://help.test:8443/healthz"

# Searches through the proxy are answered as the indexer answers them.
for q in "reset+password" refund "rechnung" "vpn+connection"; do
  via_proxy=$(curl_proxy "https://help.test:8443/api/v1/search?q=$q" | json 'd.results.map((r) => r.id).join(" ")')
  on_indexer=$(on indexer curl -s "http://$indexer:8080/api/v1/search?q=$q" | json 'd.results.map((r) => r.id).join(" ")')
  [ -n "$via_proxy" ] || fail "no result for '$q' through the proxy"
  [ "$via_proxy" = "$on_indexer" ] || fail "'$q' through the proxy gives '$via_proxy', the indexer '$on_indexer'"
done

# Replica 1 is killed under a search loop: not one search fails.
failed=0 sent=0
loop() {
  for i in $(seq 1 150); do
    code=$(curl_proxy -o /dev/null -w '%{http_code}' "https://help.test:8443/api/v1/search?q=refund&page=$((i % 3 + 1))")
    echo "$code"
  done
}
loop > "$tmp/codes1" &
loop_pid=$!
sleep 0.5
{ kill -9 "$pid_kb1"; wait "$pid_kb1"; } 2>/dev/null || true
wait "$loop_pid"
sent=$(wc -l < "$tmp/codes1")
failed=$(grep -vc '^200$' "$tmp/codes1" || true)
[ "$failed" -eq 0 ] || fail "$failed of $sent searches failed while a replica was killed: $(sort "$tmp/codes1" | uniq -c)"
echo "netns_test: a replica killed under $sent searches: $failed failed"

# A reindex through the proxy runs on the indexer, and both replicas serve
# the new article (replica 1 once restarted).
mkdir -p "$tmp/corpus/en/cluster"
printf -- '---\nid: zebra-stripes\ntitle: Zebra stripes on invoices\n---\nWhy invoices show zebra stripes.\n' \
  > "$tmp/corpus/en/cluster/zebra-stripes.md"
job=$(curl_proxy -X POST -H "Authorization: Bearer $ADMIN" "https://help.test:8443/api/v1/admin/reindex" | json 'd.url')
status=running
for _ in $(seq 1 300); do
  status=$(curl_proxy -H "Authorization: Bearer $ADMIN" "https://help.test:8443$job" | json 'd.status')
  [ "$status" = running ] || break
  sleep 0.1
done
[ "$status" = succeeded ] || fail "the reindex job ended '$status'"
[ -z "$(ls -d "$tmp"/replica*/index/gen-* 2>/dev/null)" ] || fail "a replica built an index of its own"
start replica1 kb1b "$kb_server" --config "$tmp/replica1.toml"
wait_for "replica 1, restarted" on replica1 curl -fs "http://$replica1:8080/readyz"
for r in 1 2; do
  addr=$(ip_of $((r + 1)))
  found=""
  for _ in $(seq 1 100); do
    found=$(on "replica$r" curl -s "http://$addr:8080/api/v1/search?q=zebra&locale=en" | json 'd.results.length ? d.results[0].id : ""')
    [ "$found" = zebra-stripes ] && break
    sleep 0.1
  done
  [ "$found" = zebra-stripes ] || fail "replica $r does not serve the reindexed article"
done
gen_indexer=$(on indexer curl -s "http://$indexer:8080/readyz" | json '`${d.generation} ${d.revision}`')
for r in 1 2; do
  addr=$(ip_of $((r + 1)))
  gen=$(on "replica$r" curl -s "http://$addr:8080/readyz" | json '`${d.generation} ${d.revision}`')
  [ "$gen" = "$gen_indexer" ] || fail "replica $r serves '$gen', the indexer '$gen_indexer'"
done

# Events through the proxy, from whichever replica took them, are in the
# cluster's summary.
for b in 0 1 2 3; do
  body=$(node -e "console.log(JSON.stringify({events: [0, 1, 2, 3, 4].map((i) => ({event_id: 'v$b-' + i,
    type: 'view', session_id: 's$b-' + i, channel: 'widget', article_id: 'reset-password'}))}))")
  code=$(curl_proxy -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d "$body" \
    "https://help.test:8443/api/v1/events")
  [ "$code" = 202 ] || fail "posting events answered $code"
done
sessions=$(on replica2 curl -s -H "Authorization: Bearer $ADMIN" "http://$replica2:8080/api/v1/analytics/summary" | json 'd.help_sessions')
[ "$sessions" = 20 ] || fail "replica 2's summary counts $sessions help sessions, not 20"
echo "netns_test: ok"
