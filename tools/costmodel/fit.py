#!/usr/bin/python3
"""Fits the alpha-beta-gamma cost model of ringtrain's all-reduce to the measured points in
points.csv and prints, as Markdown for docs/collectives.md: the fitted constants, every point's
prediction error, and the predictions for clusters we cannot run.

    /usr/bin/python3 tools/costmodel/fit.py

The model (docs/collectives.md, "A cost model"), for W ranks and an n-byte buffer:

    time = s*alpha*messages + link_bytes*(beta_link + s*kappa) + s*gamma*reduced_bytes

    segmented ring (n > 256 KiB): messages 2(W-1), link_bytes 2(W-1)/W*n, reduced (W-1)/W*n
    recursive doubling (n <= 256 KiB), p = largest power of two <= W, extra = W > p:
        messages log2(p) + 2*extra, link_bytes that many times n, reduced (log2(p) + extra)*n

alpha is the cost of one message on the critical path, kappa the host's per-byte cost of moving
data through TCP (the sender's and receiver's kernel and user-space work), gamma the per-byte
reduction, beta_link = 8 / (efficiency * rate) the shaped link's per-byte time (efficiency: the
share of the rate left to payload, TCP/IP headers and tbf's accounting). On the test machine all
W ranks shared 2 cores, so every CPU cost is multiplied by s = max(1, W/2); in the predictions
each rank has a host of its own (s = 1).

The model is linear in (alpha, kappa, 1/efficiency), fitted by least squares on the relative error
(each row divided by the measured time). gamma is not identifiable from these points (the bytes
reduced are proportional to the bytes sent in every algorithm), so it is fixed from the reduction
kernel's own measurement: 0.30 ms for 4 MiB of native floats (docs/collectives.md).
"""
import csv
import math
import os

import numpy as np

CORES = 2                              # the test machine's cores, shared by all ranks
GAMMA = 0.30e-3 / (4 << 20)            # s/B: NativeFloatKernel, 4 MiB in 0.30 ms
SMALL_BUFFER_BYTES = 256 << 10         # CommunicatorConfig's recursive-doubling threshold
KIB, MIB = 1 << 10, 1 << 20


def ring_terms(world, n):
    """(messages, link bytes, reduced bytes) of the segmented ring."""
    return 2 * (world - 1), 2 * (world - 1) / world * n, (world - 1) / world * n


def doubling_terms(world, n):
    """(messages, link bytes, reduced bytes) of recursive doubling with fold-in and fan-out."""
    p = 1 << (world.bit_length() - 1)
    extra = 1 if world > p else 0
    rounds = int(math.log2(p)) + 2 * extra
    return rounds, rounds * n, (int(math.log2(p)) + extra) * n


def terms(world, n, small_bytes=SMALL_BUFFER_BYTES):
    if world == 1:
        return 0, 0.0, 0.0
    return doubling_terms(world, n) if n <= small_bytes else ring_terms(world, n)


def beta_link(link_gbit, efficiency):
    return 0.0 if link_gbit == 0 else 8.0 / (efficiency * link_gbit * 1e9)


def predict(alpha, kappa, efficiency, world, n, link_gbit, share=1.0, algorithm=terms):
    messages, link_bytes, reduced = algorithm(world, n)
    return share * alpha * messages + link_bytes * (beta_link(link_gbit, efficiency) + share * kappa) \
        + share * GAMMA * reduced


def read_points(path):
    with open(path) as f:
        rows = [line for line in f if not line.startswith('#')]
    return [dict(world=int(r['world']), link_gbit=float(r['link_gbit']), bytes=int(r['bytes']),
                 seconds=float(r['ms']) / 1e3, source=r['source']) for r in csv.DictReader(rows)]


def fit(points):
    """Least squares on relative error; returns (alpha, kappa, efficiency)."""
    rows, rhs = [], []
    for p in points:
        s = max(1.0, p['world'] / CORES)
        messages, link_bytes, reduced = terms(p['world'], p['bytes'])
        rate_coeff = 0.0 if p['link_gbit'] == 0 else link_bytes * 8.0 / (p['link_gbit'] * 1e9)
        rows.append(np.array([s * messages, s * link_bytes, rate_coeff]) / p['seconds'])
        rhs.append((p['seconds'] - s * GAMMA * reduced) / p['seconds'])
    (alpha, kappa, inv_eff), *_ = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)
    return alpha, kappa, 1.0 / inv_eff


def size_label(n):
    return f"{n // MIB} MiB" if n >= MIB else f"{n // KIB} KiB"


def link_label(gbit):
    return "loopback" if gbit == 0 else f"{gbit:g} Gbit/s"


def fmt_ms(seconds):
    ms = seconds * 1e3
    return f"{ms:.3g}" if ms < 100 else f"{ms:.0f}"


def bus_gbit(world, n, seconds):
    return 2 * (world - 1) / world * n * 8 / seconds / 1e9


def crossover_bytes(alpha, kappa, efficiency, world, link_gbit):
    """Largest power-of-two buffer at which recursive doubling is still faster than the ring."""
    best = None
    for k in range(0, 31):
        n = 1 << k
        rd = predict(alpha, kappa, efficiency, world, n, link_gbit, algorithm=doubling_terms)
        ring = predict(alpha, kappa, efficiency, world, n, link_gbit, algorithm=ring_terms)
        if rd <= ring:
            best = n
    return best


