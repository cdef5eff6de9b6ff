#!/usr/bin/env bash
# Warm repeated calls through the Python package's worker (issue 27), both sides timed in this one script,
# contenders alternating call by call:
#   1. euclid-32k (N = 32768 ~ Normal(0, I_3)), 1024 query ids, k = 10: covertree.knn (the worker, warm) against
#      scipy's cKDTree.query on the same arrays (the tree built once, outside the timing, as a user keeps it);
#   2. gold-32k (the same points, RBF, m = 512, V f4 and p given), 1024 query ids, k = 50: covertree.knn (warm)
#      against the NumPy blocked brute force of `covertree bench` (python_peers.py).
# Each reports the first call (a fresh worker: JVM start, load, plan) and the median of ROUNDS warm calls, the
# one-shot process (COVERTREE_WORKER=0) for reference, and checks the answers equal. WARMUP calls (untimed) may
# precede the timed ones, to show the worker once the JIT has compiled the per-request code too.
#   bash bench/worker.sh [OUT] [ROUNDS] [WARMUP]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/covertree-worker}"
rounds="${2:-20}"
warmup="${3:-0}"
mkdir -p "$out"
ct="$here/covertree"
"$ct" --version >/dev/null 2>&1 || true # builds on first use, outside the timings
export COVERTREE_HOME="$here" PYTHONPATH="$here/python"
if [[ ! -f "$out/v.npy" ]]; then
  "$ct" generate --n 32768 --d 3 --out "$out/x.npy" --quiet
  "$ct" prepare --coords "$out/x.npy" --kernel rbf --inducing 512 --out-v "$out/v.npy" --out-p "$out/p.npy" --quiet
fi
python3 - "$out" "$rounds" "$here/bench/src/main/resources/dev/covertree/bench" "$warmup" <<'PY'
import os, sys, time
import numpy as np
out, rounds, peers, warmup = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
sys.path.insert(0, peers)
import python_peers
import covertree
from scipy.spatial import cKDTree

X = np.load(f"{out}/x.npy")
V = np.load(f"{out}/v.npy")
p = np.load(f"{out}/p.npy")
ids = np.random.default_rng(0).choice(len(X), 1024, replace=False).astype(np.int64)

def timed(f):
    t = time.perf_counter()
    r = f()
    return time.perf_counter() - t, r

def one_shot(f):
    os.environ["COVERTREE_WORKER"] = "0"
    try:
        return timed(f)
    finally:
        del os.environ["COVERTREE_WORKER"]

# 1. euclid-32k
ours = lambda: covertree.knn(X, 10, metric="euclidean", query_ids=ids, quiet=True)
shot, _ = one_shot(ours)
covertree.api._worker.current().close()
first, (i0, d0) = timed(ours)
for _ in range(warmup):
    ours()
tree = cKDTree(X)
def scipy_query():
    d, i = tree.query(X[ids], k=11, workers=-1)
    return i, d
t_ours, t_scipy = [], []
for r in range(rounds):
    t, (i, d) = timed(ours)
    t_ours.append(t)
    assert (i == i0).all() and (d == d0).all(), "a warm call's answer changed"
    t, (si, sd) = timed(scipy_query)
    t_scipy.append(t)
# scipy's rows hold the query itself first (distance 0); ours exclude it
assert np.allclose(sd[:, 1:], d0, rtol=1e-12, atol=0), "distances differ from scipy's"
mo, ms = np.median(t_ours), np.median(t_scipy)
print(f"euclid-32k, 1024 ids, k = 10, {warmup} warm-up calls: first call {first * 1e3:.0f} ms, one-shot process {shot * 1e3:.0f} ms; "
      f"warm median {mo * 1e3:.2f} ms (min {min(t_ours) * 1e3:.2f}); scipy cKDTree.query median {ms * 1e3:.2f} ms; "
      f"ratio scipy/ours {ms / mo:.2f}")

# 2. gold-32k
ours = lambda: covertree.knn(X, 50, kernel="rbf", V=V, p=p, query_ids=ids, quiet=True)
shot, _ = one_shot(ours)
first, (i0, d0) = timed(ours)
for _ in range(min(warmup, 5)):
    ours()
def numpy_brute():
    return python_peers.numpy_brute(X, V, p, "rbf", 1.0, 1.0, 50, ids, False)
t_ours, t_np = [], []
for r in range(rounds):
    t, (i, d) = timed(ours)
    t_ours.append(t)
    assert (i == i0).all() and (d == d0).all(), "a warm call's answer changed"
    if r < max(3, rounds // 4):
        t, (ni, nd) = timed(numpy_brute)
        t_np.append(t)
# NumPy forms rho in another order of operations: distances agree to ~1e-7 (near 1, sqrt(1 - |rho|) magnifies it)
assert (ni == i0).mean() > 0.999 and np.abs(nd - d0).max() < 1e-6, "answers differ from the NumPy brute force"
mo, mn = np.median(t_ours), np.median(t_np)
print(f"gold-32k, 1024 ids, k = 50, {warmup} warm-up calls: first call {first * 1e3:.0f} ms, one-shot process {shot * 1e3:.0f} ms; "
      f"warm median {mo * 1e3:.1f} ms (min {min(t_ours) * 1e3:.1f}); NumPy blocked brute force median {mn * 1e3:.1f} ms; "
      f"ratio numpy/ours {mn / mo:.2f}")
PY
