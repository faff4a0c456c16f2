"""Reductions over sizes 1e2..1e8: the whole tensor, down columns and along rows."""
import numpy as np

from ..case import Case, side_by_side, size_label

TITLE = "Reductions"
PLOT = "size"

SIZES = [10**k for k in range(2, 9)]
QUICK_SIZES = {10**2, 10**4, 10**6}
ROW = 100


def _vector(n):
    return lambda: [np.random.default_rng(0).random(n, dtype=np.float32)]


def _matrix(n):
    return lambda: [np.random.default_rng(0).random((n // ROW, ROW), dtype=np.float32)]


# series, operands, op (NumPy spells dim as axis)
SERIES = [
    ("sum()", _vector, lambda a: a.sum(), None),
    (f"sum(dim=0) of (n/{ROW} x {ROW})", _matrix, lambda m: m.sum(0), None),
    (f"sum(dim=1) of (n/{ROW} x {ROW})", _matrix, lambda m: m.sum(1), None),
]

CASES = [Case("reductions", f"{series}, {size_label(n)} float32", series=series, size=n,
              bytes=4.0 * n, quick=n in QUICK_SIZES, weight=1 + n / 1e7,
              make=side_by_side(arrays(n), op, np_op))
         for series, arrays, op, np_op in SERIES for n in SIZES]
