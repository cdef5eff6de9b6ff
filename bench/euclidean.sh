#!/usr/bin/env bash
# The Euclidean benchmark (issue 32; not part of the default test run): our exact k-NN (k = 30, self excluded)
# against the fastest exact kd-tree found, nanoflann (Debian's libnanoflann-dev, leaf 20, queries in Z-order,
# OpenMP on every core: bench/peers/nanoflann_knn.cpp), and scipy's cKDTree (workers=-1), ROUNDS alternating
# rounds in one run; then the plain Vecchia job (predecessor mode) against a scipy script with GpGp's method,
# and the exact max-min ordering's phase on 1 and 2 threads.
#
#   bash bench/euclidean.sh [OUT] [ROUNDS] [JOBS] [ORDER_EXPONENTS]
#   bash bench/euclidean.sh /tmp/euclid 3 "E1 E2 E3 P16 P18 P20" "18 20 22"
#
# Workloads: E1 2^20 Normal 3-D (default_rng(11)), E2 2^18 uniform [0,40]^2 (default_rng(123)), E3 2^22 uniform
# [0,40]^2 (default_rng(5)); Pe 2^e uniform [0,40]^2 (default_rng(e)) for the predecessor job.
# OUT/euclidean.csv: per round, ours (plan + search from --telemetry, whole process), the peers' build + query
# seconds, and peer / ours ratios (compute and whole process; above 1 means we are faster).
# OUT/vecchia.csv: per round, our predecessor run (whole process, plan + search) and our all-points run on the
# same points, the scipy prefix script's whole process, and the ratios. OUT/maxmin.csv: the order phase.
# Every contender's neighbours are compared with ours (ids equal, or distances equal where ids differ: ties).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/covertree-euclidean}"
rounds="${2:-3}"
jobs="${3:-E1 E2 E3 P16 P18 P20}"
order_exps="${4:-18 20 22}"
mkdir -p "$out"
ct="$here/covertree"
"$ct" --version >/dev/null 2>&1 || true # builds on first use, outside the timings
threads=$(nproc)

