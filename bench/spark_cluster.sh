#!/usr/bin/env bash
# A Spark standalone cluster on this machine, for trying `knn --spark spark://...` the way a real cluster runs
# it: a master and WORKERS workers on 127.0.0.1, each its own JVM, executors launched by the workers as
# separate JVMs, from the Spark jars Maven resolved for the spark module (no Spark download needed). The
# cluster has Spark's jars only; the job ships this project's own (spark.jars).
#
#   bash bench/spark_cluster.sh start DIR [WORKERS] [CORES]   # prints the master URL
#   bash bench/spark_cluster.sh stop DIR                      # stops what start started, nothing else
#
# DIR holds the cluster's SPARK_HOME (jars/ links to the resolved jars), logs, work folders and pids.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cmd="${1:-}"
dir="${2:-}"
workers="${3:-2}"
cores="${4:-1}"
[[ -n "$cmd" && -n "$dir" ]] || { sed -n '2,10p' "$0" >&2; exit 2; }

stop() {
  [[ -f "$dir/pids" ]] || { echo "spark_cluster.sh: no cluster started in $dir" >&2; return 0; }
  # workers first (a worker stops its executors as it goes), the master last
  tac "$dir/pids" | while read -r pid; do
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -f "$dir/pids"
}

case "$cmd" in
  stop) stop; exit 0 ;;
  start) ;;
  *) echo "spark_cluster.sh: start or stop, not '$cmd'" >&2; exit 2 ;;
esac

[[ ! -f "$dir/pids" ]] || { echo "spark_cluster.sh: a cluster runs in $dir already (stop it first)" >&2; exit 1; }
min_java=22
source "$here/scripts/jvm.sh"
jdk=$(find_jdk)
[[ -n "$jdk" ]] || { echo "spark_cluster.sh: no JDK >= $min_java found" >&2; exit 1; }
# the spark module and its resolved class path (the launcher builds them for any --spark run)
"$here/covertree" knn --spark local[1] --help >/dev/null
home="$dir/spark-home"
rm -rf "$home"
mkdir -p "$home/jars" "$dir/logs"
# Spark and its dependencies only: this project's jars reach the executors with the job
spark_jars "$here" | while read -r jar; do ln -sf "$jar" "$home/jars/"; done
read -r -a flags <<<"$(spark_flags "$here" "$jdk")"
export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13 JAVA_HOME="$jdk"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
java=("$jdk/bin/java" "${flags[@]}" -Xmx512m -cp "$home/jars/*")
"${java[@]}" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port "$(free_port)" \
  >"$dir/logs/master.log" 2>&1 &
echo $! >"$dir/pids"
url="spark://127.0.0.1:$port"
for _ in $(seq 100); do grep -qs "I have been elected leader" "$dir/logs/master.log" && break; sleep 0.2; done
grep -qs "I have been elected leader" "$dir/logs/master.log" \
  || { echo "spark_cluster.sh: the master did not start; see $dir/logs/master.log" >&2; stop; exit 1; }
for ((w = 1; w <= workers; w++)); do
  mkdir -p "$dir/work-$w"
  "${java[@]}" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores "$cores" --memory 4g \
    --work-dir "$dir/work-$w" --webui-port "$(free_port)" "$url" >"$dir/logs/worker-$w.log" 2>&1 &
  echo $! >>"$dir/pids"
done
for ((w = 1; w <= workers; w++)); do
  for _ in $(seq 100); do grep -qs "Successfully registered with master" "$dir/logs/worker-$w.log" && break; sleep 0.2; done
  grep -qs "Successfully registered with master" "$dir/logs/worker-$w.log" \
    || { echo "spark_cluster.sh: worker $w did not register; see $dir/logs/worker-$w.log" >&2; stop; exit 1; }
done
echo "$url"
