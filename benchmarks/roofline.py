"""The limits the report holds figures against, both measured in the same run.

Memory bandwidth: a STREAM-like triad (a = b + s*c over float64 arrays far larger than
the caches), counted as STREAM counts it: 3 arrays of 8-byte elements per element, the
best of its samples.  It is the roof for element-wise ops and reductions, whose time is
mostly memory traffic.  Matmul peak: the best GFLOP/s any library reached for a dtype
in this run (a BLAS at large n, in practice), per dtype.
"""
import numpy as np

from .harness import time_block

TRIAD_ELEMENTS = 4 * 10**7        # 3 x 320 MB: far beyond any last-level cache
QUICK_TRIAD_ELEMENTS = 10**7      # 3 x 80 MB


def measure_triad(timing, elements):
    from . import _triad_kernel as k
    import numba
    a, b, c = (np.empty(elements) for _ in range(3))
    for arr, value in ((a, 0.0), (b, 1.0), (c, 2.0)):
        k.fill(arr, value)
    samples = time_block(lambda: k.triad(a, b, c, 3.0), timing)
    best = min(samples)
    return {"GBps": 3 * 8 * elements / best / 1e9, "elements": elements, "dtype": "float64",
            "threads": numba.get_num_threads(), "best_s": best, "samples": len(samples)}


def gbps(case, seconds):
    return case["bytes"] / seconds / 1e9 if case.get("bytes") else None


def gflops(case, seconds):
    return case["flops"] / seconds / 1e9 if case.get("flops") else None


def matmul_peaks(cases):
    """{dtype: {GFLOPs, library, case}}: the best any library reached for each dtype."""
    peaks = {}
    for case in cases:
        if not case.get("flops") or not case.get("dtype"):
            continue
        for lib, m in case["libs"].items():
            rate = gflops(case, m["median"])
            best = peaks.get(case["dtype"])
            if best is None or rate > best["GFLOPs"]:
                peaks[case["dtype"]] = {"GFLOPs": rate, "library": lib, "case": case["name"]}
    return peaks
