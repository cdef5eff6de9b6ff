# Sourced by the launcher and the scripts that start JVMs: find_jdk prints the newest JDK >= $min_java (JAVA_HOME
# first, then the usual install folders), or nothing; spark_flags and spark_jars what a JVM running Spark needs.
java_major() { # prints the feature version of the JDK at $1, or nothing
  local rel="$1/release" v
  [[ -x "$1/bin/java" && -f "$rel" ]] || return 0
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel")
  [[ -n "$v" ]] && echo "$v"
}

find_jdk() {
  local v best="" best_v=0 d
  if [[ -n "${JAVA_HOME:-}" ]]; then
    v=$(java_major "$JAVA_HOME")
    if [[ -n "$v" && "$v" -ge $min_java ]]; then echo "$JAVA_HOME"; return; fi
  fi
  for d in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk*; do
    [[ -d "$d" ]] || continue
    v=$(java_major "$d")
    if [[ -n "$v" && "$v" -ge $min_java && "$v" -gt $best_v ]]; then best="$d"; best_v=$v; fi
  done
  echo "$best"
}


# spark_flags HERE JDK: the JVM flags Spark code needs (the spark module's, and on JDK 24+ leave for Spark's
# sun.misc.Unsafe memory access, which those JDKs warn about on every run), space-separated
spark_flags() {
  local f
  read -r -a f <"$1/spark/target/jvm-flags.txt"
  [[ "$(java_major "$2")" -ge 24 ]] && f+=(--sun-misc-unsafe-memory-access=allow)
  echo "${f[*]}"
}

# spark_jars HERE: Spark and its dependencies, one jar a line: the spark module's resolved class path without
# this project's own jars (a cluster has those only when a job ships them)
spark_jars() {
  tr ':' '\n' <"$1/spark/target/classpath.txt" | grep -v "^$1/" || true
}
