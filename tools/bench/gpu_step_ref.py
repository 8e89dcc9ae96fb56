#!/usr/bin/env python3
"""PyTorch reference for deploy/bin/bench gpu-step: sgemm n x n x n on the same GPU, timed the same way
as GpuStepBench (CUDA events around each product, warm-ups first, median of the timed runs).

Prints one JSON line per precision: {"precision", "median_ms", "gflops", "device", "torch"}.

With --models (e.g. fmnist_cnn,encoder_layer) it times training steps instead, everything on the GPU
(PyTorch's ordinary full-GPU step), in FP32 (TF32 off for matmul and cuDNN) unless --step-tf32:
  fmnist_cnn:    forward + cross-entropy + backward + SGD(lr 0.05, momentum 0.9, wd 5e-4), batch 256
                 (engine.models.FmnistCnn / TrainFmnist.Session); median of 3 rounds of --steps steps
  encoder_layer: nn.TransformerEncoderLayer(512, 8 heads, FFN 2048, dropout 0, batch_first), input
                 [64, 256, 512], forward + loss sum(y*w) + backward; median of --reps single steps
Each timed span ends with torch.cuda.synchronize(). One JSON line per model: {"model", "median_s",
"per_s" (samples/s for the CNN, steps/s for the layer), "device", "torch", "precision"}.
  fp32: float32 tensors, TF32 disabled (torch.backends.cuda.matmul.allow_tf32 = False)
  tf32: float32 tensors, TF32 allowed
  bf16: bfloat16 tensors (PyTorch's usual bf16 path; ours keeps float32 in memory and rounds
        to bf16 inside cuBLAS, CUBLAS_COMPUTE_32F_FAST_16BF)
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden"))
from reference_models import FmnistCnn  # noqa: E402  (engine.models.FmnistCnn's PyTorch twin)


def set_tf32(allowed):
    """PyTorch >= 2.9 has fp32_precision ("ieee" | "tf32") and deprecates allow_tf32; mixing the two
    APIs is refused, so use the new one when present."""
    matmul = torch.backends.cuda.matmul
    if hasattr(matmul, "fp32_precision"):
        matmul.fp32_precision = "tf32" if allowed else "ieee"
        return "fp32_precision=" + matmul.fp32_precision
    matmul.allow_tf32 = allowed
    return "allow_tf32=" + str(matmul.allow_tf32)


def set_cudnn_tf32(allowed):
    """cuDNN convolutions: PyTorch allows TF32 there by default; the FP32 comparison turns it off."""
    cudnn = torch.backends.cudnn
    conv = getattr(cudnn, "conv", None)
    if conv is not None and hasattr(conv, "fp32_precision"):
        conv.fp32_precision = "tf32" if allowed else "ieee"
        return "cudnn.conv.fp32_precision=" + conv.fp32_precision
    cudnn.allow_tf32 = allowed
    return "cudnn.allow_tf32=" + str(cudnn.allow_tf32)


def sync(device):
    if device == "cuda":
        torch.cuda.synchronize()


def time_models(args):
    dev = args.device
    torch.manual_seed(0)
    switches = [set_tf32(args.step_tf32), set_cudnn_tf32(args.step_tf32)] if dev == "cuda" else []
    name = torch.cuda.get_device_name() if dev == "cuda" else "cpu"
    precision = "tf32" if args.step_tf32 else "fp32"
    for model in args.models.split(","):
        if model == "fmnist_cnn":
            net = FmnistCnn().to(dev)
            opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
            x = torch.randn(args.cnn_batch, 1, 28, 28, device=dev)
            y = torch.randint(0, 10, (args.cnn_batch,), device=dev)

            def step():
                opt.zero_grad(set_to_none=True)
                torch.nn.functional.cross_entropy(net(x), y).backward()
                opt.step()

            for _ in range(10):
                step()
            sync(dev)
            rounds = []
            for _ in range(3):
                t0 = time.perf_counter()
                for _ in range(args.steps):
                    step()
                sync(dev)
                rounds.append((time.perf_counter() - t0) / args.steps)
            med = statistics.median(rounds)
            per_s = args.cnn_batch / med
        elif model == "encoder_layer":
            enc = torch.nn.TransformerEncoderLayer(512, 8, dim_feedforward=2048, dropout=0.0, batch_first=True).to(dev)
            x = torch.randn(args.enc_batch, args.enc_seq, 512, device=dev, requires_grad=True)
            w = torch.randn(args.enc_batch, args.enc_seq, 512, device=dev)

            def step():
                enc.zero_grad(set_to_none=True)
                x.grad = None
                (enc(x) * w).sum().backward()

            for _ in range(3):
                step()
            sync(dev)
            rounds = []
            for _ in range(args.reps):
                t0 = time.perf_counter()
                step()
                sync(dev)
                rounds.append(time.perf_counter() - t0)
            med = statistics.median(rounds)
            per_s = 1.0 / med
        else:
            raise SystemExit("gpu_step_ref.py: unknown model " + model + " (fmnist_cnn, encoder_layer)")
        print(json.dumps({"model": model, "median_s": med, "per_s": per_s, "rounds_s": rounds, "device": name,
                          "torch": torch.__version__, "precision": precision, "switches": switches}), flush=True)


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
    p.add_argument("--models", default="", help="time training steps instead: fmnist_cnn,encoder_layer")
    p.add_argument("--steps", type=int, default=20, help="steps per round of the CNN")
    p.add_argument("--cnn-batch", type=int, default=256)
    p.add_argument("--enc-batch", type=int, default=64)
    p.add_argument("--enc-seq", type=int, default=256)
    p.add_argument("--step-tf32", action="store_true")
    p.add_argument("--device", default="cuda", help="cuda; cpu only to smoke-test this script without a GPU")
    args = p.parse_args()
    if args.models:
        if args.device == "cuda" and not torch.cuda.is_available():
            raise SystemExit("gpu_step_ref.py: torch sees no CUDA device (torch " + torch.__version__ + ")")
        time_models(args)
        return
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
