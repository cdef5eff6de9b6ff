#!/usr/bin/env bash
# The Spark benchmark (issue 18; not part of the default test run): the spatial Vecchia job of
# bench/spatial.sh (N = 2^EXP points uniform on [0, 40]^2, Matern 3/2, lengthscale 0.5, m = 128, all
# points, predecessor, k = 30) run once by the single-process tool (2 threads) and then through Spark
# in-process: local[1] and local[2] with one segment (query ranges over one index), and local[2] with each
# of SEGMENTS segments (the segment forest). Every Spark run's files are compared with the single-process
# files byte for byte (cmp); times are whole `covertree knn` runs (JVM and Spark start included) and the
# search phase each run reports.
#
#   bash bench/spark.sh [OUT] [EXP] [SEGMENTS]
#   bash bench/spark.sh /tmp/spark-bench 20 "4 16"
#
# Writes OUT/spark.csv (one row per run) and prints it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/covertree-spark}"
e="${2:-20}"
segs="${3:-4}"
mkdir -p "$out"
ct="$here/covertree"
"$ct" --version >/dev/null 2>&1 || true # builds on first use, outside the timings
n=$((1 << e))
x="$out/x-$n.npy"; v="$out/v-$n.npy"; p="$out/p-$n.npy"
[[ -f "$x" ]] || "$ct" generate --n "$n" --d 2 --uniform 40 --out "$x" --quiet
[[ -f "$v" ]] || "$ct" prepare --coords "$x" --kernel matern32 --lengthscale 0.5 --inducing 128 --seed 0 \
  --out-v "$v" --out-p "$p" --quiet
job=(knn --coords "$x" --v "$v" --p "$p" --kernel matern32 --lengthscale 0.5 --k 30 --all --predecessor)
csv="$out/spark.csv"
echo "run,n,master,segments,tasks,wall_s,search_s,identical" >"$csv"

run() { # run TAG ARGS...: one timed knn run; prints "wall search tasks"
  local tag="$1"; shift
  rm -f "$out/i-$tag.npy" "$out/d-$tag.npy"
  /usr/bin/time -f "%e" -o "$out/$tag.time" "$ct" "${job[@]}" "$@" --out-indices "$out/i-$tag.npy" \
    --out-distances "$out/d-$tag.npy" >"$out/$tag.out" 2>"$out/$tag.err"
  local s t
  s=$(sed -n 's/.*search\( and merge\)\? \([0-9.]*\) s.*/\2/p' "$out/$tag.out" | head -1)
  t=$(sed -n 's/.*: \([0-9]*\) tasks$/\1/p' "$out/$tag.out" | head -1)
  echo "$(cat "$out/$tag.time") $s ${t:-}"
}
same() { cmp -s "$out/i-single.npy" "$out/i-$1.npy" && cmp -s "$out/d-single.npy" "$out/d-$1.npy" && echo yes || echo NO; }

read -r w s t < <(run single --threads 2)
echo "single-process,$n,-,1,-,$w,$s,-" >>"$csv"
for m in 1 2; do
  read -r w s t < <(run "local$m-s1" --spark "local[$m]")
  echo "spark,$n,local[$m],1,$t,$w,$s,$(same "local$m-s1")" >>"$csv"
done
for sg in $segs; do
  read -r w s t < <(run "local2-s$sg" --spark "local[2]" --spark-segments "$sg")
  echo "spark,$n,local[2],$sg,$t,$w,$s,$(same "local2-s$sg")" >>"$csv"
done
column -s, -t <"$csv"
