#!/usr/bin/env bash
# The operators' package: `cpack -G DEB` in the build directory makes a
# kbsearch .deb whose file list is exactly what it should hold, whose
# control files depend on the shared libraries the binaries use and mark
# /etc/kbsearch/kb.toml a conffile, and whose systemd units pass
# `systemd-analyze verify` in the unpacked package (and a unit broken on
# purpose does not).
# usage: package_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src="$1"
build="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "package_test: $*" >&2; exit 1; }

(cd "$tmp" && cpack --config "$build/CPackConfig.cmake" -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1) ||
  { cat "$tmp/cpack.log" >&2; fail "cpack failed"; }
deb=$(ls "$tmp"/out/kbsearch_*_amd64.deb)

# The files, from the tree they come from and the fixed ones.
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./|/|' | sort > "$tmp/got"
{
  printf '%s\n' /usr/bin/kb-server /usr/bin/kb-index /etc/kbsearch/kb.toml \
    /lib/systemd/system/kb-server.service /lib/systemd/system/kb-reindex.service \
    /lib/systemd/system/kb-reindex.timer
  for f in README.md ARCHITECTURE.md kb.example.toml operations.md scaling.md analytics.md learning.md; do
    echo "/usr/share/doc/kbsearch/$f"
  done
  (cd "$src/widgets" && find . -type f ! -name '*.md' | sed 's|^\.|/usr/share/kbsearch/widgets|')
  (cd "$src/corpus" && find . -type f | sed 's|^\.|/usr/share/kbsearch/corpus|')
  (cd "$src/deploy/nginx" && find . -type f | sed 's|^\.|/usr/share/kbsearch/nginx|')
} | sort > "$tmp/want"
diff -u "$tmp/want" "$tmp/got" >&2 || fail "the package's files differ from the expected list (- expected, + packaged)"

dpkg-deb -f "$deb" Package | grep -qx kbsearch || fail "Package is not kbsearch"
for lib in libxapian30 libpq5 libicu72 libsqlite3-0 libcpp-httplib0.11 adduser; do
  dpkg-deb -f "$deb" Depends | grep -q "$lib" || fail "Depends lacks $lib: $(dpkg-deb -f "$deb" Depends)"
done
dpkg-deb -e "$deb" "$tmp/control"
[ "$(cat "$tmp/control/conffiles")" = "/etc/kbsearch/kb.toml" ] || fail "conffiles: $(cat "$tmp/control/conffiles")"
[ -x "$tmp/control/postinst" ] || fail "postinst is not executable"

# The units, verified against the unpacked package and the host's own
# units (the targets they order themselves after).
root="$tmp/root"
dpkg-deb -x "$deb" "$root"
cp -rn /lib/systemd/system/. "$root/lib/systemd/system/"
mkdir -p "$root/bin" && cp /bin/sh "$root/bin/sh"  # ExecStartPre's shell, from the base system
verify() { systemd-analyze verify --root="$root" "$@" 2>&1; }
out=$(verify kb-server.service kb-reindex.service kb-reindex.timer) || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify warned: $out"
grep -qx 'ProtectSystem=strict' "$root/lib/systemd/system/kb-server.service" || fail "kb-server.service is not ProtectSystem=strict"
grep -qx 'User=kbsearch' "$root/lib/systemd/system/kb-server.service" || fail "kb-server.service does not run as kbsearch"

# A unit whose program is missing fails the same check.
sed 's|/usr/bin/kb-server |/usr/bin/kb-missing |' "$root/lib/systemd/system/kb-server.service" \
  > "$root/lib/systemd/system/kb-broken.service"
if out=$(verify kb-broken.service); then fail "a unit with a missing program passed: $out"; fi
echo "$out" | grep -q "kb-missing is not executable" || fail "the broken unit's error does not name the program: $out"

# The packaged binaries run.
"$root/usr/bin/kb-index" --help >/dev/null 2>&1 || [ $? -eq 2 ] || fail "the packaged kb-index does not run"
echo "package_test: $(basename "$deb") ok"
