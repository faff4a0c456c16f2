"""Element-wise ops and reductions (issue: core tensor)."""
import numpy as np

import numtensor as nt

try:
    import torch
except ImportError:  # the oracle is optional
    torch = None


def side_by_side(make_arrays, fn, np_fn=None):
    """A case maker: the same fn on numtensor and torch tensors (np_fn on the arrays)."""
    def make():
        arrays = make_arrays()
        nts = [nt.from_numpy(a) for a in arrays]
        r = {"numtensor": lambda: fn(*nts), "numpy": lambda: (np_fn or fn)(*arrays)}
        if torch is not None:
            ts = [torch.from_numpy(a) for a in arrays]
            r["torch"] = lambda: fn(*ts)
        return r
    return make


def _vectors(n, k=2):
    rng = np.random.default_rng(0)
    return lambda: [rng.random(n, dtype=np.float32) for _ in range(k)]


def _matrix_and_row():
    rng = np.random.default_rng(0)
    return [rng.random((3000, 3000), dtype=np.float32), rng.random(3000, dtype=np.float32)]


def _matrix():
    return [np.random.default_rng(0).random((3000, 3000), dtype=np.float32)]


CASES = [
    ("add, two 1e7 float32 (new result)", "<= 1.1x",
     side_by_side(_vectors(10**7), lambda a, b: a + b)),
    ("exp, 1e7 float32", "<= 1.2x",
     side_by_side(_vectors(10**7, 1), lambda a: a.exp(), np.exp)),
    ("3000x3000 transposed view + row", "<= 1.2x",
     side_by_side(_matrix_and_row, lambda m, r: m.t() + r, lambda m, r: m.T + r)),
    ("sum, 1e7 float32", "<= 1.5x", side_by_side(_vectors(10**7, 1), lambda a: a.sum())),
    ("sum(dim=1), 3000x3000", "<= 1.2x", side_by_side(_matrix, lambda m: m.sum(1))),
    ("sum(dim=0), 3000x3000", "<= 1.2x", side_by_side(_matrix, lambda m: m.sum(0))),
    ("a + b, 10 elements", "<= 5 us", side_by_side(_vectors(10), lambda a, b: a + b)),
]
