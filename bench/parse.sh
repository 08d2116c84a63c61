#!/usr/bin/env bash
# Measures the Python front end (read + tokenize + parse + walk) over a
# directory of .py files: $BENCH_PY_DIR, else python3's standard library.
# Runs the Go benchmarks in bench/parse, then one-core and all-core full
# passes of bench/parse/cmd/parsedir under /usr/bin/time -v for peak RSS,
# and prints a summary with ratios against the read-only baseline measured
# in the same run. See bench/README.md.
#
#   COUNT=5 BENCHTIME=3x bench/parse.sh
#
# COUNT      go test -count (default 1); the summary shows the mean
# BENCHTIME  go test -benchtime (default Go's 1s: one iteration of a parse pass)
# OUT        directory for the raw outputs (default a temporary one, removed)
set -euo pipefail
cd "$(dirname "$0")/.."

count=${COUNT:-1}
benchtime=${BENCHTIME:-}

if [ -z "${BENCH_PY_DIR:-}" ]; then
  if ! command -v python3 >/dev/null 2>&1; then
    echo "bench/parse.sh: python3 not found and BENCH_PY_DIR unset; set BENCH_PY_DIR to a directory of .py files" >&2
    exit 1
  fi
  BENCH_PY_DIR=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
fi
export BENCH_PY_DIR
# The fastapi-audit command runs with the garbage collector at GOGC=400
# (internal/cli); measure the parser under the same setting unless told.
export GOGC=${GOGC:-400}
if [ ! -d "$BENCH_PY_DIR" ]; then
  echo "bench/parse.sh: $BENCH_PY_DIR is not a directory" >&2
  exit 1
fi

# GNU time for peak RSS.
if ! [ -x /usr/bin/time ] || ! /usr/bin/time -v true >/dev/null 2>&1; then
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq time
fi

if [ -n "${OUT:-}" ]; then
  out=$OUT
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi

# Other work on the machine skews every figure; say so rather than hide it.
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
if awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > n / 4) }'; then
  echo "bench/parse.sh: warning: load average is $load on $(nproc) CPUs; other processes will skew the figures" >&2
fi

echo "== go test benchmarks: $BENCH_PY_DIR (count $count${benchtime:+, benchtime $benchtime}, $(nproc) CPUs)"
args=(-run '^$' -bench . -benchmem -count "$count" -timeout 0)
[ -z "$benchtime" ] || args+=(-benchtime "$benchtime")
go test "${args[@]}" ./bench/parse/ | tee "$out/bench.txt"
if ! grep -q '^Benchmark' "$out/bench.txt"; then
  echo "bench/parse.sh: no benchmark results (skipped?)" >&2
  exit 1
fi

echo
echo "== peak RSS of full passes (parsedir under /usr/bin/time -v)"
go build -o "$out/parsedir" ./bench/parse/cmd/parsedir
jobs_all=$(nproc)
for run in "read:1:-readonly" "one:1:" "all:$jobs_all:"; do
  IFS=: read -r name jobs flag <<<"$run"
  # shellcheck disable=SC2086 # $flag is empty or one word
  /usr/bin/time -v -o "$out/time-$name.txt" "$out/parsedir" -dir "$BENCH_PY_DIR" -jobs "$jobs" $flag >"$out/pass-$name.txt"
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/time-$name.txt")
  echo "$(cat "$out/pass-$name.txt") peak_rss_kb=$rss" | tee "$out/pass-$name.txt.tmp"
  mv "$out/pass-$name.txt.tmp" "$out/pass-$name.txt"
done

echo
echo "== summary"
awk -v cpus="$jobs_all" -v count="$count" -v load="$load" '
# go test lines: name N value unit value unit ...
FILENAME ~ /bench\.txt$/ && /^Benchmark/ {
  name = $1; sub(/^Benchmark/, "", name); sub(/-[0-9]+$/, "", name)
  runs[name]++
  for (i = 3; i < NF; i += 2) sum[name, $(i + 1)] += $i
  next
}
# parsedir lines: key=value ...
FILENAME ~ /pass-/ {
  p = FILENAME; sub(/.*pass-/, "", p); sub(/\.txt$/, "", p)
  for (i = 1; i <= NF; i++) { split($i, kv, "="); pass[p, kv[1]] = kv[2] }
}
function v(name, unit) { return runs[name] ? sum[name, unit] / runs[name] : 0 }
function sec(name) { return v(name, "ns/op") / 1e9 }
function mlines(x) { return sprintf("%.2fM lines/s", x / 1e6) }
function line(label, name,   s, r) {
  s = sec(name)
  r = sprintf("%-34s %s, %6.1f MB/s = %.3f s per pass", label ":", mlines(v(name, "lines/s")), v(name, "MB/s"), s)
  if (name != "ReadOnly" && base > 0) r = r sprintf(", %.1fx the read-only time", s / base)
  return r
}
function mib(kb) { return sprintf("%.0f MiB", kb / 1024) }
END {
  base = sec("ReadOnly")
  printf "corpus: %d files, %d lines, %.1f MB (%s)\n", v("ReadOnly", "files"), v("ReadOnly", "lines"), pass["one", "bytes"] / 1e6, pass["one", "dir"]
  printf "go test -count %d, means; CPUs: %d; load average before the run: %s\n", count, cpus, load
  print line("read only, one core (baseline)", "ReadOnly")
  print line("read only, " cpus " cores", "ReadOnlyAllCores")
  print line("parse+walk one core (in memory)", "ParseOneCore")
  print line("parse+walk " cpus " cores (in memory)", "ParseAllCores") sprintf("; %.2fx one core", sec("ParseOneCore") / sec("ParseAllCores"))
  print line("read+parse+walk one core", "ReadParseOneCore")
  print line("read+parse+walk " cpus " cores", "ReadParseAllCores") sprintf("; %.2fx one core", sec("ReadParseOneCore") / sec("ReadParseAllCores"))
  printf "allocations (parse+walk, one core): %.2f allocs/line, %.0f allocs/file, %.0f B/line, %.1f MB per pass\n", v("ParseOneCore", "allocs/line"), v("ParseOneCore", "allocs/file"), v("ParseOneCore", "B/line"), v("ParseOneCore", "B/op") / 1e6
  printf "allocations (read+parse+walk, one core): %.2f allocs/line, %.0f allocs/file, %.0f B/line\n", v("ReadParseOneCore", "allocs/line"), v("ReadParseOneCore", "allocs/file"), v("ReadParseOneCore", "B/line")
  printf "syntax errors: %d of %d files (%d errors), counted not failed\n", pass["one", "errfiles"], pass["one", "files"], pass["one", "errors"]
  printf "peak RSS, end-to-end parsedir pass: one core %s in %.2f s (%s); %d cores %s in %.2f s (%s); read only %s in %.2f s\n", \
    mib(pass["one", "peak_rss_kb"]), pass["one", "seconds"], mlines(pass["one", "lines_per_s"]), \
    cpus, mib(pass["all", "peak_rss_kb"]), pass["all", "seconds"], mlines(pass["all", "lines_per_s"]), \
    mib(pass["read", "peak_rss_kb"]), pass["read", "seconds"]
}
' "$out/bench.txt" "$out/pass-read.txt" "$out/pass-one.txt" "$out/pass-all.txt" | tee "$out/summary.txt"
