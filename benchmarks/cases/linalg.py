"""Matrix products at fixed sizes (issue: linear algebra): BLAS float matmul, integer matmul.

GFLOP/s (2*m*k*n per product) of each library appear in the report next to the times.
The size sweeps are in matmul.py.
"""
import numpy as np

from ..case import Case, side_by_side

TITLE = "Linear algebra targets (fixed sizes)"
PLOT = None


def operands(a_shape, b_shape, dtype):
    def make_arrays():
        rng = np.random.default_rng(0)
        if np.dtype(dtype).kind == "i":
            return [rng.integers(-100, 100, s).astype(dtype) for s in (a_shape, b_shape)]
        return [rng.random(s, dtype=np.float64).astype(dtype) for s in (a_shape, b_shape)]
    return make_arrays


def flops(a_shape, b_shape):
    batch = int(np.prod(a_shape[:-2])) if len(a_shape) > 2 else 1
    return 2.0 * batch * a_shape[-2] * a_shape[-1] * b_shape[-1]


def _matmul(a, b):
    return a @ b


def _transposed_matmul(a, b):
    return a.T @ b  # a transposed view: BLAS reads it as a transpose, no copy


# name, limit, operand shapes, dtype, product
SPECS = [
    ("matmul 1024x1024 float32", "<= 1.25x (>= 0.8x torch GFLOP/s)",
     (1024, 1024), (1024, 1024), np.float32, _matmul),
    ("bmm (32,128,128) float32", "<= 1.2x",
     (32, 128, 128), (32, 128, 128), np.float32, _matmul),
    ("matmul 512x512 int64", "report", (512, 512), (512, 512), np.int64, _matmul),
    ("matmul 1024x1024 float32, a.T @ b", "report",
     (1024, 1024), (1024, 1024), np.float32, _transposed_matmul),
]

CASES = [Case("linalg", name, limit=limit, flops=flops(sa, sb), dtype=np.dtype(dt).name,
              make=side_by_side(operands(sa, sb, dt), fn))
         for name, limit, sa, sb, dt, fn in SPECS]
