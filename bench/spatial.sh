#!/usr/bin/env bash
# The spatial benchmark (issue 13; not part of the default test run): the Vecchia job (all points,
# predecessor, k = 30) on spatial-N (N points uniform on [0, 40]^2, Matern 3/2, variance 1, lengthscale
# 0.5, m = 128 random inducing points), whole `covertree knn` runs with V and p given as .npy, and scipy's
# cKDTree (Euclidean, k = 31, workers=-1, build + query) on the same points, timed in the same script.
# With EUCLID_N it also times our Euclidean all-points job against cKDTree on N ~ Normal(0, I_3), in
# EUCLID_REPS (default 3) alternating rounds, one row each.
# Output files of earlier runs are deleted before each timed run: replacing a large file makes the file
# system free the old one's pages inside the timing, which no search costs.
#
#   bash bench/spatial.sh [OUT] [EXPONENTS] [ENGINES] [EUCLID_N] [HEAP]
#   bash bench/spatial.sh /tmp/spatial "16 17 18 20" "auto brute" 1048576 128m
#
# Engines other than auto run only up to 2^17 (the brute force and the cover tree are quadratic here).
# Writes OUT/spatial.csv (one row per run) and prints it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/covertree-spatial}"
exps="${2:-16 17}"
engines="${3:-auto}"
euclid_n="${4:-}"
heap="${5:-256m}"
mkdir -p "$out"
ct="$here/covertree"
"$ct" --version >/dev/null 2>&1 || true # builds on first use, outside the timings
csv="$out/spatial.csv"
echo "workload,n,engine,prepare_s,plan_s,search_s,knn_wall_s,distances_per_query,peak_rss_mb,note" >"$csv"

# wall seconds and peak RSS of a command, from GNU time
timed() { # timed LOG cmd...
  local log="$1"; shift
  /usr/bin/time -f "%e %M" -o "$log.time" "$@" >"$log.out" 2>"$log.err"
}
field() { # field JSONL PHASE KEY
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("phase") == sys.argv[2] and sys.argv[3] in o:
        print(o[sys.argv[3]]); break
else:
    print("")
PY
}
scipy_row() { # scipy_row WORKLOAD N X.npy
  python3 - "$1" "$2" "$3" >>"$csv" <<'PY'
import sys, time, resource
import numpy as np
from scipy.spatial import cKDTree
w, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
x = np.load(path)
t = time.perf_counter()
d, i = cKDTree(x).query(x, k=31, workers=-1)
s = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{w},{n},scipy-ckdtree (euclidean),,,{s:.3f},{s:.3f},,{rss:.0f},build + query k=31 workers=-1")
PY
}

for e in $exps; do
  n=$((1 << e))
  x="$out/x-spatial-$n.npy"; v="$out/v-spatial-$n.npy"; p="$out/p-spatial-$n.npy"
  [[ -f "$x" ]] || "$ct" generate --n "$n" --d 2 --uniform 40 --out "$x" --quiet
  if [[ ! -f "$v" ]]; then
    COVERTREE_JAVA_OPTS="-Xmx$heap" timed "$out/prepare-$n" "$ct" prepare --coords "$x" --kernel matern32 \
      --lengthscale 0.5 --inducing 128 --seed 0 --out-v "$v" --out-p "$p" --quiet --telemetry "$out/prepare-$n.jsonl"
  fi
  prep=$(field "$out/prepare-$n.jsonl" prepare seconds)
  for eng in $engines; do
    if [[ "$eng" != auto && $e -gt 17 ]]; then continue; fi
    tag="$out/knn-$n-$eng"
    rm -f "$tag.jsonl" "$out/i-$n-$eng.npy" "$out/d-$n-$eng.npy"
    COVERTREE_JAVA_OPTS="-Xmx$heap" timed "$tag" "$ct" knn --coords "$x" --v "$v" --p "$p" --kernel matern32 \
      --lengthscale 0.5 --k 30 --all --predecessor --engine "$eng" --out-indices "$out/i-$n-$eng.npy" \
      --out-distances "$out/d-$n-$eng.npy" --force --quiet --telemetry "$tag.jsonl"
    read -r wall rss <"$tag.time"
    picked=$(field "$tag.jsonl" plan engine)
    dist=$(field "$tag.jsonl" search distance_evaluations)
    echo "spatial-$n,$n,$eng ($picked),$prep,$(field "$tag.jsonl" plan seconds),$(field "$tag.jsonl" search seconds),$wall,$(python3 -c "print(round($dist/$n, 1))"),$((rss / 1024)),-Xmx$heap" >>"$csv"
  done
  scipy_row "spatial-$n" "$n" "$x"
done

if [[ -n "$euclid_n" ]]; then
  x="$out/x-normal-$euclid_n.npy"
  [[ -f "$x" ]] || "$ct" generate --n "$euclid_n" --d 3 --out "$x" --quiet
  tag="$out/knn-euclid-$euclid_n"
  for ((r = 1; r <= ${EUCLID_REPS:-3}; r++)); do
    rm -f "$tag.jsonl" "$out/i-euclid.npy" "$out/d-euclid.npy"
    COVERTREE_JAVA_OPTS="-Xmx$heap" timed "$tag" "$ct" knn --coords "$x" --metric euclidean --k 30 --all \
      --out-indices "$out/i-euclid.npy" --out-distances "$out/d-euclid.npy" --quiet --telemetry "$tag.jsonl"
    read -r wall rss <"$tag.time"
    dist=$(field "$tag.jsonl" search distance_evaluations)
    echo "euclid-$euclid_n,$euclid_n,auto ($(field "$tag.jsonl" plan engine)),,$(field "$tag.jsonl" plan seconds),$(field "$tag.jsonl" search seconds),$wall,$(python3 -c "print(round($dist/$euclid_n, 1))"),$((rss / 1024)),k=30 (self excluded) round $r" >>"$csv"
    scipy_row "euclid-$euclid_n" "$euclid_n" "$x"
  done
fi
column -s, -t <"$csv"
