#!/usr/bin/python3
"""Reference for the transformer-step benchmark: PyTorch CPU forward+backward steps per second.

Usage: transformer_step_ref.py --threads 2 --reps 5
Models (same shapes as io.ringtrain.engine.bench.TransformerStepBench):
  encoder_layer: nn.TransformerEncoderLayer(d_model 256, 4 heads, FFN 1024, dropout 0, batch_first), input [32, 128, 256]
  lstm2:         nn.LSTM(256, 256, num_layers=2, batch_first), input [32, 64, 256]
A step is forward, loss = sum(y * w), backward (parameter gradients cleared first).
Prints one JSON object per model on stdout: {"model":..,"steps_per_s":<median>,"times_s":[..],"threads":..,"torch":..}.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn


def measure(step, reps):
    step()  # warm-up (allocator, kernels)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    enc = nn.TransformerEncoderLayer(256, 4, dim_feedforward=1024, dropout=0.0, batch_first=True)
    x = torch.randn(32, 128, 256, requires_grad=True)
    w = torch.randn(32, 128, 256)

    def enc_step():
        enc.zero_grad(set_to_none=True)
        x.grad = None
        (enc(x) * w).sum().backward()

    lstm = nn.LSTM(256, 256, num_layers=2, batch_first=True)
    xl = torch.randn(32, 64, 256, requires_grad=True)
    wl = torch.randn(32, 64, 256)

    def lstm_step():
        lstm.zero_grad(set_to_none=True)
        xl.grad = None
        out, _ = lstm(xl)
        (out * wl).sum().backward()

    for name, fn in [("encoder_layer", enc_step), ("lstm2", lstm_step)]:
        times = measure(fn, args.reps)
        print(json.dumps({"model": name, "steps_per_s": 1.0 / statistics.median(times), "times_s": times,
                          "threads": args.threads, "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
