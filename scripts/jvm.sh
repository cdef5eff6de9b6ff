# Sourced by the launcher and the scripts that start JVMs: find_jdk prints the newest JDK >= $min_java (JAVA_HOME
# first, then the usual install folders), or nothing; spark_flags and spark_jars what a JVM running Spark needs.
# locate_jdk and read_java_major set variables instead of printing: the launcher runs before every command, and
# on some virtual machines each process it starts (a command substitution's subshell, sed) costs milliseconds.

read_java_major() { # sets JAVA_MAJOR to the feature version of the JDK at $1, or to nothing
  local rel="$1/release" line
  JAVA_MAJOR=""
  [[ -x "$1/bin/java" && -f "$rel" ]] || return 0
  while IFS= read -r line || [[ -n "$line" ]]; do
    if [[ "$line" =~ ^JAVA_VERSION=\"([0-9]+) ]]; then
      JAVA_MAJOR="${BASH_REMATCH[1]}"
      return 0
    fi
  done <"$rel"
}

java_major() { # prints the feature version of the JDK at $1, or nothing
  read_java_major "$1"
  [[ -n "$JAVA_MAJOR" ]] && echo "$JAVA_MAJOR"
  return 0
}

locate_jdk() { # sets JDK to the newest JDK >= $min_java (JAVA_HOME first), or to nothing
  local best="" best_v=0 d
  JDK=""
  if [[ -n "${JAVA_HOME:-}" ]]; then
    read_java_major "$JAVA_HOME"
    if [[ -n "$JAVA_MAJOR" && "$JAVA_MAJOR" -ge $min_java ]]; then JDK="$JAVA_HOME"; return; fi
  fi
  for d in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk*; do
    [[ -d "$d" ]] || continue
    read_java_major "$d"
    if [[ -n "$JAVA_MAJOR" && "$JAVA_MAJOR" -ge $min_java && "$JAVA_MAJOR" -gt $best_v ]]; then best="$d"; best_v=$JAVA_MAJOR; fi
  done
  JDK="$best"
}

find_jdk() {
  locate_jdk
  echo "$JDK"
}


# spark_flags HERE JDK: the JVM flags Spark code needs (the spark module's, and on JDK 24+ leave for Spark's
# sun.misc.Unsafe memory access, which those JDKs warn about on every run), space-separated
spark_flags() {
  local f
  read -r -a f <"$1/spark/target/jvm-flags.txt"
  read_java_major "$2"
  [[ "${JAVA_MAJOR:-0}" -ge 24 ]] && f+=(--sun-misc-unsafe-memory-access=allow)
  echo "${f[*]}"
}

# spark_jars HERE: Spark and its dependencies, one jar a line: the spark module's resolved class path without
# this project's own jars (a cluster has those only when a job ships them)
spark_jars() {
  tr ':' '\n' <"$1/spark/target/classpath.txt" | grep -v "^$1/" || true
}
