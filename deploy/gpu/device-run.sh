#!/usr/bin/env bash
# Runs on the GPU machine (issue 9), from the root of the checkout that deploy/gpu/prepare.sh staged,
# with .jre and .gpu carried: the CUDA GPU tests (JUnit console launcher) and the gpu-step benchmark
# with its PyTorch reference. Writes under $OUT: gpu-run.log (everything), gpu-step.jsonl (the
# benchmark's JSON lines) and junit/ (the launcher's XML report). Exit status: non-zero if either failed.
set -uo pipefail
out="${OUT:-$PWD/gpu-out}"
mkdir -p "$out"
exec > >(tee "$out/gpu-run.log") 2>&1
echo "== $(date -u +%FT%TZ) ringtrain GPU run in $PWD"
nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used,clocks.sm,clocks.max.sm --format=csv || true

# The CUDA 13 libraries there live in PyTorch's nvidia-* wheels (ARCHITECTURE.md); libcuda.so.1 is the driver's.
libdirs="$(python3 - <<'PY'
import os
try:
    import nvidia
    roots = list(nvidia.__path__)
except Exception:
    roots = []
found = set()
for root in roots:
    for d, _, files in os.walk(root):
        if any(f.startswith(("libcudart.so", "libcublas", "libnvrtc")) for f in files):
            found.add(d)
print(":".join(sorted(found)))
PY
)"
for d in /usr/local/nvidia/lib64 /usr/local/cuda/lib64; do [[ -d "$d" ]] && libdirs="${libdirs:+$libdirs:}$d"; done
export LD_LIBRARY_PATH="${libdirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
IFS=: read -r -a dirs <<<"$libdirs"
for d in "${dirs[@]}"; do ls "$d" 2>/dev/null | grep -E '^lib(cudart|cublas|cublasLt|nvrtc|cuda)\.so' | sed "s|^|  $d/|"; done

java=.jre/bin/java
"$java" -version
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow
       -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp-cache -Xmx16g)
cp=".gpu/test-classes:$(ls .gpu/lib/*.jar | grep -v junit-platform-console-standalone | tr '\n' ':')"

echo "== GPU tests (package io.ringtrain.engine.cuda)"
timeout 240 "$java" "${flags[@]}" -jar .gpu/lib/junit-platform-console-standalone-*.jar execute \
  --class-path "$cp" --select-package io.ringtrain.engine.cuda --details=tree --disable-banner \
  --disable-ansi-colors --reports-dir "$out/junit" | tee "$out/junit-console.txt"
tests_rc=${PIPESTATUS[0]}
# On the GPU machine a skipped (aborted) GPU test means CUDA was not usable: count it as a failure.
aborted=$(sed -n 's/^\[ *\([0-9]*\) tests aborted.*/\1/p' "$out/junit-console.txt")
if [[ "${aborted:-0}" != 0 ]]; then
  echo "!! $aborted GPU tests were skipped: CUDA was not usable. Unresolved libraries of the JNI glue:"
  find /tmp/javacpp-cache -name 'libjni*.so' -exec sh -c 'echo "$1:"; ldd "$1" | grep "not found"' _ {} \;
  tests_rc=1
fi
rm -f "$out/junit-console.txt"

echo "== gpu-step benchmark"
RINGTRAIN_PYTHON=python3 timeout 150 "$java" "${flags[@]}" -cp "$cp" io.ringtrain.engine.cuda.bench.GpuStepBench \
  --ref-script .gpu/gpu_step_ref.py "$@" | tee "$out/gpu-step.jsonl"
bench_rc=${PIPESTATUS[0]}

echo "== summary: tests exit $tests_rc, benchmark exit $bench_rc"
cat "$out/gpu-step.jsonl"
exit $(( tests_rc != 0 || bench_rc != 0 ))
