#!/usr/bin/env bash
# V larger than the memory the process may use (issue 7), without needing a disk larger than RAM: the
# job runs in a memory cgroup whose limit (page cache of the mapped files included) is a fraction of V.
# Prepares V (N x m, f4) under the limit, then finds the neighbours of Q sampled ids twice: under the
# limit and without it, and checks that both output files are identical. Needs root and a cgroup v1
# memory controller or cgroup v2 (as on the CI machine); not part of the default test run.
#   bash bench/beyond-ram.sh [OUT] [N] [M] [LIMIT_MB] [Q]
#   bash bench/beyond-ram.sh /tmp/beyond-ram 4194304 256 1024 1024
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/covertree-beyond-ram}"
n="${2:-4194304}"
m="${3:-256}"
limit_mb="${4:-1024}"
q="${5:-1024}"
ct="$here/covertree"
mkdir -p "$out"
export COVERTREE_JAVA_OPTS="-Xmx256m"

cg=""
if [[ -d /sys/fs/cgroup/memory && -w /sys/fs/cgroup/memory ]]; then
  cg=/sys/fs/cgroup/memory/covertree-beyond-ram
  mkdir -p "$cg"
  echo $((limit_mb * 1024 * 1024)) > "$cg/memory.limit_in_bytes"
  limit_file="$cg/memory.limit_in_bytes"; peak_file="$cg/memory.max_usage_in_bytes"
elif [[ -w /sys/fs/cgroup/cgroup.subtree_control || -d /sys/fs/cgroup/unified ]]; then
  root=/sys/fs/cgroup; [[ -d /sys/fs/cgroup/unified ]] && root=/sys/fs/cgroup/unified
  cg=$root/covertree-beyond-ram
  mkdir -p "$cg"
  echo $((limit_mb * 1024 * 1024)) > "$cg/memory.max"
  limit_file="$cg/memory.max"; peak_file="$cg/memory.peak"
else
  echo "beyond-ram: no writable memory cgroup here; run as root on Linux" >&2
  exit 2
fi

limited() { # runs "$@" inside the cgroup
  bash -c 'echo $$ > "$1/cgroup.procs"; shift; exec "$@"' _ "$cg" "$@"
}

x="$out/x.npy"; v="$out/v.npy"; p="$out/p.npy"; ids="$out/ids.npy"
[[ -f "$x" ]] || "$ct" generate --n "$n" --out "$x" --quiet >/dev/null
python3 -c "import numpy as np; np.save('$ids', np.sort(np.random.default_rng(7).choice($n, $q, replace=False)).astype(np.int64))"
echo "N = $n, m = $m: V is $((n * m * 4 / 1048576)) MB (f4); memory limit $limit_mb MB (page cache included)"
limited /usr/bin/time -f "prepare under the limit: %e s, peak RSS %M KB" "$ct" prepare --coords "$x" --kernel rbf \
    --inducing "$m" --out-v "$v" --out-p "$p" --force --quiet
for run in limited free; do
  cmd=("$ct" knn --coords "$x" --v "$v" --p "$p" --kernel rbf --k 30 --query-ids "$ids" --predecessor --engine brute
       --out-indices "$out/i-$run.npy" --out-distances "$out/d-$run.npy" --force --quiet)
  if [[ $run == limited ]]; then
    limited /usr/bin/time -f "knn under the limit: %e s, peak RSS %M KB" "${cmd[@]}"
  else
    /usr/bin/time -f "knn without a limit: %e s, peak RSS %M KB" "${cmd[@]}"
  fi
done
echo "cgroup peak (RSS + page cache): $(( $(cat "$peak_file") / 1048576 )) MB of $(( $(cat "$limit_file") / 1048576 )) MB"
cmp "$out/i-limited.npy" "$out/i-free.npy" && cmp "$out/d-limited.npy" "$out/d-free.npy" \
  && echo "identical answers under the limit and without it"
