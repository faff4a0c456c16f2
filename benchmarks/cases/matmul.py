"""matmul n x n at n = 64..2048 in float32, float64 and int64, and bmm of 32 matrices.

GFLOP/s is 2*m*k*n over the median time (GOP/s for int64); the report holds it against
the best any library reached for that dtype in the same run.
"""
import numpy as np

from ..case import Case, Skip, side_by_side
from .linalg import flops, operands

TITLE = "Matrix products"
PLOT = "size"
XLABEL = "n (n x n matrices; bmm: 32 of them)"

SIZES = [64, 128, 256, 512, 1024, 2048]
QUICK_SIZES = {64, 256, 1024}
INT_QUICK_SIZES = {64, 256}
NUMPY_INT_MAX = 512  # NumPy's integer matmul is a plain loop without BLAS: minutes at 2048
BMM_BATCH = 32
BMM_SIZES = [32, 64, 128, 256]
BMM_QUICK_SIZES = {32, 128}


def _matmul(a, b):
    return a @ b


def _without_slow_numpy(make, n):
    def make_case(device="cpu"):
        fns = make(device)
        if "numpy" in fns and n > NUMPY_INT_MAX:
            fns["numpy"] = Skip(f"NumPy's int64 matmul has no BLAS (a plain loop): "
                                f"skipped above {NUMPY_INT_MAX}")
        return fns
    return make_case


CASES = []
for _dtype in (np.float32, np.float64, np.int64):
    _name = np.dtype(_dtype).name
    _quick = INT_QUICK_SIZES if _name == "int64" else QUICK_SIZES
    for _n in SIZES:
        _make = side_by_side(operands((_n, _n), (_n, _n), _dtype), _matmul)
        if _name == "int64":
            _make = _without_slow_numpy(_make, _n)
        CASES.append(Case("matmul", f"matmul {_n}x{_n} {_name}", series=f"matmul {_name}",
                          size=_n, flops=flops((_n, _n), (_n, _n)), dtype=_name,
                          quick=_n in _quick, make=_make,
                          weight=1 + (4 if _name == "int64" else 1) * (_n / 1024) ** 3))
for _n in BMM_SIZES:
    _shape = (BMM_BATCH, _n, _n)
    CASES.append(Case("matmul", f"bmm ({BMM_BATCH},{_n},{_n}) float32",
                      series=f"bmm of {BMM_BATCH} float32", size=_n, flops=flops(_shape, _shape),
                      dtype="float32", quick=_n in BMM_QUICK_SIZES,
                      make=side_by_side(operands(_shape, _shape, np.float32), _matmul)))
