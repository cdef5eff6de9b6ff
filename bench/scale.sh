#!/usr/bin/env bash
# The scale benchmark (issue 7; not part of the default test run): the all-points predecessor job
# (k = 30) at growing N, with the heap capped at 256 MiB while the data, tree and outputs live off-heap
# or in mapped files. Prints a Markdown table and the fitted exponent of time against N; raw rows go to
# OUT/scale.csv.
#   bash bench/scale.sh [OUT] [EUCLID_EXPONENTS] [RESIDUAL_EXPONENTS] [M_VALUES] [RESIDUAL_ENGINE]
#   bash bench/scale.sh /tmp/scale "18 20 22" "14 15 16" "64 256" auto
# An empty exponent list skips that metric. Appends to OUT/scale.csv, so runs can be split.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/covertree-scale}"
eu_exps="${2-18 20 22}"
res_exps="${3-14 15 16}"
ms="${4-64 256}"
res_engine="${5:-auto}"
mkdir -p "$out"
ct="$here/covertree"
export COVERTREE_JAVA_OPTS="-Xmx256m"
csv="$out/scale.csv"
[[ -f "$csv" ]] || echo "metric,m,n,engine,prepare_s,plan_s,search_s,distances_per_query,peak_rss_mb,heap_peak_mb" > "$csv"

phase() { # phase FILE NAME FIELD
  python3 -c "import json,sys
for l in open('$1'):
    o=json.loads(l)
    if o['phase']=='$2': print(o.get('$3', 0))" | tail -1
}

run() { # run METRIC M N EXTRA...
  local metric=$1 m=$2 n=$3; shift 3
  local x="$out/x-$n.npy" tel="$out/tel-$metric-$m-$n.jsonl"
  [[ -f "$x" ]] || "$ct" generate --n "$n" --out "$x" --quiet >/dev/null
  rm -f "$tel"
  /usr/bin/time -v "$ct" knn --coords "$x" --metric "$metric" "$@" --k 30 --all --predecessor \
      --out-indices "$out/i.npy" --out-distances "$out/d.npy" --force --quiet --telemetry "$tel" \
      > "$out/log-$metric-$m-$n.txt" 2> "$out/time-$metric-$m-$n.txt"
  local rss prep build search dist heap engine
  rss=$(awk '/Maximum resident set size/ {print int($6/1024)}' "$out/time-$metric-$m-$n.txt")
  prep=$(phase "$tel" prepare seconds); build=$(phase "$tel" plan seconds); search=$(phase "$tel" search seconds)
  dist=$(python3 -c "print(round($(phase "$tel" search distance_evaluations)/$n, 1))")
  heap=$(phase "$tel" search heap_peak_mb); engine=$(phase "$tel" search engine)
  echo "$metric,$m,$n,$engine,${prep:-0},${build:-0},$search,$dist,$rss,$heap" | tee -a "$csv"
}

for e in $eu_exps; do run euclidean 0 $((1 << e)); done
for m in $ms; do
  for e in $res_exps; do run residual "$m" $((1 << e)) --kernel rbf --inducing "$m" --engine "$res_engine"; done
done

python3 - "$csv" <<'PY'
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("\n| metric | m | N | engine | prepare s | plan s (tree build + AUTO's sample) | search s | distances/query | peak RSS MB | heap peak MB |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['metric']} | {r['m']} | {int(r['n'])} | {r['engine']} | {float(r['prepare_s']):.2f} | {float(r['plan_s']):.2f} | {float(r['search_s']):.2f} | "
          f"{r['distances_per_query']} | {r['peak_rss_mb']} | {float(r['heap_peak_mb']):.0f} |")
groups = {}
for r in rows:
    total = float(r['plan_s']) + float(r['search_s'])
    groups.setdefault((r['metric'], r['m'], r['engine']), []).append((math.log(float(r['n'])), math.log(total)))
for (metric, m, engine), pts in groups.items():
    if len(pts) > 1:
        mx = sum(p[0] for p in pts) / len(pts); my = sum(p[1] for p in pts) / len(pts)
        slope = sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)
        print(f"\n{metric} m={m} {engine}: plan + search time grows as N^{slope:.2f}")
PY
