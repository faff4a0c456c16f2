"""Matrix products (issue: linear algebra): BLAS-backed float matmul, integer matmul.

report() adds GFLOP/s (2*m*k*n per product) for each library after the timing table.
"""
import numpy as np

import numtensor as nt

try:
    import torch
except ImportError:  # the oracle is optional
    torch = None


def _operands(a_shape, b_shape, dtype):
    rng = np.random.default_rng(0)
    if np.dtype(dtype).kind == "i":
        return (rng.integers(-100, 100, a_shape).astype(dtype),
                rng.integers(-100, 100, b_shape).astype(dtype))
    return (rng.random(a_shape, dtype=np.float64).astype(dtype),
            rng.random(b_shape, dtype=np.float64).astype(dtype))


def _case(a_shape, b_shape, dtype):
    def make():
        a, b = _operands(a_shape, b_shape, dtype)
        ta, tb = nt.from_numpy(a), nt.from_numpy(b)
        r = {"numtensor": lambda: ta @ tb, "numpy": lambda: a @ b}
        if torch:
            pa, pb = torch.from_numpy(a), torch.from_numpy(b)
            r["torch"] = lambda: pa @ pb
        return r
    return make


def _flops(a_shape, b_shape):
    batch = int(np.prod(a_shape[:-2])) if len(a_shape) > 2 else 1
    return 2.0 * batch * a_shape[-2] * a_shape[-1] * b_shape[-1]


SPECS = [
    ("matmul 1024x1024 float32", "<= 1.25x (>= 0.8x torch GFLOP/s)",
     (1024, 1024), (1024, 1024), np.float32),
    ("bmm (32,128,128) float32", "<= 1.67x (>= 0.6x torch speed)",
     (32, 128, 128), (32, 128, 128), np.float32),
    ("matmul 512x512 int64", "report", (512, 512), (512, 512), np.int64),
    ("matmul 1024x1024 float32, a.t() @ b", "report",
     (1024, 1024), (1024, 1024), np.float32),
]

CASES = [(name, limit, _case(sa, sb, dt)) for name, limit, sa, sb, dt in SPECS[:3]]


def _transposed_case():
    a, b = _operands((1024, 1024), (1024, 1024), np.float32)
    ta, tb = nt.from_numpy(a), nt.from_numpy(b)
    r = {"numtensor": lambda: ta.t() @ tb, "numpy": lambda: a.T @ b}
    if torch:
        pa, pb = torch.from_numpy(a), torch.from_numpy(b)
        r["torch"] = lambda: pa.t() @ pb
    return r


CASES.append((SPECS[3][0], SPECS[3][1], _transposed_case))


def report(rows, out=print):
    out(f"\n{'GFLOP/s':46s} {'numtensor':>11s} {'numpy':>11s} {'torch':>11s}")
    flops = {name: _flops(sa, sb) for name, _, sa, sb, _ in SPECS}
    for name, times, _, _ in rows:
        f = flops[name]
        cells = [f"{f / times[lib] / 1e9:11.1f}" if times.get(lib) else f"{'-':>11s}"
                 for lib in ("numtensor", "numpy", "torch")]
        out(f"{name:46s} {' '.join(cells)}")
