"""PyTorch reference for `deploy/bin/bench resnet-step`: one training step of torchvision's ResNet-18 (or --model resnet50) on CPU.

One step = zero_grad + forward + cross-entropy + backward + SGD(lr 0.01, momentum 0.9, weight decay
5e-4) on one random batch [batch, 3, size, size] with 10 classes, the work of engine's ResNetStepBench.
Sizes up to 64 use the cifar stem (conv1 3x3 stride 1, no max-pool), as ringtrain's zoo does;
larger ones torchvision's ImageNet stem.

It serves the benchmark so that the two sides' rounds can interleave: after building the model and
running --warmup steps it prints {"ready": true, ...} and then waits on stdin; each line "round" runs
--steps steps and prints {"samples_per_s": ...}; the line "memory" prints {"peak_rss_growth_bytes": ...},
the process's peak resident set (getrusage) minus its resident set before the model was built.
One JSON object per line on stdout.
Usage: /usr/bin/python3 tools/bench/resnet_step_ref.py --threads 2 --batch 32 --size 32 [--steps 3] [--warmup 2] [--model resnet18|resnet50]
"""
import argparse
import json
import os
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--size", type=int, default=32)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--model", choices=["resnet18", "resnet50"], default="resnet18")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x = torch.randn(args.batch, 3, args.size, args.size)
    y = torch.randint(0, 10, (args.batch,))
    baseline = rss_bytes()
    model = getattr(torchvision.models, args.model)(num_classes=10)
    if args.size <= 64:
        model.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        model.maxpool = nn.Identity()
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(args.warmup):
        step()
    print(json.dumps({"ready": True, "threads": torch.get_num_threads(), "torch": torch.__version__}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "round":
            t0 = time.perf_counter()
            for _ in range(args.steps):
                step()
            print(json.dumps({"samples_per_s": args.steps * args.batch / (time.perf_counter() - t0)}), flush=True)
        elif command == "memory":
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
            print(json.dumps({"peak_rss_growth_bytes": peak - baseline}), flush=True)
        else:
            print(json.dumps({"error": "unknown command " + command}), flush=True)


if __name__ == "__main__":
    main()
