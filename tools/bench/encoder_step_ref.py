#!/usr/bin/python3
"""Reference for the encoder-step benchmark: one BERT-base-sized encoder layer on PyTorch CPU, driven
round by round from io.ringtrain.engine.bench.EncoderStepBench so that its rounds interleave with ours.

Usage: encoder_step_ref.py --threads 2 --d-model 768 --heads 12 --ffn 3072 --batch 8 --seq 256
The layer: nn.TransformerEncoderLayer(d, heads, ffn, dropout 0, activation "gelu" (exact erf),
batch_first, post-LN), input [batch, seq, d]. A step is: gradients cleared, forward, loss = sum(y * w),
backward. Protocol on stdin/stdout, one line each:
  "warmup N" -> N untimed steps, then {"ready": true, "blas": the BLAS libraries loaded}
  "round N"  -> N timed steps, then {"steps_per_s": N / seconds, "peak_rss_growth_bytes": ..}
  "quit"     -> exit
peak_rss_growth_bytes: the process's peak resident set (getrusage ru_maxrss) minus its resident set
after importing torch and before building the layer and its tensors. "blas" names the BLAS library
loaded: Debian's python3-torch links libblas.so.3, which is the netlib reference BLAS (about 17x slower
than OpenBLAS on the layer's GEMMs) unless OpenBLAS provides it; the caller puts an OpenBLAS
libblas.so.3 first on LD_LIBRARY_PATH for that (see EncoderStepBench).
"""
import argparse
import json
import resource
import sys
import time

import torch
import torch.nn as nn


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def blas_library():
    with open("/proc/self/maps") as f:
        libs = sorted({line.split()[-1] for line in f if "blas" in line.split()[-1]})
    return ",".join(libs) if libs else "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--d-model", type=int, default=768)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--ffn", type=int, default=3072)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=256)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    baseline = rss_bytes()

    layer = nn.TransformerEncoderLayer(args.d_model, args.heads, dim_feedforward=args.ffn, dropout=0.0, activation="gelu",
                                       batch_first=True, norm_first=False)
    x = torch.randn(args.batch, args.seq, args.d_model, requires_grad=True)
    w = torch.randn(args.batch, args.seq, args.d_model)

    def step():
        layer.zero_grad(set_to_none=True)
        x.grad = None
        (layer(x) * w).sum().backward()

    for line in sys.stdin:
        cmd = line.split()
        if not cmd or cmd[0] == "quit":
            break
        if cmd[0] == "warmup":
            for _ in range(int(cmd[1]) if len(cmd) > 1 else 1):
                step()
            out = {"ready": True, "blas": blas_library()}
        elif cmd[0] == "round":
            n = int(cmd[1])
            t0 = time.perf_counter()
            for _ in range(n):
                step()
            seconds = time.perf_counter() - t0
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            out = {"steps_per_s": n / seconds, "peak_rss_growth_bytes": peak - baseline, "threads": torch.get_num_threads(), "torch": torch.__version__}
        else:
            raise SystemExit("unknown command " + line.strip())
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
