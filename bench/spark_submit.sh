#!/usr/bin/env bash
# Submits `covertree knn` to a Spark master the way cluster users run jobs: Spark's own submit client
# (org.apache.spark.deploy.SparkSubmit, client mode, from the Spark jars Maven resolved for the spark module)
# with the cli jar as the application and the other jars of this project as --jars, which Spark ships to the
# executors. The knn options are the tool's; --spark is set to MASTER.
#
#   bash bench/spark_submit.sh MASTER KNN-OPTIONS...
#   bash bench/spark_submit.sh spark://127.0.0.1:7077 --coords file:///data/x.npy --metric euclidean --k 30 \
#       --all --out-indices I.npy --out-distances D.npy --out-parquet file:///data/neighbours.parquet
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ $# -ge 2 ]] || { sed -n '2,9p' "$0" >&2; exit 2; }
master="$1"
shift
min_java=22
source "$here/scripts/jvm.sh"
jdk=$(find_jdk)
[[ -n "$jdk" ]] || { echo "spark_submit.sh: no JDK >= $min_java found" >&2; exit 1; }
"$here/covertree" knn --spark local[1] --help >/dev/null # builds the spark module and its class path
jar_of() { ls "$here/$1"/target/covertree-"$1"-*.jar | grep -v -e '-sources' -e '-javadoc' | head -1; }
mapfile -t spark_cp < <(spark_jars "$here")
picocli=$(tr ':' '\n' <"$here/cli/target/classpath.txt" | grep '/picocli-' | head -1)
jars="$(jar_of numpy-io),$(jar_of engine),$(jar_of spark),$picocli"
read -r -a flags <"$here/cli/target/jvm-flags.txt"
read -r -a spark_flags <<<"$(spark_flags "$here" "$jdk")"
flags+=("${spark_flags[@]}")
# client mode: the driver is this JVM, so it gets the flags itself; the executors get them by configuration
exec "$jdk/bin/java" "${flags[@]}" -cp "$(IFS=:; echo "${spark_cp[*]}")" org.apache.spark.deploy.SparkSubmit \
  --master "$master" --deploy-mode client --class dev.covertree.cli.Main --jars "$jars" \
  --conf "spark.executor.extraJavaOptions=${flags[*]}" "$(jar_of cli)" knn --spark "$master" "$@"
