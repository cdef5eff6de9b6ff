#!/usr/bin/env bash
# The brute force against the machine's matrix-multiply rate, all in one script so the ratios share the
# machine's state (these cores are shared and their speed drifts by tens of percent within minutes):
#   1. the rate of a large dgemm (NumPy, 4096^3, all cores) and the limit it sets for the gold-32k-pred job
#      (2 m sum_i i flops), against that job's search phase (`covertree knn --all --predecessor --engine brute`);
#      and the rate of the search's own product alone (JMH ProductBench: a block of 1024 query rows times a tile
#      of 512 dataset rows, m = 512, through the same cblas_dgemm downcall, one per core), whose ratio to the
#      large dgemm's rate is the most limit/search a search could reach if it did nothing but multiply;
#   2. gold-32k, 1024 query ids: the whole `covertree knn` run (JVM start included) against the query time of
#      the one-query-at-a-time brute force (`--engine scan`, its search phase);
# Rounds alternate. Usage: bash bench/brute_limit.sh [WORKDIR] [ROUNDS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-/tmp/covertree-brute-limit}"
rounds="${2:-3}"
ct="$here/covertree"
mkdir -p "$work"
cd "$work"
n=32768
m=512
if [[ ! -f p.npy ]]; then
  "$ct" generate --n $n --d 3 --out x.npy --force --quiet
  "$ct" prepare --coords x.npy --kernel rbf --inducing $m --out-v v.npy --out-p p.npy --force --quiet
  python3 -c "import numpy as np; np.save('ids.npy', np.arange(1024, dtype=np.int64))"
fi
common=(--coords x.npy --v v.npy --p p.npy --kernel rbf --k 50 --force --quiet)
search_seconds() { python3 -c "import json,sys; print([json.loads(l) for l in open(sys.argv[1])][-1]['seconds'] if False else [r for r in map(json.loads, open(sys.argv[1])) if r['phase']=='search'][-1]['seconds'])" "$1"; }
wall() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); python3 -c "print(f'{$t1-$t0:.3f}')"; }
dgemm_rate() {
  python3 - <<'PY'
import numpy as np, time
a = np.random.default_rng(0).random((4096, 4096)); b = a.T.copy(); a @ b
best = min((lambda t0: (a @ b, time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(3))
print(f"{2 * 4096**3 / best / 1e9:.1f}")
PY
}
product_rate() {
  "$ct" jmh ProductBench -t 2 -rf json -rff "$work/product.json" >/dev/null 2>&1
  python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))[0]
p = r['params']
print(f\"{r['primaryMetric']['score'] * 2 * int(p['rows']) * int(p['tile']) * int(p['m']) / 1e9:.1f}\")" "$work/product.json"
}
flops=$(python3 -c "print(2 * $m * $n * ($n - 1) // 2)")
echo "round | dgemm GFLOP/s | limit s | product GFLOP/s (job's shape) | product/dgemm | pred search s | limit/search | knn 1024 ids wall s | scan search s | scan/wall"
for r in $(seq 1 "$rounds"); do
  rate=$(dgemm_rate)
  prate=$(product_rate)
  limit=$(python3 -c "print(f'{$flops / ($rate * 1e9):.3f}')")
  rm -f t.jsonl
  "$ct" knn "${common[@]}" --all --predecessor --engine brute --out-indices ip.npy --out-distances dp.npy --telemetry t.jsonl
  pred=$(search_seconds t.jsonl)
  w1=$(wall "$ct" knn "${common[@]}" --query-ids ids.npy --engine brute --out-indices i.npy --out-distances d.npy)
  rm -f s.jsonl
  "$ct" knn "${common[@]}" --query-ids ids.npy --engine scan --out-indices is.npy --out-distances ds.npy --telemetry s.jsonl
  scan=$(search_seconds s.jsonl)
  cmp -s i.npy is.npy && cmp -s d.npy ds.npy || { echo "brute and scan files differ" >&2; exit 1; }
  python3 -c "print(f'$r | $rate | $limit | $prate | {$prate/$rate:.2f}x | {$pred:.3f} | {$limit/$pred:.2f}x | $w1 | {$scan:.3f} | {$scan/$w1:.2f}x')"
done
