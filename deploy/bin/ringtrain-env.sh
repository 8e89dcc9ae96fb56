# Shared by the launchers: where the build lives and the JVM flags every ringtrain JVM needs.
# shellcheck shell=bash
RINGTRAIN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The build's output by its physical path: a checkout reached through a symbolic link (a folder that
# links deploy/ in) runs the same class path as the checkout itself, so its JVMs map the same
# class-data-sharing archive instead of writing one of their own.
RINGTRAIN_TARGET="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)/target"
RINGTRAIN_JAR="$RINGTRAIN_TARGET/ringtrain.jar"
RINGTRAIN_LIB="$RINGTRAIN_TARGET/lib"
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
# The JDK, for the class-data-sharing archive's name: java.base's version and the java binary's path.
RINGTRAIN_JAVA_ID="$(head -1 <<<"$java_base") $(readlink -f "$(command -v java)" 2>/dev/null || true)"
unset java_base

# Class-data sharing (CDS): a JVM start maps the classes an earlier start of the same build loaded
# (Spark's, Hadoop's, ours) from an archive instead of reading, parsing and verifying them again, which
# saves seconds of CPU on every command. One archive per JDK, JVM flags and class path, in
# RINGTRAIN_CDS_DIR (default deploy/target/cds, so mvn clean removes it; deleting the folder clears
# it; RINGTRAIN_CDS=0 turns it off). Its name is a hash of the JDK, the flags and the class path's jars
# (name, size, time): a rebuild or another JDK gets a new archive and never maps a stale one.
# The first start without one writes it as it exits (that start is slower: the JVM dumps its classes;
# a start that only prints help writes none, as it loads too few classes), under a name of its own, ID.PID.tmp (the launchers exec the JVM, so PID is the JVM's).
# One start at a time writes it: a start claims the dump by creating ID.dumping (its PID) and
# starts that come while that PID lives run without an archive, as a cluster's master and workers
# start at once and each dump would cost as much CPU as the first (only one would be kept). A claim
# whose JVM is gone without a dump (killed) passes to the next start. A later start
# checks a finished one (its JVM gone) with -Xshare:on, in a JVM of its own, and only then renames it
# into place: no JVM ever maps a half-written archive (JDK 17 crashes on one).
# The launchers of ringtrain's command line (--job) keep only the dump of a start that ran a Spark job
# and succeeded, which marks it as it exits (ID.PID.tmp.ok, io.ringtrain.jobs.cli.ClassDataArchive): a
# start refused for bad input, or one that needs no Spark, loads a small part of the classes a job
# loads, and an archive of those would leave every later start to load the rest from the jars.
# A later start throws an unmarked dump away, and the next start that may dumps instead.
# ringtrain_cds_flags [--job] CLASSPATH ARGS...: sets RINGTRAIN_CDS_FLAGS for a JVM with
# RINGTRAIN_JAVA_FLAGS on CLASSPATH that is given ARGS.
ringtrain_cds_flags() {
  RINGTRAIN_CDS_FLAGS=""
  [[ "${RINGTRAIN_CDS:-1}" != 0 ]] || return 0
  local job=""
  [[ "$1" != --job ]] || { job=1; shift; }
  local cp="$1" arg help=""; shift
  for arg in "$@"; do [[ "$arg" == -h || "$arg" == --help || "$arg" == -V || "$arg" == --version ]] && help=1; done
  local dir="${RINGTRAIN_CDS_DIR:-$RINGTRAIN_TARGET/cds}"
  { mkdir -p "$dir" && [[ -w "$dir" ]]; } 2>/dev/null || return 0
  local entries entry files=()
  IFS=: read -ra entries <<<"$cp"
  for entry in "${entries[@]}"; do
    if [[ "$entry" == */\* ]]; then files+=("${entry%\*}"*.jar); else files+=("$entry"); fi
  done
  local id
  id="$({ echo "$RINGTRAIN_JAVA_ID"; echo "$RINGTRAIN_JAVA_FLAGS"; echo "$cp"; stat -L -c '%n %s %Y' "${files[@]}" 2>&1; } | sha1sum | cut -c1-20)"
  local archive="$dir/$id.jsa" claim="$dir/$id.dumping" tmp name pid
  # The finished dumps (their JVM gone; ID.PID.tmp): this ID's first, while no archive is in place,
  # becomes the archive once it maps. A dump of an ID whose archive is in place goes (about 150 MB):
  # a JVM that started before its archive was in place dumps its own when it exits, however long it
  # ran. Other IDs' dumps wait for their own starts to check them.
  for tmp in "$dir"/*.tmp; do
    [[ -f "$tmp" ]] || continue
    name="${tmp##*/}"; pid="${name%.tmp}"; pid="${pid##*.}"
    ringtrain_pid_alive "$pid" && continue
    if [[ -f "$dir/${name%%.*}.jsa" ]]; then
      rm -f "$tmp" "$tmp.ok"
      continue
    fi
    [[ "$name" == "$id".* ]] || continue
    if [[ -n "$job" && ! -f "$tmp.ok" ]]; then
      rm -f "$tmp"
      continue
    fi
    # shellcheck disable=SC2086
    if java $RINGTRAIN_JAVA_FLAGS -Xshare:on "-XX:SharedArchiveFile=$tmp" -XX:-CreateCoredumpOnCrash -XX:ErrorFile=/dev/null \
         -cp "$cp" -version >/dev/null 2>&1; then
      # Two starts at once may both check it: the one that renames it second finds it gone, and in place.
      mv -f "$tmp" "$archive" 2>/dev/null || true
      rm -f "$tmp.ok"
      # Older builds' archives go (about 150 MB each); the newest few stay, for other JDKs and class paths.
      { find "$dir" -maxdepth 1 -name '*.jsa' -printf '%T@ %p\n' | sort -rn | tail -n +7 | cut -d' ' -f2- | xargs -r rm -f; } 2>/dev/null || true
    else
      rm -f "$tmp" "$tmp.ok"
    fi
  done
  # A marker whose dump never came (its JVM killed as it dumped, after it marked).
  for tmp in "$dir"/*.tmp.ok; do
    [[ -f "$tmp" && ! -f "${tmp%.ok}" ]] || continue
    pid="${tmp%.tmp.ok}"; pid="${pid##*.}"
    ringtrain_pid_alive "$pid" || rm -f "$tmp"
  done
  # -Xshare:auto: a JVM that cannot map the archive runs without it; the cds logs are off, as the
  # dump warns once per class it leaves out.
  local quiet="-Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off"
  if [[ -f "$archive" ]]; then
    rm -f "$claim"
    RINGTRAIN_CDS_FLAGS="-XX:SharedArchiveFile=$archive $quiet"
  elif [[ -z "$help" ]] && ringtrain_cds_claim "$claim"; then
    RINGTRAIN_CDS_FLAGS="-XX:ArchiveClassesAtExit=$dir/$id.$$.tmp $quiet"
    [[ -z "$job" ]] || RINGTRAIN_CDS_FLAGS="$RINGTRAIN_CDS_FLAGS -Dringtrain.cds.dump=$dir/$id.$$.tmp"
  fi
}

# ringtrain_cds_claim FILE: true when this start ($$) now holds the dump's claim FILE. A claim whose
# process is gone is taken over; the file is created with noclobber, so of two starts at once one wins.
ringtrain_cds_claim() {
  local claim="$1" holder
  holder="$(cat "$claim" 2>/dev/null || true)"
  if [[ -n "$holder" ]]; then
    [[ "$holder" == "$$" ]] && return 0
    ringtrain_pid_alive "$holder" && return 1
    rm -f "$claim"
  fi
  (set -o noclobber; echo "$$" >"$claim") 2>/dev/null
}

# ringtrain_pid_alive PID: the process lives (also one of another user, which kill -0 may not signal).
ringtrain_pid_alive() {
  [[ "$1" =~ ^[0-9]+$ ]] && { kill -0 "$1" 2>/dev/null || [[ -d "/proc/$1" ]]; }
}

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
