#!/usr/bin/env bash
# The Python door (issue 15; not part of the default test run), timed beside what a user would run instead.
#  1. Overhead of covertree.knn over the bare CLI on a gold-32k-like job (N = 32768 ~ Normal(0, I_3), RBF,
#     m = 512 random inducing points, V f4, 1024 query ids, k = 50, --engine brute), in alternating rounds:
#     the CLI run with its inputs already on disk, against covertree.knn given the arrays in memory.
#  2. The exact max-min ordering of N uniform 2-D points (knn's telemetry phase "order") against a NumPy
#     max-min a user could write (O(N^2): one vectorised min per step), timed where it finishes.
#
#   bash bench/python_door.sh [OUT] [ROUNDS] [MAXMIN_EXPONENTS] [NUMPY_EXPONENTS]
#   bash bench/python_door.sh /tmp/door 3 "16 18 20" "12 13 14"
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/covertree-door}"
rounds="${2:-3}"
mm_exps="${3:-16 18 20}"
np_exps="${4:-12 13 14}"
mkdir -p "$out"
ct="$here/covertree"
"$ct" --version >/dev/null 2>&1 || true # builds on first use, outside the timings
export COVERTREE_HOME="$here" PYTHONPATH="$here/python"

if [[ ! -f "$out/v.npy" ]]; then
  "$ct" generate --n 32768 --d 3 --out "$out/x.npy" --quiet
  "$ct" prepare --coords "$out/x.npy" --kernel rbf --inducing 512 --out-v "$out/v.npy" --out-p "$out/p.npy" --quiet
  python3 -c "import numpy as np; np.save('$out/ids.npy', np.random.default_rng(0).choice(32768, 1024, replace=False))"
fi
python3 - "$out" "$rounds" "$ct" <<'PY'
import subprocess, sys, time
import numpy as np
import covertree
from covertree import _runner
out, rounds, ct = sys.argv[1], int(sys.argv[2]), sys.argv[3]
# the tool's own run inside each call, timed apart: the rest is what the Python door adds
inner = []
_run = _runner.run
def timed_run(args, quiet):
    t = time.perf_counter()
    try:
        return _run(args, quiet)
    finally:
        inner.append(time.perf_counter() - t)
_runner.run = timed_run
X, V, p, ids = (np.load(f"{out}/{n}.npy") for n in ("x", "v", "p", "ids"))
cli = [ct, "knn", "--coords", f"{out}/x.npy", "--v", f"{out}/v.npy", "--p", f"{out}/p.npy", "--kernel", "rbf",
       "--k", "50", "--query-ids", f"{out}/ids.npy", "--engine", "brute", "--out-indices", f"{out}/i.npy",
       "--out-distances", f"{out}/d.npy", "--force", "--quiet"]
Vm, pm = np.load(f"{out}/v.npy", mmap_mode="r"), np.load(f"{out}/p.npy", mmap_mode="r")
c, py, pm_ = [], [], []
for r in range(rounds):
    t = time.perf_counter(); subprocess.run(cli, check=True, stderr=subprocess.DEVNULL); c.append(time.perf_counter() - t)
    t = time.perf_counter()
    i, d = covertree.knn(X, 50, kernel="rbf", V=V, p=p, query_ids=ids, engine="brute", quiet=True)
    py.append(time.perf_counter() - t)
    assert np.array_equal(i, np.load(f"{out}/i.npy"))
    t = time.perf_counter()
    i, d = covertree.knn(X, 50, kernel="rbf", V=Vm, p=pm, query_ids=ids, engine="brute", quiet=True)
    pm_.append(time.perf_counter() - t)
    assert np.array_equal(i, np.load(f"{out}/i.npy"))
    print(f"round {r + 1}: cli {c[-1]:.3f} s, covertree.knn {py[-1]:.3f} s (V in memory; beyond its tool run "
          f"{py[-1] - inner[-2]:.3f} s), {pm_[-1]:.3f} s (V memory-mapped; beyond its tool run {pm_[-1] - inner[-1]:.3f} s)")
beyond_mem = [py[r] - inner[2 * r] for r in range(rounds)]
beyond_map = [pm_[r] - inner[2 * r + 1] for r in range(rounds)]
print(f"median: cli {np.median(c):.3f} s; covertree.knn {np.median(py):.3f} s (V in memory) and {np.median(pm_):.3f} s "
      f"(V mapped); the door adds {np.median(beyond_mem):.3f} s (V in memory) and {np.median(beyond_map):.3f} s (V mapped) "
      f"beyond the tool's run in the same call")
PY
for e in $mm_exps; do
  n=$((1 << e))
  x="$out/u-$n.npy"
  [[ -f "$x" ]] || "$ct" generate --n "$n" --d 2 --uniform 40 --out "$x" --quiet
  rm -f "$out/t.jsonl"
  "$ct" knn --coords "$x" --metric euclidean --k 1 --all --predecessor --order maxmin --out-order "$out/o.npy" \
    --out-indices "$out/oi.npy" --out-distances "$out/od.npy" --force --quiet --telemetry "$out/t.jsonl"
  python3 -c "import json; print('maxmin 2^$e:', [round(o['seconds'], 3) for o in map(json.loads, open('$out/t.jsonl')) if o['phase'] == 'order'][0], 's (covertree, phase order)')"
done
for e in $np_exps; do
  python3 - "$e" <<'PY'
import sys, time
import numpy as np
e = int(sys.argv[1]); n = 1 << e
X = np.random.default_rng(0).uniform(0, 40, size=(n, 2))
t = time.perf_counter()
c = (X.min(0) + X.max(0)) / 2
first = int(np.argmin(((X - c) ** 2).sum(1)))
chosen = np.zeros(n, bool); chosen[first] = True
dmin = ((X - X[first]) ** 2).sum(1)
order = [first]
for _ in range(1, n):
    cand = np.where(chosen, -1.0, dmin)
    j = int(np.argmax(cand))
    order.append(j); chosen[j] = True
    np.minimum(dmin, ((X - X[j]) ** 2).sum(1), out=dmin)
s = time.perf_counter() - t
print(f"maxmin 2^{e}: {s:.3f} s (NumPy O(N^2)); at 2^20 that is about {s * (2 ** 20 / n) ** 2 / 3600:.1f} h")
PY
done
