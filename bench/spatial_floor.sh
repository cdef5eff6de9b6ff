#!/usr/bin/env bash
# The spatial floor benchmark (issue 26; not part of the default test run): the Vecchia job most VIF users
# run - N points uniform on [0, 40]^2, Matern 3/2, variance 1, lengthscale 0.5, m = 128 random inducing points
# (V f4 and p given as .npy, prepared once, outside the timings), all points, predecessor mode, k = 30 - as a
# whole `covertree knn` process, against scipy's cKDTree Euclidean k-NN of the same points (build + query,
# k = 31 with self, workers=-1) in the same script, ROUNDS alternating rounds each.
#
#   bash bench/spatial_floor.sh [OUT] [EXPONENTS] [ROUNDS] [HEAP]
#   bash bench/spatial_floor.sh /tmp/floor "16 18 20 22" 3 256m
#
# One CSV row per round (OUT/floor.csv): our phases from --telemetry (load, tree build, search with its input
# checks, write), the whole process's wall time, distances evaluated per query (mean, median, max), scipy's
# seconds, and the ratios scipy / ours (whole process, and plan + search only). Prints the table.
# With BASELINE=DIR (another checkout of this project, e.g. an earlier commit) each round also times that
# checkout's whole `covertree knn` on the same files, and the rows carry its wall time, its tree build and search
# phases (from its --telemetry) and scipy / its wall time.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/covertree-floor}"
exps="${2:-16 18}"
rounds="${3:-3}"
heap="${4:-256m}"
mkdir -p "$out"
ct="$here/covertree"
"$ct" --version >/dev/null 2>&1 || true # builds on first use, outside the timings
csv="$out/floor.csv"
echo "n,round,load_s,build_s,plan_s,search_s,check_s,write_s,knn_wall_s,dist_mean,dist_median,dist_max,scipy_s,ratio_whole,ratio_compute,baseline_wall_s,baseline_build_s,baseline_search_s,baseline_ratio" >"$csv"
[[ -z "${BASELINE:-}" ]] || "$BASELINE/covertree" --version >/dev/null 2>&1 || true

for e in $exps; do
  n=$((1 << e))
  x="$out/x-$n.npy"; v="$out/v-$n.npy"; p="$out/p-$n.npy"
  [[ -f "$x" ]] || "$ct" generate --n "$n" --d 2 --uniform 40 --out "$x" --quiet
  [[ -f "$v" ]] || COVERTREE_JAVA_OPTS="-Xmx$heap" "$ct" prepare --coords "$x" --kernel matern32 --lengthscale 0.5 \
    --inducing 128 --seed 0 --out-v "$v" --out-p "$p" --quiet
  for ((r = 1; r <= rounds; r++)); do
    tag="$out/knn-$n"
    # earlier outputs deleted first: freeing a large file's pages is no part of a search
    rm -f "$tag.jsonl" "$out/i-$n.npy" "$out/d-$n.npy"
    COVERTREE_JAVA_OPTS="-Xmx$heap" /usr/bin/time -f "%e" -o "$tag.time" "$ct" knn --coords "$x" --v "$v" --p "$p" \
      --kernel matern32 --lengthscale 0.5 --k 30 --all --predecessor --out-indices "$out/i-$n.npy" \
      --out-distances "$out/d-$n.npy" --quiet --telemetry "$tag.jsonl" 2>"$tag.err"
    wall=$(cat "$tag.time")
    base=""
    if [[ -n "${BASELINE:-}" ]]; then
      rm -f "$out/bi-$n.npy" "$out/bd-$n.npy" "$tag.base.jsonl"
      COVERTREE_JAVA_OPTS="-Xmx$heap" /usr/bin/time -f "%e" -o "$tag.base" "$BASELINE/covertree" knn --coords "$x" --v "$v" \
        --p "$p" --kernel matern32 --lengthscale 0.5 --k 30 --all --predecessor --out-indices "$out/bi-$n.npy" \
        --out-distances "$out/bd-$n.npy" --quiet --telemetry "$tag.base.jsonl" 2>/dev/null
      cmp -s "$out/i-$n.npy" "$out/bi-$n.npy" && cmp -s "$out/d-$n.npy" "$out/bd-$n.npy" \
        || { echo "the baseline's files differ from ours at n=$n" >&2; exit 1; }
      base=$(cat "$tag.base")
    fi
    scipy=$(python3 - "$x" <<'PY'
import sys, time
import numpy as np
from scipy.spatial import cKDTree
x = np.load(sys.argv[1])
t = time.perf_counter()
cKDTree(x).query(x, k=31, workers=-1)
print(f"{time.perf_counter() - t:.3f}")
PY
)
    python3 - "$tag.jsonl" "$n" "$r" "$wall" "$scipy" "$base" "$tag.base.jsonl" >>"$csv" <<'PY'
import json, os, sys
def phases(path):
    ph = {}
    for line in open(path):
        o = json.loads(line)
        ph[o["phase"]] = o
    return ph
ph = phases(sys.argv[1])
n, r, wall, scipy = int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
def base_columns():
    if not sys.argv[6]:
        return ',,,'
    base = float(sys.argv[6])
    b = phases(sys.argv[7]) if os.path.exists(sys.argv[7]) else {}
    build = f'{b["plan"].get("build_seconds", 0):.3f}' if "plan" in b else ''
    search = f'{b["search"]["seconds"]:.3f}' if "search" in b else ''
    return f'{base:.2f},{build},{search},{scipy / base:.3f}'
s = ph["search"]
compute = ph["plan"]["seconds"] + s["seconds"]
print(f'{n},{r},{ph["load"]["seconds"]:.3f},{ph["plan"].get("build_seconds", 0):.3f},{ph["plan"]["seconds"]:.3f},'
      f'{s["seconds"]:.3f},{s["check_seconds"]:.3f},{ph["write"]["seconds"]:.3f},{wall:.2f},'
      f'{s["distance_evaluations"] / n:.1f},{s["distances_per_query_median"]},{s["distances_per_query_max"]},'
      f'{scipy:.3f},{scipy / wall:.3f},{scipy / compute:.3f},'
      + base_columns())
PY
  done
done
column -s, -t <"$csv"
