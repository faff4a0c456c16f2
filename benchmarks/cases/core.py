"""Element-wise ops and reductions at fixed sizes (issue: core tensor).

The targets in `limit` are numtensor's time over PyTorch's, from that issue.
The size sweeps are in elementwise.py and reductions.py.
"""
import numpy as np

from ..case import Case, side_by_side  # noqa: F401  (side_by_side: other modules import it here)

TITLE = "Core element-wise and reductions (fixed sizes)"
PLOT = None


def _vectors(n, k=2):
    rng = np.random.default_rng(0)
    return lambda: [rng.random(n, dtype=np.float32) for _ in range(k)]


def _matrix_and_row():
    rng = np.random.default_rng(0)
    return [rng.random((3000, 3000), dtype=np.float32), rng.random(3000, dtype=np.float32)]


def _matrix():
    return [np.random.default_rng(0).random((3000, 3000), dtype=np.float32)]


_N = 10**7
_MATRIX_BYTES = 3000 * 3000 * 4

CASES = [
    Case("core", "add, two 1e7 float32 (new result)", limit="<= 1.1x", bytes=3 * 4 * _N,
         make=side_by_side(_vectors(_N), lambda a, b: a + b)),
    Case("core", "exp, 1e7 float32", limit="<= 1.2x", bytes=2 * 4 * _N,
         make=side_by_side(_vectors(_N, 1), lambda a: a.exp(), np.exp)),
    Case("core", "3000x3000 transposed view + row", limit="<= 1.2x", bytes=2 * _MATRIX_BYTES,
         make=side_by_side(_matrix_and_row, lambda m, r: m.t() + r, lambda m, r: m.T + r)),
    Case("core", "sum, 1e7 float32", limit="<= 1.0x", bytes=4 * _N,
         make=side_by_side(_vectors(_N, 1), lambda a: a.sum())),
    Case("core", "sum(dim=1), 3000x3000", limit="<= 1.0x", bytes=_MATRIX_BYTES,
         make=side_by_side(_matrix, lambda m: m.sum(1))),
    Case("core", "sum(dim=0), 3000x3000", limit="<= 1.0x", bytes=_MATRIX_BYTES,
         make=side_by_side(_matrix, lambda m: m.sum(0))),
    Case("core", "mean(dim=0), 3000x3000", limit="<= 1.0x", bytes=_MATRIX_BYTES,
         make=side_by_side(_matrix, lambda m: m.mean(0))),
    Case("core", "mean(dim=1), 3000x3000", limit="<= 1.0x", bytes=_MATRIX_BYTES,
         make=side_by_side(_matrix, lambda m: m.mean(1))),
    # NumPy's var is the biased one: ddof=1 is torch's default (unbiased)
    Case("core", "var(dim=0), 3000x3000", limit="<= 1.0x", bytes=_MATRIX_BYTES,
         make=side_by_side(_matrix, lambda m: m.var(0), lambda m: m.var(0, ddof=1))),
    Case("core", "var(dim=1), 3000x3000", limit="<= 1.0x", bytes=_MATRIX_BYTES,
         make=side_by_side(_matrix, lambda m: m.var(1), lambda m: m.var(1, ddof=1))),
    Case("core", "a + b, 10 elements", limit="<= 5 us", quick=True,
         make=side_by_side(_vectors(10), lambda a, b: a + b)),
]
