"""Element-wise add over sizes 1e2..1e8: contiguous, strided and broadcast operands.

`bytes` is the memory one call must move (inputs read once, result written once, as
STREAM counts): the report holds the achieved GB/s against the measured triad.  A
strided view of every 2nd element still pulls every cache line of its span.
"""
import numpy as np

from ..case import Case, side_by_side, size_label

TITLE = "Element-wise: contiguous, strided, broadcast"
PLOT = "size"

SIZES = [10**k for k in range(2, 9)]
QUICK_SIZES = {10**2, 10**4, 10**6}
ROW = 100  # the broadcast row's length


def _vectors(n, k=2):
    return lambda: [np.random.default_rng(0).random(n, dtype=np.float32) for _ in range(k)]


def _matrix_and_row(n):
    def arrays():
        rng = np.random.default_rng(0)
        return [rng.random((n // ROW, ROW), dtype=np.float32), rng.random(ROW, dtype=np.float32)]
    return arrays


def _add(a, b):
    return a + b


def _add_every_second(a, b):
    return a[::2] + b[::2]


# series, operands for n result elements, op, bytes moved for n
SERIES = [
    ("add contiguous", lambda n: _vectors(n), _add, lambda n: 3 * 4 * n),
    ("add strided (every 2nd element)", lambda n: _vectors(2 * n), _add_every_second,
     lambda n: (2 * 2 + 1) * 4 * n),
    (f"add broadcast (n/{ROW} x {ROW}) + row", _matrix_and_row, _add, lambda n: 2 * 4 * n),
]

CASES = [Case("elementwise", f"{series}, {size_label(n)} float32", series=series, size=n,
              bytes=float(moved(n)), quick=n in QUICK_SIZES,
              weight=1 + n / 1e7, make=side_by_side(arrays(n), op))
         for series, arrays, op, moved in SERIES for n in SIZES]

# issue 11 asks for float16 figures to be reported: numtensor loads float16, adds in
# float32 and rounds the sum back, inside one kernel
_HALF = 10**7
CASES.append(Case("elementwise", f"add contiguous, {size_label(_HALF)} float16", limit="report",
                  bytes=3 * 2.0 * _HALF, weight=1 + _HALF / 1e7,
                  make=side_by_side(lambda: [v.astype(np.float16) for v in _vectors(_HALF)()],
                                    _add)))
