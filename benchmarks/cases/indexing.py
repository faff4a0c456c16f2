"""Advanced indexing and joining (issue: indexing and joining ops), fixed sizes and sweeps."""
import numpy as np

from ..case import Case, per_library, size_label, tensors

TITLE = "Indexing and joining"
PLOT = "size"


def _fixed(arrays_fn, fn, np_fn=None):
    """A maker: fn(lib, *tensors) on each library's tensors of the same arrays."""
    def make(device="cpu"):
        arrays = arrays_fn()

        def build(name, mod, dev):
            args = tensors(name, mod, arrays, dev)
            f = np_fn if (name == "numpy" and np_fn) else fn
            return lambda: f(mod, *args)
        return per_library(build, device)
    return make


def _rows_and_index():
    rng = np.random.default_rng(0)
    return [rng.random((10**5, 64), dtype=np.float32), rng.integers(0, 10**5, 10**5)]


def _normal(n):
    return lambda: [np.random.default_rng(0).standard_normal(n, dtype=np.float32)]


def _two_halves():
    rng = np.random.default_rng(0)
    return [rng.random(5 * 10**6, dtype=np.float32), rng.random(5 * 10**6, dtype=np.float32)]


def _vector_and_index(n):
    def arrays():
        rng = np.random.default_rng(0)
        return [rng.random(n, dtype=np.float32), rng.integers(0, n, n)]
    return arrays


CASES = [
    Case("indexing", "x[idx], 1e5 random rows of 1e5x64 float32", limit="<= 1.5x",
         make=_fixed(_rows_and_index, lambda lib, x, i: x[i])),
    Case("indexing", "x[x > 0], 1e7 float32", limit="<= 1.5x",
         make=_fixed(_normal(10**7), lambda lib, x: x[x > 0])),
    Case("indexing", "cat of two 5e6 float32", limit="<= 1.2x",
         make=_fixed(_two_halves, lambda lib, a, b: lib.cat((a, b)),
                     lambda lib, a, b: np.concatenate((a, b)))),
]

SIZES = [10**k for k in range(2, 8)]  # a random gather of 1e8 takes seconds a call
QUICK_SIZES = {10**2, 10**4, 10**6}

for _n in SIZES:
    CASES.append(Case("indexing", f"x[idx] gather, {size_label(_n)} float32",
                      series="x[idx] gather (random int64 index)", size=_n,
                      quick=_n in QUICK_SIZES, weight=1 + _n / 1e6,
                      make=_fixed(_vector_and_index(_n), lambda lib, x, i: x[i])))
    CASES.append(Case("indexing", f"x[x > 0] mask, {size_label(_n)} float32",
                      series="x[x > 0] boolean mask", size=_n, quick=_n in QUICK_SIZES,
                      weight=1 + _n / 1e6,
                      make=_fixed(_normal(_n), lambda lib, x: x[x > 0])))
