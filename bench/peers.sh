#!/usr/bin/env bash
# Times fastapi-audit against its peers on one directory of Python, in the
# same run: `fastapi-audit scan`, its parse-only and model-only stages
# (bench/parse/cmd/parsedir, bench/model/cmd/modeldir), Bandit
# (bandit -r -q -f json) and Ruff's flake8-bandit rules (select S) in
# WebAssembly (bench/ruff/run.mjs), each under /usr/bin/time -v: wall time,
# CPU time (user+sys), peak RSS, lines/s, and ratios against the scan.
# When the directory has an expected.json (written by bench/gen), it also
# prints fastapi-audit's recall, and how many planted lines the peers hit.
# See bench/README.md.
#
#   go run ./bench/gen -lines 500000 -out /tmp/corpus-500k
#   bench/peers.sh /tmp/corpus-500k
#   ONLY="scan" RUNS=3 bench/peers.sh /tmp/corpus-1m
#
# ONLY               tools to run, of: scan parse model bandit ruff ruff-liftoff
#                    (default all)
# RUNS               runs of each tool (default 1); the table shows the run
#                    with the median wall time
# PROFILE=1          also take a CPU profile of one scan and print the top of
#                    `go tool pprof -top`
# OUT                directory for the raw outputs (default a temporary one, removed)
# BENCH_CACHE        where the Ruff package is installed (default
#                    ~/.cache/fastapi-audit-bench)
# RUFF_WASM_VERSION  version of @astral-sh/ruff-wasm-nodejs (default 0.17.4)
# BANDIT_SRC         a checkout of upstream Bandit (github.com/PyCQA/bandit, at a
#                    release tag) to run from source instead of Debian's old
#                    package: its dependencies come from Debian (python3-pbr,
#                    -stevedore, -yaml, -rich) and its plugin entry points from
#                    `setup.py egg_info`, run once in the checkout
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ne 1 ] || ! [ -d "$1" ]; then
  echo "usage: bench/peers.sh DIR   (see the comment at the top)" >&2
  exit 2
fi
dir=$(cd "$1" && pwd)
tools=${ONLY:-scan parse model bandit ruff ruff-liftoff}
runs=${RUNS:-1}
cache=${BENCH_CACHE:-$HOME/.cache/fastapi-audit-bench}
ruff_version=${RUFF_WASM_VERSION:-0.17.4}
want() { [[ " $tools " == *" $1 "* ]]; }
for t in $tools; do
  case $t in scan | parse | model | bandit | ruff | ruff-liftoff) ;; *)
    echo "bench/peers.sh: unknown tool $t in ONLY" >&2
    exit 2
    ;;
  esac
done

sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
apt_install() {
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq "$@" >/dev/null
}

# GNU time for peak RSS and CPU time.
if ! [ -x /usr/bin/time ] || ! /usr/bin/time -v true >/dev/null 2>&1; then
  apt_install time
fi
bandit_cmd=(bandit)
bandit_label="bandit -r ($(bandit --version 2>/dev/null | head -1 | awk '{print $2}'), Debian)"
if want bandit && [ -n "${BANDIT_SRC:-}" ]; then
  src=$(cd "$BANDIT_SRC" && pwd)
  if ! /usr/bin/python3 -c 'import pbr, stevedore, yaml, rich' 2>/dev/null; then
    apt_install python3-pbr python3-stevedore python3-yaml python3-rich
  fi
  if ! [ -f "$src/bandit.egg-info/entry_points.txt" ]; then
    version=$(git -C "$src" describe --tags 2>/dev/null || echo 0.0.0)
    (cd "$src" && PBR_VERSION=${version%%-*} /usr/bin/python3 setup.py -q egg_info >/dev/null 2>&1)
  fi
  bandit_cmd=(env "PYTHONPATH=$src" /usr/bin/python3 -m bandit)
  bandit_label="bandit -r ($(PYTHONPATH=$src /usr/bin/python3 -m bandit --version 2>/dev/null | head -1 | awk '{print $2}'), source)"
