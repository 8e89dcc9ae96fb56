"""PyTorch reference for `deploy/bin/bench cnn-step`: training throughput of fmnist-cnn on CPU.

One step = forward + cross-entropy + backward + SGD(lr 0.05, momentum 0.9, weight decay 5e-4)
on a random batch of 64 images [64, 1, 28, 28], the same work as engine's CnnStepBench.
Prints one JSON line: {"samples_per_s": median over rounds, "rounds": [...], "threads": N, "torch": version}.
Usage: /usr/bin/python3 tools/bench/cnn_step_ref.py [--threads 2] [--batch 64] [--steps 60] [--rounds 3]
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class FmnistCnn(nn.Module):
    """State-dict names match engine.models.FmnistCnn (conv1, bn1, conv2, bn2, fc1, fc2)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(64)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = F.relu(self.fc1(x.flatten(1)))
        return self.fc2(x)


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
