#!/usr/bin/env bash
# Runs on the GPU machine (issue 9), from the root of the checkout that deploy/gpu/prepare.sh staged,
# with .jre and .gpu carried: every engine unit test with the GEMM offload installed
# (-Dringtrain.device=cuda; the CUDA GPU tests among them; JUnit console launcher) and the gpu-step
# benchmark with its PyTorch reference. Everything it runs comes from .gpu (jars and test classes built
# by prepare.sh), not from the checkout's sources. Writes under $OUT: gpu-run.log (everything),
# gpu-step.jsonl (the benchmark's JSON lines) and junit/ (the launcher's XML report). Exit status:
# non-zero if either failed. TESTS_TIMEOUT / BENCH_TIMEOUT (s) bound the two parts (240 / 200);
# TEST_DEVICE=auto tries the script on a machine without a GPU (the tests then run on the CPU).
set -uo pipefail
out="${OUT:-$PWD/gpu-out}"
mkdir -p "$out"
exec > >(tee "$out/gpu-run.log") 2>&1
echo "== $(date -u +%FT%TZ) ringtrain GPU run in $PWD"
nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used,clocks.sm,clocks.max.sm --format=csv || true

# The CUDA 13 libraries there live in PyTorch's nvidia-* wheels (see docs/cuda.md); libcuda.so.1 is the driver's.
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

# One JUnit session for every engine unit test (the *IT classes are not selected): with
# -Dringtrain.device=cuda the DeviceSessionListener makes the GEMM offload the session's default backend, and
# offloadMinWork=1 sends every non-empty GEMM to cuBLAS (FP32, so the CPU tolerances apply unchanged).
# The *GpuTest classes run in the same session. IdxReaderTest is excluded: it reads the full
# data/fashion-mnist and exercises no GPU code.
echo "== engine unit tests with the GEMM offload (-Dringtrain.device=cuda, FP32, every GEMM on the GPU)"
timeout "${TESTS_TIMEOUT:-240}" "$java" "${flags[@]}" -Dringtrain.device="${TEST_DEVICE:-cuda}" -Dringtrain.gemm.precision=fp32 \
  -Dringtrain.gemm.offloadMinWork=1 -jar .gpu/lib/junit-platform-console-standalone-*.jar execute \
  --class-path "$cp" --select-package io.ringtrain.engine --exclude-classname '.*IdxReaderTest' \
  --details=tree --details-theme=ascii --disable-banner --disable-ansi-colors --reports-dir "$out/junit" \
  2>&1 | tee "$out/junit-console.txt"
tests_rc=${PIPESTATUS[0]}
# On the GPU machine a skipped (aborted) GPU test means CUDA was not usable: count it as a failure.
aborted=$(sed -n 's/^\[ *\([0-9]*\) tests aborted.*/\1/p' "$out/junit-console.txt")
if [[ "${aborted:-0}" != 0 ]]; then
  echo "!! $aborted tests were skipped: CUDA was not usable. Unresolved libraries of the JNI glue:"
  find /tmp/javacpp-cache -name 'libjni*.so' -exec sh -c 'echo "$1:"; ldd "$1" | grep "not found"' _ {} \;
  tests_rc=1
fi
# The listener prints the offload's counters at the end; without them the GEMMs ran on the CPU.
if ! grep -q "at the end: GEMM offload" "$out/junit-console.txt"; then
  echo "!! no GEMM-offload summary from DeviceSessionListener: the tests did not run with the offload"
  tests_rc=1
fi
rm -f "$out/junit-console.txt"

echo "== gpu-step benchmark"
RINGTRAIN_PYTHON=python3 timeout "${BENCH_TIMEOUT:-200}" "$java" "${flags[@]}" -cp "$cp" io.ringtrain.engine.cuda.bench.GpuStepBench \
  --ref-script .gpu/gpu_step_ref.py "$@" | tee "$out/gpu-step.jsonl"
bench_rc=${PIPESTATUS[0]}

echo "== summary: tests exit $tests_rc, benchmark exit $bench_rc"
cat "$out/gpu-step.jsonl"
exit $(( tests_rc != 0 || bench_rc != 0 ))