elif want bandit && ! command -v bandit >/dev/null 2>&1; then
  apt_install bandit
  bandit_label="bandit -r ($(bandit --version 2>/dev/null | head -1 | awk '{print $2}'), Debian)"
fi
ruff_modules=$cache/ruff/node_modules
if want ruff || want ruff-liftoff; then
  if ! command -v node >/dev/null 2>&1; then
    echo "bench/peers.sh: node not found: install Node.js (or leave ruff out of ONLY)" >&2
    exit 1
  fi
  pkg=$ruff_modules/@astral-sh/ruff-wasm-nodejs/package.json
  if ! [ -f "$pkg" ] || [ "$(node -p "require('$pkg').version")" != "$ruff_version" ]; then
    mkdir -p "$cache/ruff"
    npm install --prefix "$cache/ruff" --no-audit --no-fund --silent "@astral-sh/ruff-wasm-nodejs@$ruff_version"
  fi
fi
export RUFF_WASM_MODULES=$ruff_modules

if [ -n "${OUT:-}" ]; then
  out=$OUT
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi

echo "== building (go build into $out)"
go build -o "$out/fastapi-audit" ./cmd/fastapi-audit
go build -o "$out/parsedir" ./bench/parse/cmd/parsedir
go build -o "$out/modeldir" ./bench/model/cmd/modeldir
go build -o "$out/gen" ./bench/gen

# Lines as wc -l counts them, over the .py files; this pass also puts the
# tree in the page cache, so every tool reads from memory.
read -r pyfiles lines < <(find "$dir" -type f -name '*.py' -print0 |
  xargs -0 wc -l | awk '$2 != "total" { f++; n += $1 } END { print f + 0, n + 0 }')
bytes=$(find "$dir" -type f -name '*.py' -print0 | xargs -0 cat | wc -c)

cpus=$(nproc)
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
if awk -v l="${load_before%% *}" -v n="$cpus" 'BEGIN { exit !(l > n / 4) }'; then
  echo "bench/peers.sh: warning: load average is $load_before on $cpus CPUs; other processes will skew the figures" >&2
fi
rev=$(git describe --always --dirty 2>/dev/null || echo unknown)
echo "== $dir: $pyfiles .py files, $lines lines, $((bytes / 1000000)) MB; $cpus CPUs ($cpu_model); load $load_before; fastapi-audit $rev"

# The fastapi-audit command sets GOGC=400 and a 2 GiB soft memory limit
# that follows the live heap itself (internal/cli): it runs with the
# environment as it is. parsedir gets the same GOGC and limit (modeldir
# sets them itself).
parsedir_env=(env "GOGC=${GOGC:-400}" "GOMEMLIMIT=${GOMEMLIMIT:-2GiB}")

# measure NAME CMD...: runs CMD $runs times under /usr/bin/time -v, its
# stdout in $out/NAME.out.RUN; appends "NAME RUN wall cpu rss_kb" to
# $out/runs.txt. Exit status 1 means "findings" for scan and Bandit.
measure() {
  local name=$1 run rc
  shift
  for run in $(seq 1 "$runs"); do
    echo "-- $name, run $run: ${*/#$out\//}"
    rc=0
    /usr/bin/time -v -o "$out/$name.time.$run" "$@" >"$out/$name.out.$run" 2>"$out/$name.err.$run" || rc=$?
    if [ "$rc" -gt 1 ]; then
      echo "bench/peers.sh: $name failed (exit $rc):" >&2
      tail -20 "$out/$name.err.$run" >&2
      exit 1
    fi
    awk -v name="$name" -v run="$run" -F': ' '
      /Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); wall = 0
        for (i = 1; i <= n; i++) wall = wall * 60 + p[i]
      }
      /User time/ { user = $2 }
      /System time/ { sys = $2 }
      /Maximum resident set size/ { rss = $2 }
      END { printf "%s %d %.3f %.3f %d\n", name, run, wall, user + sys, rss }
    ' "$out/$name.time.$run" | tee -a "$out/runs.txt"
  done
}

