#!/usr/bin/env python3
"""PyTorch reference for deploy/bin/bench gpu-step: sgemm n x n x n on the same GPU, timed the same way
as GpuStepBench (CUDA events around each product, warm-ups first, median of the timed runs).

Prints one JSON line per precision: {"precision", "median_ms", "gflops", "device", "torch"}.
  fp32: float32 tensors, TF32 disabled (torch.backends.cuda.matmul.allow_tf32 = False)
  tf32: float32 tensors, TF32 allowed
  bf16: bfloat16 tensors (PyTorch's usual bf16 path; ours keeps float32 in memory and rounds
        to bf16 inside cuBLAS, CUBLAS_COMPUTE_32F_FAST_16BF)
"""
import argparse
import json
import statistics

import torch


def set_tf32(allowed):
    """PyTorch >= 2.9 has fp32_precision ("ieee" | "tf32") and deprecates allow_tf32; mixing the two
    APIs is refused, so use the new one when present."""
    matmul = torch.backends.cuda.matmul
    if hasattr(matmul, "fp32_precision"):
        matmul.fp32_precision = "tf32" if allowed else "ieee"
        return "fp32_precision=" + matmul.fp32_precision
    matmul.allow_tf32 = allowed
    return "allow_tf32=" + str(matmul.allow_tf32)


def time_matmul(a, b, warmup, reps):
    out = torch.empty((a.shape[0], b.shape[1]), dtype=a.dtype, device=a.device)
    for _ in range(warmup):
        torch.matmul(a, b, out=out)
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        torch.matmul(a, b, out=out)
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--size", type=int, default=8192)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--reps", type=int, default=10)
    p.add_argument("--precisions", default="fp32,tf32,bf16")
    args = p.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("gpu_step_ref.py: torch sees no CUDA device (torch " + torch.__version__ + ")")
    n = args.size
    g = torch.Generator(device="cuda").manual_seed(0)
    a32 = torch.randn((n, n), device="cuda", generator=g)   # random data: zeros run faster and prove nothing
    b32 = torch.randn((n, n), device="cuda", generator=g)
    for precision in args.precisions.split(","):
        if precision == "bf16":
            a, b = a32.to(torch.bfloat16), b32.to(torch.bfloat16)
        else:
            a, b = a32, b32
        api = set_tf32(precision == "tf32")
        ms = time_matmul(a, b, args.warmup, args.reps)
        print(json.dumps({"precision": precision, "median_ms": ms, "gflops": 2.0 * n ** 3 / (ms * 1e6),
                          "device": torch.cuda.get_device_name(), "torch": torch.__version__, "tf32_switch": api}), flush=True)


if __name__ == "__main__":
    main()
