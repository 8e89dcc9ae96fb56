"""PyTorch reference for `deploy/bin/bench dp-step`: DistributedDataParallel on CPU, one core a replica.

The same work as DpStepWorker's plain-BatchNorm set-up: fmnist-cnn, batch B per replica, forward +
cross-entropy + backward + SGD(lr 0.01, momentum 0.9), each replica a process pinned to core
rank % cores (os.sched_setaffinity, torch.set_num_threads(1)). W = 1 is the bare model; W = 2 wraps
it in DDP over Gloo on loopback (gradients bucketed and all-reduced during backward; plain per-replica
BatchNorm: torch's SyncBatchNorm runs on CUDA only). Step times are means over the timed steps, as
the Java benchmark's.
Prints one JSON line: {"world": W, "mean_step_ms": slowest replica's mean, "median_step_ms": ..., "torch": version}.
Usage: /usr/bin/python3 tools/bench/dpstep_ddp_ref.py --world 2 [--batch 64] [--warmup 30] [--steps 150]
"""
import argparse
import json
import os
import socket
import statistics
import sys
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden"))
from reference_models import FmnistCnn  # noqa: E402  (the module the golden fixtures use)


def replica(rank, args, port, results):
    os.sched_setaffinity(0, {rank % os.cpu_count()})
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = FmnistCnn()
    if args.world > 1:
        dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=args.world)
        model = torch.nn.parallel.DistributedDataParallel(model)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    g = torch.Generator().manual_seed(rank)
    x = torch.randn(args.batch, 1, 28, 28, generator=g)
    y = torch.randint(0, 10, (args.batch,), generator=g)
    times = []
    for s in range(args.warmup + args.steps):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()
        if s >= args.warmup:
            times.append((time.perf_counter() - t0) * 1e3)
    results[rank] = (statistics.mean(times), statistics.median(times))
    if args.world > 1:
        dist.destroy_process_group()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--steps", type=int, default=150)
    args = ap.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    results = mp.Manager().dict()
    mp.spawn(replica, args=(args, port, results), nprocs=args.world, join=True)
    slowest = max(results.values())
    print(json.dumps({"world": args.world, "mean_step_ms": slowest[0], "median_step_ms": slowest[1],
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
