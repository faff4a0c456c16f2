"""exp, log, tanh and sigmoid of float32 over sizes 1e2..1e8, and exp of float16 at 1e7.

NumPy has no sigmoid: its row is 1 / (1 + exp(-x)), the way a NumPy user writes it.
The 1e7 float32 rows carry the limit issue 11 set (numtensor's time at most 0.8x
PyTorch's); the float16 row is there to be reported (numtensor computes it in float32).
"""
import numpy as np

from ..case import Case, side_by_side, size_label

TITLE = "Transcendental functions"
PLOT = "size"

SIZES = [10**k for k in range(2, 9)]
QUICK_SIZES = {10**2, 10**4, 10**6}


def _positive(n, dtype=np.float32):
    # in [0.5, 1.5): inside every function's domain, away from log's pole
    return lambda: [(np.random.default_rng(0).random(n, dtype=np.float32)
                     + np.float32(0.5)).astype(dtype)]


def _np_sigmoid(a):
    return 1 / (1 + np.exp(-a))


SERIES = [
    ("exp", lambda a: a.exp(), np.exp),
    ("log", lambda a: a.log(), np.log),
    ("tanh", lambda a: a.tanh(), np.tanh),
    ("sigmoid", lambda a: a.sigmoid(), _np_sigmoid),
]

LIMIT_SIZE = 10**7
CASES = [Case("transcendental", f"{series}, {size_label(n)} float32", series=series, size=n,
              bytes=2 * 4.0 * n, quick=n in QUICK_SIZES, weight=1 + n / 3e6,
              limit="<= 0.8x" if n == LIMIT_SIZE else "-",
              make=side_by_side(_positive(n), op, np_op))
         for series, op, np_op in SERIES for n in SIZES]
CASES.append(Case("transcendental", f"exp, {size_label(LIMIT_SIZE)} float16", limit="report",
                  bytes=2 * 2.0 * LIMIT_SIZE, weight=1 + LIMIT_SIZE / 3e6,
                  make=side_by_side(_positive(LIMIT_SIZE, np.float16), lambda a: a.exp(), np.exp)))
