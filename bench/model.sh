#!/usr/bin/env bash
# Measures what the models and rules add on top of parsing, on one core,
# over $BENCH_MODEL_DIR (default: python3's standard library), and prints
# each stage's time as a ratio to parsing measured in the same run.
#
#   COUNT=3 BENCH_MODEL_DIR=/path/to/app bench/model.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export GOGC=${GOGC:-400} # the setting fastapi-audit runs with
out=$(go test -run '^$' -bench . -benchtime 1x -count "${COUNT:-1}" ./bench/model/)
echo "$out" | grep '^Benchmark'
echo "$out" | awk '/^Benchmark/ { name=$1; sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name); t[name]+=$3; n[name]++ }
END {
  p = t["Parse"]/n["Parse"]
  printf "parse %.2fs; parse+model %.2fs (%.2fx, model adds %.0f%%); full scan %.2fs (%.2fx)\n",
    p/1e9, t["Model"]/n["Model"]/1e9, t["Model"]/n["Model"]/p, (t["Model"]/n["Model"]/p-1)*100,
    t["Scan"]/n["Scan"]/1e9, t["Scan"]/n["Scan"]/p
}'
