#!/usr/bin/env bash
# The spatial Vecchia job at scale under a small heap (issue 26; not part of the default test run, minutes
# to an hour): N points uniform on [0, 40]^2, Matern 3/2, lengthscale 0.5, m = 128 random inducing points, V f4
# and p prepared once (not timed), all points, predecessor mode, k = 30, the data, tree and outputs off-heap.
# Then SAMPLE random rows are searched again with --engine brute (the same query ids, predecessor mode) and
# must match the job's rows exactly (ids and distances).
#
#   bash bench/spatial_scale.sh OUT EXPONENT HEAP [SAMPLE]
#   bash bench/spatial_scale.sh /tmp/scale21 21 128m 20        # 2^21 points under -Xmx128m
#   bash bench/spatial_scale.sh /tmp/scale24 24 256m 20        # 2^24 points (V 8 GiB f4) under -Xmx256m
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$1"
e="$2"
heap="$3"
sample="${4:-20}"
mkdir -p "$out"
ct="$here/covertree"
"$ct" --version >/dev/null 2>&1 || true # builds on first use, outside the timings
n=$((1 << e))
x="$out/x-$n.npy"; v="$out/v-$n.npy"; p="$out/p-$n.npy"
[[ -f "$x" ]] || "$ct" generate --n "$n" --d 2 --uniform 40 --out "$x" --quiet
[[ -f "$v" ]] || "$ct" prepare --coords "$x" --kernel matern32 --lengthscale 0.5 --inducing 128 --seed 0 \
  --out-v "$v" --out-p "$p" --quiet
rm -f "$out/i.npy" "$out/d.npy" "$out/run.jsonl"
COVERTREE_JAVA_OPTS="-Xmx$heap" /usr/bin/time -f "%e %M" -o "$out/run.time" "$ct" knn --coords "$x" --v "$v" --p "$p" \
  --kernel matern32 --lengthscale 0.5 --k 30 --all --predecessor --out-indices "$out/i.npy" --out-distances "$out/d.npy" \
  --quiet --telemetry "$out/run.jsonl"
read -r wall rss <"$out/run.time"
python3 -c "import numpy as np; np.save('$out/ids.npy', np.random.default_rng(7).choice($n, $sample, replace=False).astype(np.int64))"
rm -f "$out/si.npy" "$out/sd.npy"
COVERTREE_JAVA_OPTS="-Xmx$heap" "$ct" knn --coords "$x" --v "$v" --p "$p" --kernel matern32 --lengthscale 0.5 --k 30 \
  --query-ids "$out/ids.npy" --predecessor --engine brute --out-indices "$out/si.npy" --out-distances "$out/sd.npy" --quiet
python3 - "$out" "$n" "$wall" "$rss" "$heap" <<'PY'
import json, sys
import numpy as np
out, n, wall, rss, heap = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
ids = np.load(f"{out}/ids.npy")
i = np.load(f"{out}/i.npy", mmap_mode="r"); d = np.load(f"{out}/d.npy", mmap_mode="r")
si = np.load(f"{out}/si.npy"); sd = np.load(f"{out}/sd.npy")
same = int(sum(np.array_equal(i[q], si[r]) and np.array_equal(d[q], sd[r]) for r, q in enumerate(ids)))
ph = {}
for line in open(f"{out}/run.jsonl"):
    o = json.loads(line)
    ph[o["phase"]] = o
s = ph["search"]
print(f"n={n} heap={heap}: whole {wall:.1f} s (load {ph['load']['seconds']:.1f}, build {ph['plan'].get('build_seconds', 0):.1f}, "
      f"search {s['seconds']:.1f}, write {ph['write']['seconds']:.1f}), peak RSS {rss / 1024:.0f} MB, heap peak "
      f"{s['heap_peak_mb']} MB, distances per query median {s['distances_per_query_median']} max {s['distances_per_query_max']}; "
      f"{same} of {len(ids)} sampled rows identical to --engine brute")
sys.exit(0 if same == len(ids) else 1)
PY
