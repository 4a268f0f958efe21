#!/usr/bin/env bash
# The collect benchmark (docs/benchmarks.md): `exist collect urlhaus --url
# http://127.0.0.1:…` of an N-row URLhaus-format CSV into a fresh SQLite
# home, end to end, under /usr/bin/time -v; then the re-collect of the
# unchanged feed as a 304 and as a 200 with the same content.
#
#   bash tests/bench/collect.sh [ROWS]        (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/../.."
rows="${1:-1000000}"
work="${EXIST_BENCH_DIR:-/var/tmp/exist-bench-collect}"
mkdir -p "$work/feed"
feed="$work/feed/urlhaus-$rows.csv"
[ -f "$feed" ] || python3 tests/bench/gen_urlhaus.py "$rows" "$feed"
cargo build --release -p exist-cli --locked -q
exist="$PWD/target/release/exist"
port=$((20000 + RANDOM % 20000))
port2=$((port + 1))
python3 tests/bench/serve.py "$port" "$work/feed" & s1=$!
python3 tests/bench/serve.py "$port2" "$work/feed" --no-validators & s2=$!
trap 'kill $s1 $s2 2>/dev/null || true' EXIT
sleep 1
home="$work/home"
rm -rf "$home"
export EXIST_HOME="$home"
measure() {
    /usr/bin/time -f "%e s wall, %M KB peak RSS" "$exist" collect urlhaus --url "$1" --json -q \
        | python3 -c 'import json,sys; s=json.load(sys.stdin)[0]; print(s["outcome"], "read", s["read"], "new", s["new"], "unchanged", s["unchanged"], "rejected", s["rejected"])'
}
echo "rows: $rows ($(du -h "$feed" | cut -f1))"
echo "== first collect (200)";                  measure "http://127.0.0.1:$port/$(basename "$feed")"
echo "== unchanged, 304";                       measure "http://127.0.0.1:$port/$(basename "$feed")"
echo "== unchanged, 200 with the same content"; measure "http://127.0.0.1:$port2/$(basename "$feed")"
