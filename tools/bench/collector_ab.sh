#!/usr/bin/env bash
# Training throughput of the JVM's collector: ParallelGC against G1 (the JDK's default, which the
# launchers keep), in interleaved rounds, so that a slow spell of the machine hits both.
#   tools/bench/collector_ab.sh [ROUNDS (3)] [MODEL (resnet18)] [HEAP (-Xmx4g)]
# Each round trains MODEL on the first 3,840 images of the bundled Fashion-MNIST sample (30 steps of
# 2 replicas × 64, local[2]) once per collector through deploy/bin/ringtrain-local, and prints
# {"collector", "round", "samples_per_s"}: the samples of steps 6-30 over their wall time, read from
# metrics.jsonl (steps 1-5 warm the JIT and grow the heap). The last line is the median of each and
# their ratio, parallel ÷ g1 (higher: ParallelGC trains faster).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rounds="${1:-3}" model="${2:-resnet18}" heap="${3:--Xmx4g}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$root/data/fashion-mnist-sample" "$work/data" <<'PY'
import gzip, os, sys
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst)
for name, n in [("train-images-idx3-ubyte.gz", 3840), ("train-labels-idx1-ubyte.gz", 3840),
                ("t10k-images-idx3-ubyte.gz", 200), ("t10k-labels-idx1-ubyte.gz", 200)]:
    data = gzip.open(os.path.join(src, name)).read()
    dims = data[3]
    header = bytearray(data[:4 + 4 * dims])
    record = 1
    for d in range(1, dims):
        record *= int.from_bytes(header[4 + 4 * d:8 + 4 * d], "big")
    header[4:8] = n.to_bytes(4, "big")
    with gzip.open(os.path.join(dst, name), "wb") as f:
        f.write(bytes(header) + data[len(header):len(header) + n * record])
PY
rate() {  # samples per second of steps 6-30 of a run folder's metrics.jsonl
  /usr/bin/python3 - "$1/metrics.jsonl" <<'PY'
import datetime, json, sys
steps = [r for r in map(json.loads, open(sys.argv[1])) if r.get("type") == "step"]
t = lambda r: datetime.datetime.fromisoformat(r["time"][:26].rstrip("Z"))
timed = [r for r in steps if r["global_step"] > 5]
print(round(sum(r["samples"] for r in timed) / (t(timed[-1]) - t(steps[4])).total_seconds(), 2))
PY
}
declare -A rates=([parallel]="" [g1]="")
for ((r = 1; r <= rounds; r++)); do
  for collector in parallel g1; do
    opts="$heap -XX:+UseParallelGC"; [[ "$collector" == g1 ]] && opts="$heap -XX:+UseG1GC"
    RINGTRAIN_JAVA_OPTS="$opts" "$root/deploy/bin/ringtrain-local" train --master 'local[2]' --replicas 2 \
      --model "$model" --data "$work/data" --epochs 1 --batch-size 64 --lr 0.05 --run-dir "$work/$collector-$r" >"$work/$collector-$r.log" 2>&1 \
      || { echo "collector_ab: the $collector run failed; see its log:" >&2; tail -5 "$work/$collector-$r.log" >&2; exit 1; }
    rate="$(rate "$work/$collector-$r")"
    rates[$collector]+="$rate "
    echo "{\"collector\":\"$collector\",\"round\":$r,\"model\":\"$model\",\"heap\":\"$heap\",\"samples_per_s\":$rate}"
  done
done
/usr/bin/python3 - "${rates[parallel]}" "${rates[g1]}" <<'PY'
import json, statistics, sys
p, g = (statistics.median(map(float, a.split())) for a in sys.argv[1:3])
print(json.dumps({"metric": "samples_per_s", "parallel": p, "g1": g, "ratio": round(p / g, 3)}))
PY
