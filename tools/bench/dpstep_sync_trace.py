#!/usr/bin/python3
"""Splits the time a dp-step replica spends in SyncBatchNorm's collectives into two parts.

Run two replicas with -Ddpstep.traceFile=PREFIX (see DpStepWorker), then
    python3 tools/bench/dpstep_sync_trace.py PREFIX
For each collective of a step (forward: one per BatchNorm layer; backward: the same, in reverse)
it prints, as median and mean over the timed steps:
  skew:    how far apart the two ranks arrived (the earlier one waits that long);
  latency: how long a rank stayed after the later one arrived (the exchange itself).
Both files hold System.nanoTime() values, one clock for every process on a Linux machine.
"""
import statistics
import sys


def read(path):
    with open(path) as f:
        steps = int(f.readline().split()[2])
        return steps, [tuple(map(int, line.split())) for line in f]


def main():
    prefix = sys.argv[1]
    steps, a = read(prefix + "0")
    _, b = read(prefix + "1")
    per_step = len(a) // steps
    if len(a) != len(b) or per_step == 0:
        sys.exit(f"the traces disagree or are empty: {len(a)} and {len(b)} collectives over {steps} steps")
    half = per_step // 2
    names = [f"forward {i + 1}" for i in range(half)] + [f"backward {half - i}" for i in range(per_step - half)]
    for k, name in enumerate(names):
        skew, latency = [], []
        for i in range(k, len(a), per_step):
            (enter0, exit0), (enter1, exit1) = a[i], b[i]
            last = max(enter0, enter1)
            skew.append(abs(enter0 - enter1) / 1e3)
            latency.append(((exit0 - last) + (exit1 - last)) / 2e3)
        print(f"BatchNorm {name:>10}: skew median {statistics.median(skew):6.0f} us, mean {statistics.mean(skew):6.0f} us;"
              f" latency median {statistics.median(latency):5.0f} us, mean {statistics.mean(latency):5.0f} us")


if __name__ == "__main__":
    main()
