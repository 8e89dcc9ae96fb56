#!/usr/bin/python3
"""Reference for `deploy/bin/bench allreduce`: PyTorch Gloo all-reduce over loopback.

Starts W processes (torch.multiprocessing), each joins a Gloo process group on 127.0.0.1 and,
for every size, runs `warmup` untimed all-reduces of a float32 tensor, then `iters` timed ones,
each after a barrier, the same protocol as the Java benchmark. Rank 0 prints one JSON line per size:
{"world": W, "bytes": B, "median_s": ..., "user_s": ..., "sys_s": ...}, the last two being the CPU
its process (every thread, Gloo's included) used per timed iteration in user space and in the kernel.

Usage: /usr/bin/python3 tools/bench/allreduce_gloo.py --world 4 --sizes 4096,1048576 --iters 200,50 --warmup 50,5

With --rank R --init tcp://ADDRESS:PORT it runs that one rank only, rank 0 listening at ADDRESS (the
multi-host benchmark starts one such process in each host, GLOO_SOCKET_IFNAME naming the host's interface).
"""
import argparse
import json
import os
import resource
import socket
import statistics
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(rank, world, init_method, sizes, iters, warmup):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=init_method, rank=rank, world_size=world)
    for size, n_iter, n_warm in zip(sizes, iters, warmup):
        t = torch.zeros(size // 4, dtype=torch.float32)
        for _ in range(n_warm):
            dist.all_reduce(t)
        times = []
        before = resource.getrusage(resource.RUSAGE_SELF)
        for _ in range(n_iter):
            dist.barrier()
            start = time.perf_counter()
            dist.all_reduce(t)
            times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_SELF)
        if rank == 0:
            print(json.dumps({"world": world, "bytes": size, "median_s": statistics.median(times),
                              "user_s": (after.ru_utime - before.ru_utime) / n_iter,
                              "sys_s": (after.ru_stime - before.ru_stime) / n_iter}), flush=True)
    dist.destroy_process_group()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--world", type=int, required=True)
    parser.add_argument("--sizes", required=True)
    parser.add_argument("--iters", required=True)
    parser.add_argument("--warmup", required=True)
    parser.add_argument("--rank", type=int, help="run this rank only (with --init)")
    parser.add_argument("--init", help="tcp://ADDRESS:PORT of rank 0 (with --rank)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    iters = [int(s) for s in args.iters.split(",")]
    warmup = [int(s) for s in args.warmup.split(",")]
    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo")
    if args.rank is not None:
        run(args.rank, args.world, args.init, sizes, iters, warmup)
        return
    mp.spawn(run, args=(args.world, f"tcp://127.0.0.1:{free_port()}", sizes, iters, warmup), nprocs=args.world, join=True)


if __name__ == "__main__":
    main()
