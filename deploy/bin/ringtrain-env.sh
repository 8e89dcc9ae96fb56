# Shared by the launchers: where the build lives and the JVM flags every ringtrain JVM needs.
# shellcheck shell=bash
RINGTRAIN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RINGTRAIN_JAR="$RINGTRAIN_ROOT/deploy/target/ringtrain.jar"
RINGTRAIN_LIB="$RINGTRAIN_ROOT/deploy/target/lib"
# The Vector API module (SIMD kernels), and the opens Spark needs on Java 17+ outside spark-submit.
# --enable-native-access: Hadoop loads its native library, which JDK 22+ warns about on every start.
RINGTRAIN_JAVA_FLAGS="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false"
# Spark logs warnings only, one line each on the console, stack traces in the run folder's ringtrain.log
# (override with -Dlog4j2.configurationFile=... in RINGTRAIN_JAVA_OPTS)
RINGTRAIN_LOG_FLAGS="-Dlog4j2.configurationFile=classpath:ringtrain-log4j2.properties"
# Only packages this JDK's java.base has: newer JDKs dropped sun.security.action, and the JVM warns
# on every start about an --add-opens of a package it does not have.
java_base="$(java --describe-module java.base 2>/dev/null || true)"
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  if [[ -z "$java_base" ]] || grep -qE "^(qualified )?(exports|opens|contains) ${p//./\\.}( |$)" <<<"$java_base"; then
    RINGTRAIN_JAVA_FLAGS="$RINGTRAIN_JAVA_FLAGS --add-opens=java.base/$p=ALL-UNNAMED"
  fi
done
unset java_base

# Builds the artifact when it is missing or older than the sources (RINGTRAIN_NO_BUILD=1: never build,
# fail if it is missing; the tests and containers use that).
ringtrain_build_if_needed() {
  if [[ -n "${RINGTRAIN_NO_BUILD:-}" ]]; then
    [[ -f "$RINGTRAIN_JAR" && -d "$RINGTRAIN_LIB" ]] || { echo "ringtrain: $RINGTRAIN_JAR or $RINGTRAIN_LIB is missing and RINGTRAIN_NO_BUILD is set; run 'mvn -B package -DskipTests -pl deploy -am'" >&2; exit 1; }
    return 0
  fi
  if [[ ! -f "$RINGTRAIN_JAR" || ! -d "$RINGTRAIN_LIB" || -n "$(find "$RINGTRAIN_ROOT" -path '*/src/main/*' -newer "$RINGTRAIN_JAR" -print -quit 2>/dev/null)" ]]; then
    echo "ringtrain: building (mvn package, tests skipped; once)..." >&2
    (cd "$RINGTRAIN_ROOT" && mvn -B -q -ntp package -DskipTests -pl deploy -am) >&2 \
      || { echo "ringtrain: the build failed; run 'mvn -B package -DskipTests' to see why" >&2; exit 1; }
  fi
}
