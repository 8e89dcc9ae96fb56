"""PyTorch reference for `deploy/bin/bench cnn-step`: training throughput of fmnist-cnn on CPU.

One step = forward + cross-entropy + backward + SGD(lr 0.05, momentum 0.9, weight decay 5e-4)
on a random batch of 64 images [64, 1, 28, 28], the same work as engine's CnnStepBench.
Prints one JSON line: {"samples_per_s": median over rounds, "rounds": [...], "threads": N, "torch": version}.
Usage: /usr/bin/python3 tools/bench/cnn_step_ref.py [--threads 2] [--batch 64] [--steps 60] [--rounds 3]
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden"))
from reference_models import FmnistCnn  # noqa: E402  (the module the golden fixtures use)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = FmnistCnn()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    x = torch.randn(args.batch, 1, 28, 28)
    y = torch.randint(0, 10, (args.batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(15):
        step()
    rates = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        for _ in range(args.steps):
            step()
        rates.append(args.steps * args.batch / (time.perf_counter() - t0))
    print(json.dumps({"samples_per_s": statistics.median(rates), "rounds": rates, "threads": torch.get_num_threads(),
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
