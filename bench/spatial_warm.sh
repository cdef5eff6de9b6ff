#!/usr/bin/env bash
# The spatial Vecchia job of bench/spatial_floor.sh as a hyperparameter loop runs it (issue 26, beside the
# one-shot process that script times): from Python, through the package's worker, on the same coordinates
# call after call, each call with V and p of other inducing points (so no kept tree serves it; the coordinates'
# file is kept, as a loop over one dataset keeps it). N points uniform on [0, 40]^2, Matern 3/2, lengthscale
# 0.5, m = 128 random inducing points (seed 1, 2, ... per call; V f4 and p prepared once, outside the timings),
# all points, predecessor mode, k = 30. Each call alternates with scipy's cKDTree Euclidean k-NN of the same
# points (build + query, k = 31 with self, workers=-1). Prints each call and the median ratio of the calls
# after the first (whose time includes the worker's JVM start); checks every answer against the one-shot
# `covertree knn` of the same inputs, bit for bit.
#
#   bash bench/spatial_warm.sh [OUT] [EXPONENT] [CALLS]
#   bash bench/spatial_warm.sh /tmp/spatial-warm 18 6
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/covertree-spatial-warm}"
e="${2:-18}"
calls="${3:-6}"
mkdir -p "$out"
ct="$here/covertree"
"$ct" --version >/dev/null 2>&1 || true # builds on first use, outside the timings
n=$((1 << e))
x="$out/x-$n.npy"
[[ -f "$x" ]] || "$ct" generate --n "$n" --d 2 --uniform 40 --out "$x" --quiet
for ((c = 1; c <= calls; c++)); do
  v="$out/v-$n-$c.npy"; p="$out/p-$n-$c.npy"
  [[ -f "$v" ]] || "$ct" prepare --coords "$x" --kernel matern32 --lengthscale 0.5 --inducing 128 --seed "$c" \
    --out-v "$v" --out-p "$p" --quiet
  # the reference answer, from a one-shot process
  [[ -f "$out/i-$n-$c.npy" ]] || "$ct" knn --coords "$x" --v "$v" --p "$p" --kernel matern32 --lengthscale 0.5 \
    --k 30 --all --predecessor --out-indices "$out/i-$n-$c.npy" --out-distances "$out/d-$n-$c.npy" --quiet
done
export COVERTREE_HOME="$here" PYTHONPATH="$here/python"
python3 - "$out" "$n" "$calls" <<'PY'
import statistics, sys, time
import numpy as np
import covertree
from scipy.spatial import cKDTree

out, n, calls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
X = np.load(f"{out}/x-{n}.npy")
ratios = []
print("call  ours_s  cKDTree_s  ratio")
for c in range(1, calls + 1):
    V = np.load(f"{out}/v-{n}-{c}.npy")
    p = np.load(f"{out}/p-{n}-{c}.npy")
    t = time.perf_counter()
    i, d = covertree.knn(X, 30, kernel="matern32", lengthscale=0.5, V=V, p=p, predecessor=True, quiet=True)
    ours = time.perf_counter() - t
    t = time.perf_counter()
    cKDTree(X).query(X, k=31, workers=-1)
    scipy = time.perf_counter() - t
    if not (np.array_equal(i, np.load(f"{out}/i-{n}-{c}.npy"))
            and np.array_equal(d.view(np.int64), np.load(f"{out}/d-{n}-{c}.npy").view(np.int64))):
        sys.exit(f"call {c}: the worker's answer differs from the one-shot process's")
    print(f"{c:4d}  {ours:6.3f}  {scipy:9.3f}  {scipy / ours:5.3f}{'  (first call: the worker starts)' if c == 1 else ''}",
          flush=True)
    if c > 1:
        ratios.append(scipy / ours)
if ratios:
    print(f"warm calls: median ratio {statistics.median(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f})")
PY
