"""Matrix products (issue: linear algebra): BLAS-backed float matmul, integer matmul.

report() adds GFLOP/s (2*m*k*n per product) for each library after the timing table.
"""
import numpy as np

from .core import side_by_side


def _operands(a_shape, b_shape, dtype):
    def make_arrays():
        rng = np.random.default_rng(0)
        if np.dtype(dtype).kind == "i":
            return [rng.integers(-100, 100, s).astype(dtype) for s in (a_shape, b_shape)]
        return [rng.random(s, dtype=np.float64).astype(dtype) for s in (a_shape, b_shape)]
    return make_arrays


def _matmul(a, b):
    return a @ b


def _transposed_matmul(a, b):
    return a.T @ b  # a transposed view: BLAS reads it as a transpose, no copy


# name, limit, operand shapes, dtype, product
SPECS = [
    ("matmul 1024x1024 float32", "<= 1.25x (>= 0.8x torch GFLOP/s)",
     (1024, 1024), (1024, 1024), np.float32, _matmul),
    ("bmm (32,128,128) float32", "<= 1.67x (>= 0.6x torch speed)",
     (32, 128, 128), (32, 128, 128), np.float32, _matmul),
    ("matmul 512x512 int64", "report", (512, 512), (512, 512), np.int64, _matmul),
    ("matmul 1024x1024 float32, a.T @ b", "report",
     (1024, 1024), (1024, 1024), np.float32, _transposed_matmul),
]

CASES = [(name, limit, side_by_side(_operands(sa, sb, dt), fn))
         for name, limit, sa, sb, dt, fn in SPECS]


def _flops(a_shape, b_shape):
    batch = int(np.prod(a_shape[:-2])) if len(a_shape) > 2 else 1
    return 2.0 * batch * a_shape[-2] * a_shape[-1] * b_shape[-1]


def report(rows, out=print):
    """GFLOP/s of every library for each timed case (rows as run_cases returns them)."""
    flops = {name: _flops(sa, sb) for name, _, sa, sb, _, _ in SPECS}
    out(f"\n{'GFLOP/s':46s} {'numtensor':>11s} {'numpy':>11s} {'torch':>11s}")
    for name, times, _, _ in rows:
        cells = [f"{flops[name] / times[lib] / 1e9:11.1f}" if times.get(lib) else f"{'-':>11s}"
                 for lib in ("numtensor", "numpy", "torch")]
        out(f"{name:46s} {' '.join(cells)}")
