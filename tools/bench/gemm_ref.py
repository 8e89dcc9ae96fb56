#!/usr/bin/python3
"""Reference for the gemm benchmark: square row-major sgemm in OpenBLAS, GFLOP/s.

Usage: gemm_ref.py --threads 2 --sizes 256,512,1024,2048 [--min-seconds 1.0]
Prints one JSON object per size on stdout: {"n":..,"threads":..,"gflops":<median>,"reps":..,
"times_s":[every timed call],"library":..,"core":..}. Diagnostics go to stderr.

Finding OpenBLAS: $RINGTRAIN_OPENBLAS (path to libopenblas.so*), else the system's libopenblas
(ctypes.util.find_library / the Debian openblas-pthread directory). cblas_sgemm is called
through ctypes on numpy buffers, so what is timed is the library call alone. If no OpenBLAS is
found, numpy.matmul is timed instead and "library" says which BLAS numpy is linked to: on a
machine with only Debian's reference libblas that is not an OpenBLAS figure (install
libopenblas0-pthread, or point RINGTRAIN_OPENBLAS at an extracted copy).
"""
import argparse
import ctypes
import ctypes.util
import glob
import json
import os
import sys
import time

import numpy as np

CBLAS_ROW_MAJOR, CBLAS_NO_TRANS = 101, 111


def find_openblas():
    candidates = []
    if os.environ.get("RINGTRAIN_OPENBLAS"):
        candidates.append(os.environ["RINGTRAIN_OPENBLAS"])
    found = ctypes.util.find_library("openblas")
    if found:
        candidates.append(found)
    candidates += sorted(glob.glob("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas*.so*"))
    candidates += sorted(glob.glob("/usr/lib/x86_64-linux-gnu/libopenblas*.so*"))
    for path in candidates:
        try:
            lib = ctypes.CDLL(path)
            lib.cblas_sgemm  # noqa: B018 - raises AttributeError if absent
            return path, lib
        except (OSError, AttributeError):
            continue
    return None, None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sizes", default="256,512,1024,2048")
    parser.add_argument("--min-seconds", type=float, default=1.0,
                        help="time each size for at least this long (after warm-up)")
    args = parser.parse_args()

    path, lib = find_openblas()
    if lib is not None:
        lib.openblas_set_num_threads(args.threads)
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
        core = lib.openblas_get_corename().decode()
        library = lib.openblas_get_config().decode()
        print(f"gemm_ref: {library} core={core} threads={lib.openblas_get_num_threads()} ({path})",
              file=sys.stderr)
        fptr = ctypes.POINTER(ctypes.c_float)
        lib.cblas_sgemm.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                    ctypes.c_int, ctypes.c_float, fptr, ctypes.c_int, fptr, ctypes.c_int,
                                    ctypes.c_float, fptr, ctypes.c_int]

        def make(n):
            rng = np.random.default_rng(n)
            a, b = (rng.standard_normal((n, n), dtype=np.float32) for _ in range(2))
            c = np.zeros((n, n), dtype=np.float32)
            pa, pb, pc = (x.ctypes.data_as(fptr) for x in (a, b, c))
            return lambda: lib.cblas_sgemm(CBLAS_ROW_MAJOR, CBLAS_NO_TRANS, CBLAS_NO_TRANS, n, n, n,
                                           1.0, pa, n, pb, n, 0.0, pc, n)
    else:
        core = "unknown"
        maps = open("/proc/self/maps").read()
        blas = sorted({line.split()[-1] for line in maps.splitlines() if "blas" in line.lower()})
        library = "numpy.matmul (NOT OpenBLAS) via " + ",".join(blas)
        print(f"gemm_ref: WARNING no OpenBLAS found; timing {library}", file=sys.stderr)

        def make(n):
            rng = np.random.default_rng(n)
            a, b = (rng.standard_normal((n, n), dtype=np.float32) for _ in range(2))
            c = np.zeros((n, n), dtype=np.float32)
            return lambda: np.matmul(a, b, out=c)

    for n in (int(s) for s in args.sizes.split(",")):
        call = make(n)
        flops = 2.0 * n * n * n
        for _ in range(3):  # warm-up: thread start, page faults
            call()
        times = []
        start = time.perf_counter()
        while len(times) < 5 or time.perf_counter() - start < args.min_seconds:
            t0 = time.perf_counter()
            call()
            times.append(time.perf_counter() - t0)
        times.sort()
        median = times[len(times) // 2]
        print(json.dumps({"n": n, "threads": args.threads, "gflops": flops / median / 1e9, "reps": len(times),
                          "times_s": times, "library": library, "core": core}), flush=True)


if __name__ == "__main__":
    main()
