#!/usr/bin/env bash
# scripts/check-layers passes on the tree, and fails, naming file, line and
# layers, when includes are inverted on purpose in a copy of it.
set -euo pipefail
src="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$src/scripts/check-layers" "$src" >/dev/null

cp -r "$src/indexer" "$src/server" "$src/bench" "$tmp/"
printf '#include "server/api/api.h"\n' >> "$tmp/indexer/schema.cc"
printf '#include "server/analytics/event.h"\n' >> "$tmp/server/search/snippet.cc"
printf '#include "server/http/http_server.h"\n' >> "$tmp/indexer/cli/kb_index.cc"
schema_line=$(wc -l < "$tmp/indexer/schema.cc")
snippet_line=$(wc -l < "$tmp/server/search/snippet.cc")
cli_line=$(wc -l < "$tmp/indexer/cli/kb_index.cc")

status=0
"$src/scripts/check-layers" "$tmp" 2> "$tmp/err" >/dev/null || status=$?
expected="indexer/cli/kb_index.cc:$cli_line: error: cli may not include server/http/http_server.h (http)
indexer/schema.cc:$schema_line: error: core may not include server/api/api.h (api)
server/search/snippet.cc:$snippet_line: error: search may not include server/analytics/event.h (analytics)
check-layers: 3 include(s) cross a layer the wrong way"
if [ "$status" -ne 1 ] || [ "$(cat "$tmp/err")" != "$expected" ]; then
  echo "check-layers exited $status and printed:" >&2
  cat "$tmp/err" >&2
  echo "expected exit 1 and:" >&2
  echo "$expected" >&2
  exit 1
fi
echo "check-layers: passes on the tree, catches inverted includes"