# nanoflann from Debian, compiled here
nf="$out/nanoflann_knn"
if [[ ! -f /usr/include/nanoflann.hpp ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    apt-get install -y -q libnanoflann-dev >/dev/null || { echo "euclidean.sh: apt-get install libnanoflann-dev failed" >&2; exit 1; }
  else
    echo "euclidean.sh: nanoflann is missing: sudo apt-get install libnanoflann-dev" >&2; exit 1
  fi
fi
if [[ ! -x "$nf" || "$here/bench/peers/nanoflann_knn.cpp" -nt "$nf" ]]; then
  g++ -O3 -march=native -fopenmp -std=c++17 -o "$nf" "$here/bench/peers/nanoflann_knn.cpp"
fi

points() { # points FILE KIND N SEED
  [[ -f "$1" ]] || python3 - "$@" <<'PY'
import sys
import numpy as np
path, kind, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = np.random.default_rng(seed)
x = rng.normal(size=(n, 3)) if kind == "normal" else rng.uniform(0, 40, size=(n, 2))
np.save(path, x)
PY
}

ours() { # ours TAG X [extra knn options]: prints "plan+search whole"
  local tag="$1" x="$2"
  shift 2
  rm -f "$tag.jsonl" "$tag-i.npy" "$tag-d.npy"
  sync # the files earlier runs wrote go to disk first, not during this one
  /usr/bin/time -f "%e" -o "$tag.time" "$ct" knn --coords "$x" --metric euclidean --k 30 --all \
    --out-indices "$tag-i.npy" --out-distances "$tag-d.npy" --quiet --telemetry "$tag.jsonl" "$@"
  python3 - "$tag.jsonl" "$(cat "$tag.time")" <<'PY'
import json, sys
ph = {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    ph[o["phase"]] = o
print(f'{ph["plan"]["seconds"] + ph["search"]["seconds"]:.3f} {float(sys.argv[2]):.2f}')
PY
}

same_answer() { # same_answer X OURS_I.npy PEER_IDS (.bin raw int64 or .npy) LABEL
  python3 - "$@" <<'PY'
import sys
import numpy as np
x = np.load(sys.argv[1])
ours = np.load(sys.argv[2])
peer = np.load(sys.argv[3]) if sys.argv[3].endswith(".npy") else np.fromfile(sys.argv[3], dtype=np.int64).reshape(ours.shape)
rows = np.flatnonzero((ours != peer).any(axis=1))
for r in rows:
    d = lambda ids: np.sort(np.sqrt(((x[ids[ids >= 0]] - x[r]) ** 2).sum(axis=1)))
    if not np.allclose(d(ours[r]), d(peer[r]), rtol=1e-12, atol=0):
        sys.exit(f"{sys.argv[4]}: row {r} differs from ours beyond ties")
PY
}

csv="$out/euclidean.csv"
vcsv="$out/vecchia.csv"
echo "job,n,round,ours_compute_s,ours_whole_s,nanoflann_s,scipy_s,nanoflann_ratio_compute,nanoflann_ratio_whole,scipy_ratio_whole" >"$csv"
echo "n,round,pred_compute_s,pred_whole_s,all_compute_s,pred_over_all,scipy_prefix_whole_s,scipy_ratio_whole" >"$vcsv"
for job in $jobs; do
  case "$job" in
    E1) n=$((1 << 20)); kind=normal; seed=11 ;;
    E2) n=$((1 << 18)); kind=uniform; seed=123 ;;
    E3) n=$((1 << 22)); kind=uniform; seed=5 ;;
    P*) e=${job#P}; n=$((1 << e)); kind=uniform; seed=$e ;;
    *) echo "euclidean.sh: unknown job $job (E1 E2 E3 Pe)" >&2; exit 2 ;;
  esac
  x="$out/$job.npy"
  points "$x" "$kind" "$n" "$seed"
  for ((r = 1; r <= rounds; r++)); do
    if [[ "$job" == E* ]]; then
      read -r oc ow < <(ours "$out/$job" "$x")
      sync
      nfs=$("$nf" "$x" 30 "$threads" "$out/$job-nf.bin")
      same_answer "$x" "$out/$job-i.npy" "$out/$job-nf.bin" nanoflann
      sync
      sps=$(python3 - "$x" "$out/$job-sp.npy" <<'PY'
import sys, time
import numpy as np
from scipy.spatial import cKDTree
x = np.load(sys.argv[1])
t = time.perf_counter()
_, i = cKDTree(x).query(x, k=31, workers=-1)
print(f"{time.perf_counter() - t:.3f}")
np.save(sys.argv[2], i[:, 1:])
PY
)
      same_answer "$x" "$out/$job-i.npy" "$out/$job-sp.npy" scipy
      python3 -c "import sys; oc, ow, nf, sp = map(float, sys.argv[1:]); print(f'$job,$n,$r,{oc},{ow},{nf},{sp},{nf/oc:.3f},{nf/ow:.3f},{sp/ow:.3f}')" \
        "$oc" "$ow" "$nfs" "$sps" >>"$csv"
    else
      read -r pc pw < <(ours "$out/$job-pred" "$x" --predecessor)
      read -r ac _ < <(ours "$out/$job-all" "$x")
      rm -f "$out/$job-prefix.npy"
      sync
      /usr/bin/time -f "%e" -o "$out/$job-prefix.time" python3 "$here/bench/peers/gpgp_prefix_knn.py" "$x" 30 \
        "$out/$job-prefix.npy"
      same_answer "$x" "$out/$job-pred-i.npy" "$out/$job-prefix.npy" "scipy prefix"
      sw=$(cat "$out/$job-prefix.time")
      python3 -c "import sys; pc, pw, ac, sw = map(float, sys.argv[1:]); print(f'$n,$r,{pc},{pw},{ac},{pc/ac:.3f},{sw},{sw/pw:.3f}')" \
        "$pc" "$pw" "$ac" "$sw" >>"$vcsv"
    fi
  done
done

mcsv="$out/maxmin.csv"
echo "n,threads,round,order_s" >"$mcsv"
for e in $order_exps; do
  x="$out/O$e.npy"
  points "$x" uniform $((1 << e)) "$e"
  for ((r = 1; r <= rounds; r++)); do
    for t in 1 2; do
      ours "$out/O$e-t$t" "$x" --predecessor --order maxmin --threads "$t" >/dev/null
      python3 - "$out/O$e-t$t.jsonl" $((1 << e)) "$t" "$r" >>"$mcsv" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o["phase"] == "order":
        print(f'{sys.argv[2]},{sys.argv[3]},{sys.argv[4]},{o["seconds"]:.3f}')
PY
    done
  done
done
for f in "$csv" "$vcsv" "$mcsv"; do
  column -s, -t <"$f"
  echo
done
