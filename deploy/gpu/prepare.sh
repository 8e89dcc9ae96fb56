#!/usr/bin/env bash
# Prepares a GPU run on the development machine (issue 9): builds the engine, jlinks a Java runtime
# into .jre/ and copies what the GPU machine needs into .gpu/ (engine jar, test classes, runtime
# dependency jars including the JavaCPP CUDA bindings, the JUnit console launcher, the device script
# and the PyTorch reference script). Both folders are git-ignored.
#
# Usage: deploy/gpu/prepare.sh [STAGE_DIR]
#   STAGE_DIR  the checkout that the device tool sends (default: this repository). A helper working
#              in another worktree stages into the session's own checkout, which the tool sends.
# Then, on the GPU machine, from STAGE_DIR with .jre and .gpu carried:  bash .gpu/device-run.sh
# The device tool carries at most 64 MiB in all (working tree + carried folders); this script fails
# when the total would exceed 60 MiB.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
stage="$(cd "${1:-$root}" && pwd)"
JAVA25="${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
MVN_OFFLINE="${MVN_OFFLINE:--o}"          # MVN_OFFLINE= (empty) to let Maven download
junit_console="org.junit.platform:junit-platform-console-standalone:1.11.4"

cd "$root"
echo "prepare: building engine" >&2
mvn -B $MVN_OFFLINE -q -pl engine install -DskipTests

rm -rf "$stage/.gpu"
mkdir -p "$stage/.gpu/lib"
cp $(ls engine/target/ringtrain-engine-*.jar | grep -v -e sources -e tests) "$stage/.gpu/lib/"
cp -r engine/target/test-classes "$stage/.gpu/test-classes"
(cd engine && mvn -B $MVN_OFFLINE -q dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$stage/.gpu/lib")
mvn -B $MVN_OFFLINE -q dependency:copy -Dartifact="$junit_console" -DoutputDirectory="$stage/.gpu/lib"
cp deploy/gpu/device-run.sh tools/bench/gpu_step_ref.py "$stage/.gpu/"

# The GPU machine has no Java (docs/cuda.md): a jlinked JDK 25 runtime. java.xml is for
# the JUnit launcher's XML report, jdk.zipfs for its scan of jars. Stripping libjvm.so's symbols saves 5 MB of the carry limit.
# Rebuilt when missing or older than the JDK; rm -rf .jre after changing the module list.
if [[ ! -x "$stage/.jre/bin/java" || "$stage/.jre/release" -ot "$JAVA25/release" ]]; then
  rm -rf "$stage/.jre"
  "$JAVA25/bin/jlink" --add-modules java.base,jdk.incubator.vector,java.logging,java.management,jdk.unsupported,java.xml,jdk.zipfs \
    --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$stage/.jre" 2>/dev/null
  strip --strip-unneeded "$stage/.jre/lib/server/libjvm.so" 2>/dev/null || true
fi

# Keep both folders out of git in the staged checkout (worktrees share the common dir's exclude file).
exclude="$(git -C "$stage" rev-parse --git-common-dir)/info/exclude"
case "$exclude" in /*) ;; *) exclude="$stage/$exclude";; esac
mkdir -p "$(dirname "$exclude")"
for p in /.gpu/ /.jre/; do grep -qxF "$p" "$exclude" 2>/dev/null || echo "$p" >> "$exclude"; done

# What the device tool sends: tracked files + untracked files git does not ignore + the carried folders.
tree_bytes=$(cd "$stage" && git ls-files -z --cached --others --exclude-standard | xargs -0 -r stat -c %s 2>/dev/null | awk '{s+=$1} END {print s+0}')
carry_bytes=$(du -sb "$stage/.jre" "$stage/.gpu" | awk '{s+=$1} END {print s}')
total=$((tree_bytes + carry_bytes))
printf 'prepare: staged in %s: working tree %d MiB + .jre/.gpu %d MiB = %d MiB (limit 64 MiB)\n' \
  "$stage" $((tree_bytes >> 20)) $((carry_bytes >> 20)) $((total >> 20)) >&2
(( total < 60 * 1024 * 1024 )) || { echo "prepare: over 60 MiB; drop jars from .gpu/lib or compress .jre" >&2; exit 1; }
echo "prepare: run on the GPU machine with carry [\".jre\", \".gpu\"]:  bash .gpu/device-run.sh" >&2
