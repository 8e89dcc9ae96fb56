"""PyTorch reference for `deploy/bin/bench optim-step`: median seconds per optimizer step.

Usage: /usr/bin/python3 tools/bench/optim_step.py THREADS REPEATS
Prints one JSON line per (model, optimizer): {"model":..,"optimizer":..,"seconds":..}: the median
over REPEATS steps after 0.5 s of warm-up, measured in a second pass over all cases (on these
machines the first seconds of a process run several times slower, whatever it does).
Parameter shapes and hyper-parameters must match OptimStepBench.java.
"""
import json
import statistics
import sys
import time

import torch

threads, repeats = int(sys.argv[1]), int(sys.argv[2])
torch.set_num_threads(threads)

MODELS = {
    # fmnist-cnn: conv1, bn1 (weight, bias, running stats shapes), conv2, bn2, fc1, fc2
    "fmnist-cnn": [(32, 1, 3, 3), (32,), (32,), (32,), (64, 32, 3, 3), (64,), (64,), (64,), (128, 3136), (128,), (10, 128), (10,)],
    "mlp-10m": [(2500, 1000), (2500,), (2500, 1000), (2500,), (2500, 1000), (2500,), (2500, 1000), (2500,)],
}
OPTIMIZERS = {
    "sgd-momentum": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, weight_decay=5e-4),
    "adam": lambda ps: torch.optim.Adam(ps, lr=1e-3),
    "adamw": lambda ps: torch.optim.AdamW(ps, lr=1e-3, weight_decay=0.01),
}

g = torch.Generator().manual_seed(0)
for measured_pass in (False, True):
    for model, shapes in MODELS.items():
        for name, make in OPTIMIZERS.items():
            params = [torch.randn(*s, generator=g).requires_grad_(True) for s in shapes]
            for p in params:
                p.grad = torch.randn(*p.shape, generator=g) * 1e-3
            opt = make(params)
            warm_end = time.perf_counter() + 0.5   # the first steps allocate state and fault pages in
            while time.perf_counter() < warm_end:
                opt.step()
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                opt.step()
                times.append(time.perf_counter() - t0)
            if measured_pass:
                print(json.dumps({"model": model, "optimizer": name, "seconds": statistics.median(times)}), flush=True)