: >"$out/runs.txt"
want scan && measure scan "$out/fastapi-audit" scan --format json "$dir"
want parse && measure parse "${parsedir_env[@]}" "$out/parsedir" -dir "$dir"
want model && measure model "$out/modeldir" -dir "$dir" -stage model
want bandit && measure bandit "${bandit_cmd[@]}" -r -q -f json "$dir"
want ruff && measure ruff node bench/ruff/run.mjs "$dir" --out "$out/ruff.jsonl"
want ruff-liftoff && measure ruff-liftoff node --liftoff-only bench/ruff/run.mjs "$dir"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# The run with the median wall time of each tool.
median_run() {
  awk -v name="$1" '$1 == name { print $3, $2 }' "$out/runs.txt" | sort -n |
    awk '{ r[NR] = $2 } END { print r[int((NR + 1) / 2)] }'
}

echo
echo "== $(date -u +%Y-%m-%d), fastapi-audit $rev: $lines lines in $pyfiles .py files; $cpus CPUs; load $load_before before, $load_after after; runs: $runs"
{
  for t in scan parse model bandit ruff ruff-liftoff; do
    want "$t" || continue
    r=$(median_run "$t")
    awk -v name="$t" -v run="$r" '$1 == name && $2 == run' "$out/runs.txt"
  done
} >"$out/median.txt"
awk -v lines="$lines" -v bandit_label="$bandit_label" '
BEGIN {
  label["scan"] = "fastapi-audit scan"
  label["parse"] = "  parse only (parsedir)"
  label["model"] = "  parse+model (modeldir)"
  label["bandit"] = bandit_label
  label["ruff"] = "ruff S rules (wasm)"
  label["ruff-liftoff"] = "ruff S (wasm, --liftoff-only)"
}
{ n++; name[n] = $1; wall[n] = $3; cpu[n] = $4; rss[n] = $5; if ($1 == "scan") { sw = $3; sc = $4 } }
function ratio(x, base) {
  if (base <= 0) return "-"
  if (x >= base) return sprintf("%.1fx slower", x / base)
  return sprintf("%.1fx faster", base / x)
}
END {
  printf "%-30s %8s %8s %6s %9s %11s %14s %14s\n", "tool", "wall s", "CPU s", "CPU/w", "RSS MiB", "lines/s", "wall vs scan", "CPU vs scan"
  for (i = 1; i <= n; i++) {
    w = ratio(wall[i], sw); c = ratio(cpu[i], sc)
    if (name[i] == "scan") { w = "1 (baseline)"; c = w }
    if (name[i] == "parse" || name[i] == "model") { w = sprintf("%.0f%% of scan", 100 * wall[i] / sw); c = sprintf("%.0f%% of scan", 100 * cpu[i] / sc) }
    if (sw <= 0) { w = "-"; c = "-" }
    printf "%-30s %8.2f %8.2f %6.2f %9.0f %11.0f %14s %14s\n", label[name[i]], wall[i], cpu[i], cpu[i] / wall[i], rss[i] / 1024, lines / wall[i], w, c
  }
}' "$out/median.txt" | tee "$out/table.txt"

# Details the table does not show.
if want model; then
  echo "modeldir stages: $(tr ' ' '\n' <"$out/model.out.$(median_run model)" | grep -E '^(discover|parse|model)_seconds|^routes' | tr '\n' ' ')"
fi
if want ruff; then
  r=$(median_run ruff)
  echo "ruff (default V8 tiering): $(grep -o '"diagnostics":[0-9]*' "$out/ruff.out.$r"), checking took $(grep -o '"seconds":[0-9.]*' "$out/ruff.out.$r" | cut -d: -f2) s of the process's wall time (the rest: Node start-up, compiling the 10 MB module, waiting at exit for background optimising compilation)"
fi
if want ruff-liftoff; then
  r=$(median_run ruff-liftoff)
  echo "ruff (--liftoff-only): checking took $(grep -o '"seconds":[0-9.]*' "$out/ruff-liftoff.out.$r" | cut -d: -f2) s"
