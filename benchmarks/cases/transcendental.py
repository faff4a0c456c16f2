"""exp, log, tanh and sigmoid of float32 over sizes 1e2..1e8.

NumPy has no sigmoid: its row is 1 / (1 + exp(-x)), the way a NumPy user writes it.
"""
import numpy as np

from ..case import Case, side_by_side, size_label

TITLE = "Transcendental functions"
PLOT = "size"

SIZES = [10**k for k in range(2, 9)]
QUICK_SIZES = {10**2, 10**4, 10**6}


def _positive(n):
    # in [0.5, 1.5): inside every function's domain, away from log's pole
    return lambda: [np.random.default_rng(0).random(n, dtype=np.float32) + np.float32(0.5)]


def _np_sigmoid(a):
    return 1 / (1 + np.exp(-a))


SERIES = [
    ("exp", lambda a: a.exp(), np.exp),
    ("log", lambda a: a.log(), np.log),
    ("tanh", lambda a: a.tanh(), np.tanh),
    ("sigmoid", lambda a: a.sigmoid(), _np_sigmoid),
]

CASES = [Case("transcendental", f"{series}, {size_label(n)} float32", series=series, size=n,
              bytes=2 * 4.0 * n, quick=n in QUICK_SIZES, weight=1 + n / 3e6,
              make=side_by_side(_positive(n), op, np_op))
         for series, op, np_op in SERIES for n in SIZES]
