"""PyTorch reference for `deploy/bin/bench spark-train`: single-process CPU training of fmnist-cnn
with the issue-2 recipe (SGD lr 0.05, momentum 0.9, wd 5e-4, cosine per step to 0 over the run,
batch 64, inputs normalised by the training set's mean/std, no augmentation), evaluating after each
epoch. Prints one JSON line: {"seconds_to_target": wall time from start (data loaded) to the end
of the first epoch whose test accuracy reaches the target, "accuracy": [per epoch], ...}.
Usage: /usr/bin/python3 tools/bench/spark_train_ref.py DATA_DIR [--epochs 3] [--threads 2] [--target 0.9]
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cnn_step_ref import FmnistCnn  # noqa: E402


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic = struct.unpack(">I", raw[:4])[0]
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(raw[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--target", type=float, default=0.9)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    xtr = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz")).float().div(255).unsqueeze(1)
    ytr = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz")).long()
    xte = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz")).float().div(255).unsqueeze(1)
    yte = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz")).long()
    mean, std = xtr.mean().item(), xtr.std().item()
    xtr, xte = (xtr - mean) / std, (xte - mean) / std
    model = FmnistCnn()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    steps_per_epoch = math.ceil(len(xtr) / 64)
    total = steps_per_epoch * args.epochs
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total)
    start = time.perf_counter()
    accuracies, to_target = [], None
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xtr))
        for s in range(steps_per_epoch):
            idx = perm[s * 64:(s + 1) * 64]
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(xtr[idx]), ytr[idx]).backward()
            opt.step()
            sched.step()
        model.eval()
        with torch.no_grad():
            correct = sum((model(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item() for i in range(0, len(xte), 1000))
        acc = correct / len(xte)
        accuracies.append(acc)
        if to_target is None and acc >= args.target:
            to_target = time.perf_counter() - start
    print(json.dumps({"seconds_to_target": to_target, "accuracy": accuracies, "seconds_total": time.perf_counter() - start,
                      "threads": args.threads, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