fi
if want bandit; then
  r=$(median_run bandit)
  echo "bandit: $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(len(r["results"]), "results,", len(r["errors"]), "errors")' "$out/bandit.out.$r" 2>/dev/null || echo "?")"
fi

if want scan; then
  sr=$(median_run scan)
  echo "fastapi-audit: $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(len(r["findings"]), "findings,", len(r.get("diagnostics") or []), "diagnostics,", len(r.get("routes") or []), "routes")' "$out/scan.out.$sr" 2>/dev/null || echo "?")"
fi

# Recall against the generator's manifest.
if [ -f "$dir/expected.json" ]; then
  if want scan; then
    echo
    echo "== fastapi-audit against $dir/expected.json"
    "$out/gen" -score "$out/scan.out.$(median_run scan)" -manifest "$dir/expected.json" -list 5 | tee "$out/recall.txt"
  fi
  if want bandit; then
    echo
    "$out/gen" -score "$out/bandit.out.$(median_run bandit)" -format bandit -root "$dir" -manifest "$dir/expected.json" -list 0
  fi
  if want ruff; then
    echo
    "$out/gen" -score "$out/ruff.jsonl" -format ruff -root "$dir" -manifest "$dir/expected.json" -list 0
  fi
fi

# The design's targets (DESIGN.md section 8).
if want scan; then
  echo
  echo "== targets (DESIGN.md §8)"
  awk -v lines="$lines" -v cpus="$cpus" '
  { wall[$1] = $3; cpu[$1] = $4; rss[$1] = $5 }
  function verdict(ok) { return ok ? "met" : "NOT met" }
  END {
    s = wall["scan"]
    at500 = s * 500000 / lines
    note = (lines >= 450000 && lines <= 550000) ? "measured" : sprintf("%.2f s at this size, scaled linearly to 500k lines", s)
    printf "scan of 500k lines under 10 s wall on 2 cores: %.2f s (%s; %d CPUs): %s\n", at500, note, cpus, verdict(at500 < 10)
    printf "peak RSS under 1 GiB: %.0f MiB for %d lines: %s\n", rss["scan"] / 1024, lines, verdict(rss["scan"] < 1048576)
    if ("parse" in wall) printf "full analysis at most 2x the parse-only time: %.1fx (%.2f s / %.2f s): %s\n", s / wall["parse"], s, wall["parse"], verdict(s <= 2 * wall["parse"])
    if ("bandit" in wall) printf "at least 20x faster than Bandit: %.1fx (wall), %.1fx (CPU): %s\n", wall["bandit"] / s, cpu["bandit"] / cpu["scan"], verdict(wall["bandit"] / s >= 20)
    if ("ruff" in wall) printf "no slower than Ruff S rules (wasm, default Node): %.2fx Ruff'"'"'s wall time: %s\n", s / wall["ruff"], verdict(s <= wall["ruff"])
    if ("ruff-liftoff" in wall) printf "no slower than Ruff S rules (wasm, --liftoff-only): %.2fx Ruff'"'"'s wall time: %s\n", s / wall["ruff-liftoff"], verdict(s <= wall["ruff-liftoff"])
  }' "$out/median.txt" | tee "$out/targets.txt"
fi

if [ "${PROFILE:-}" = 1 ]; then
  echo
  echo "== CPU profile of one scan (FASTAPI_AUDIT_CPUPROFILE; go tool pprof -top)"
  FASTAPI_AUDIT_CPUPROFILE="$out/cpu.prof" "$out/fastapi-audit" scan --format json "$dir" >/dev/null || [ $? -eq 1 ]
  go tool pprof -top -nodecount=30 "$out/fastapi-audit" "$out/cpu.prof" 2>/dev/null | tee "$out/pprof-top.txt"
  echo
  go tool pprof -top -cum -nodecount=40 "$out/fastapi-audit" "$out/cpu.prof" 2>/dev/null | tee "$out/pprof-cum.txt"
fi