# (name, parameters, compute ms per step on one replica, where the compute time comes from)
MODELS = [
    ("fmnist-cnn", 421_834, 39.8, "docs/trainer.md dp-step W = 1, batch 64, one core"),
    ("resnet18", 11_689_512, 1824.0, "docs/engine.md resnet-step 224, batch 16, 8.77 samples/s"),
    ("resnet50", 25_557_032, 4200.0, "estimated: ResNet-18's step x 2.3 (4.1 / 1.8 GFLOPs)"),
]
HIDDEN = 0.98                    # share of the all-reduce time hidden behind backward (dp-step, W = 2)
BACKWARD_SHARE = 0.67            # backward's share of a step's compute, the window the buckets hide in
BUCKET_BYTES, FIRST_BUCKET_BYTES = 25 * MIB, 1 * MIB


def step_comm_seconds(alpha, kappa, efficiency, world, gradient_bytes, link_gbit):
    """All-reduce time of one step's buckets (first bucket 1 MiB, then 25 MiB ones), one after another."""
    total, left, cap = 0.0, gradient_bytes, FIRST_BUCKET_BYTES
    while left > 0:
        bucket = min(cap, left)
        total += predict(alpha, kappa, efficiency, world, bucket, link_gbit)
        left -= bucket
        cap = BUCKET_BYTES
    return total


def scaling_efficiency(compute_s, comm_s):
    exposed = max((1 - HIDDEN) * comm_s, comm_s - BACKWARD_SHARE * compute_s)
    return compute_s / (compute_s + exposed)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    points = read_points(os.path.join(here, 'points.csv'))
    alpha, kappa, efficiency = fit(points)
    print(f"alpha = {alpha * 1e6:.2f} us, kappa = {kappa * 1e9:.4f} ns/B "
          f"({1 / kappa / 1e9:.2f} GB/s), gamma = {GAMMA * 1e9:.4f} ns/B (fixed), "
          f"link efficiency = {efficiency:.4f}")
    print(f"Java: new CostModel({alpha:.6e}, {kappa:.6e}, {GAMMA:.6e}, {efficiency:.6f})")

    print("\n| W | link | size | algorithm | measured ms | predicted ms | error |")
    print("|---|---|---|---|---|---|---|")
    errors = []
    for p in points:
        s = max(1.0, p['world'] / CORES)
        t = predict(alpha, kappa, efficiency, p['world'], p['bytes'], p['link_gbit'], share=s)
        err = (t - p['seconds']) / p['seconds']
        errors.append(abs(err))
        algo = 'recursive doubling' if p['bytes'] <= SMALL_BUFFER_BYTES else 'ring'
        print(f"| {p['world']} | {link_label(p['link_gbit'])} | {size_label(p['bytes'])} | {algo} | "
              f"{fmt_ms(p['seconds'])} | {fmt_ms(t)} | {err:+.0%} |")
    print(f"\nmedian |error| {np.median(errors):.1%}, mean {np.mean(errors):.1%}, "
          f"max {np.max(errors):.0%} over {len(errors)} points")

    sizes = [4 * KIB, 256 * KIB, 1 * MIB, 16 * MIB, 64 * MIB, 256 * MIB]
    for link in (10, 25, 100):
        print(f"\nPredicted at {link} Gbit/s, one rank per host: all-reduce ms (bus bandwidth Gbit/s)\n")
        print("| W | " + " | ".join(size_label(n) for n in sizes) + " |")
        print("|---|" + "---|" * len(sizes))
        for world in (8, 32, 128, 256):
            cells = []
            for n in sizes:
                t = predict(alpha, kappa, efficiency, world, n, link)
                cells.append(f"{fmt_ms(t)} ({bus_gbit(world, n, t):.2g})")
            print(f"| {world} | " + " | ".join(cells) + " |")

    print("\nCrossover: largest power-of-two buffer where recursive doubling beats the ring\n")
    print("| W | 10 Gbit/s | 25 Gbit/s | 100 Gbit/s |")
    print("|---|---|---|---|")
    for world in (2, 4, 8, 32, 128, 256):
        cells = [crossover_bytes(alpha, kappa, efficiency, world, link) for link in (10, 25, 100)]
        print(f"| {world} | " + " | ".join(size_label(c) if c else "-" for c in cells) + " |")

    print("\nScaling efficiency of a data-parallel step (25 MiB buckets, first 1 MiB, "
          f"{HIDDEN:.0%} hidden, backward {BACKWARD_SHARE:.2f} of compute)\n")
    print("| model | gradient | compute ms | link | W = 8 | W = 32 | W = 128 | W = 256 |")
    print("|---|---|---|---|---|---|---|---|")
    for name, params, compute_ms, _ in MODELS:
        for link in (10, 25, 100):
            cells = []
            for world in (8, 32, 128, 256):
                comm = step_comm_seconds(alpha, kappa, efficiency, world, 4 * params, link)
                eff = scaling_efficiency(compute_ms / 1e3, comm)
                cells.append(f"{eff:.3f} ({comm * 1e3:.0f} ms)")
            print(f"| {name} | {4 * params / MIB:.1f} MiB | {compute_ms:g} | {link} Gbit/s | " + " | ".join(cells) + " |")
    for name, _, _, source in MODELS:
        print(f"- {name}: {source}")


if __name__ == '__main__':
    main()
