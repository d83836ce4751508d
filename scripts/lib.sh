# Shared by the scripts: find a JDK >= 21 and the repository root. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }

find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for d in /usr/lib/jvm/*; do [ -x "$d/bin/javac" ] && candidates+=("$d"); done
  local best="" best_v=0
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    local v; v="$(java_major "$c")"
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then
      # JAVA_HOME wins when it qualifies; otherwise take the newest
      if [ "$c" = "${JAVA_HOME:-}" ]; then best="$c"; best_v=999; elif [ "$v" -gt "$best_v" ]; then best="$c"; best_v="$v"; fi
    fi
  done
  if [ -z "$best" ]; then
    echo "foresight: no JDK >= 21 found (looked at JAVA_HOME and /usr/lib/jvm/*). Install one, e.g. 'apt-get install openjdk-21-jdk', or set JAVA_HOME." >&2
    exit 1
  fi
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
}

# Builds the modules when any source, resource or pom is newer than the last build.
ensure_built() {
  local stamp="$ROOT/app/target/.built"
  if [ -f "$stamp" ] && [ -z "$(find "$ROOT" -path '*/target' -prune -o -path "$ROOT/data" -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$stamp" -print -quit)" ]; then
    return 0
  fi
  command -v mvn >/dev/null || { echo "foresight: Maven (mvn) is required to build; apt-get install maven" >&2; exit 1; }
  echo "foresight: building (first run takes a few minutes: dependencies and the Vosk model come from Maven Central)..." >&2
  (cd "$ROOT" && mvn -q -B -DskipTests install) >&2
  touch "$stamp"
}

JAVA_OPTS_DEFAULT=(--enable-native-access=ALL-UNNAMED -XX:+UseZGC -Xss512k)
# The server's heap (serve). Unset, the JVM takes a quarter of the machine's RAM (6 GB of 24 GB) and ZGC lets garbage
# fill it: 2.5-5.6 GB resident under SIPp load, of which 112-120 MB was live after a full GC (docs/BENCHMARKS.md,
# "Memory"). 1 GB holds 300 concurrent speaking callers; FORESIGHT_HEAP=2g (any -Xmx size) overrides it.
SERVE_HEAP_OPTS=("-Xmx${FORESIGHT_HEAP:-1g}")
