"""Element-wise ops and reductions (issue: core tensor)."""
import numpy as np

import numtensor as nt

try:
    import torch
except ImportError:  # the oracle is optional
    torch = None


def _pair(n, dtype=np.float32):
    rng = np.random.default_rng(0)
    a = rng.random(n, dtype=np.float64).astype(dtype)
    b = rng.random(n, dtype=np.float64).astype(dtype)
    return a, b


def add_1e7():
    a, b = _pair(10**7)
    ta, tb = nt.from_numpy(a), nt.from_numpy(b)
    r = {"numtensor": lambda: ta + tb, "numpy": lambda: a + b}
    if torch:
        pa, pb = torch.from_numpy(a), torch.from_numpy(b)
        r["torch"] = lambda: pa + pb
    return r


def exp_1e7():
    a, _ = _pair(10**7)
    ta = nt.from_numpy(a)
    r = {"numtensor": lambda: ta.exp(), "numpy": lambda: np.exp(a)}
    if torch:
        pa = torch.from_numpy(a)
        r["torch"] = lambda: pa.exp()
    return r


def transposed_plus_row():
    rng = np.random.default_rng(0)
    m = rng.random((3000, 3000), dtype=np.float32)
    row = rng.random(3000, dtype=np.float32)
    tm, tr = nt.from_numpy(m), nt.from_numpy(row)
    r = {"numtensor": lambda: tm.t() + tr, "numpy": lambda: m.T + row}
    if torch:
        pm, pr = torch.from_numpy(m), torch.from_numpy(row)
        r["torch"] = lambda: pm.t() + pr
    return r


def sum_1e7():
    a, _ = _pair(10**7)
    ta = nt.from_numpy(a)
    r = {"numtensor": lambda: ta.sum(), "numpy": lambda: a.sum()}
    if torch:
        pa = torch.from_numpy(a)
        r["torch"] = lambda: pa.sum()
    return r


def sum_dim(dim):
    def make():
        m = np.random.default_rng(0).random((3000, 3000), dtype=np.float32)
        tm = nt.from_numpy(m)
        r = {"numtensor": lambda: tm.sum(dim), "numpy": lambda: m.sum(dim)}
        if torch:
            pm = torch.from_numpy(m)
            r["torch"] = lambda: pm.sum(dim)
        return r
    return make


def add_small():
    a, b = _pair(10)
    ta, tb = nt.from_numpy(a), nt.from_numpy(b)
    r = {"numtensor": lambda: ta + tb, "numpy": lambda: a + b}
    if torch:
        pa, pb = torch.from_numpy(a), torch.from_numpy(b)
        r["torch"] = lambda: pa + pb
    return r


CASES = [
    ("add, two 1e7 float32 (new result)", "<= 1.1x", add_1e7),
    ("exp, 1e7 float32", "<= 1.2x", exp_1e7),
    ("3000x3000 transposed view + row", "<= 1.2x", transposed_plus_row),
    ("sum, 1e7 float32", "<= 1.5x", sum_1e7),
    ("sum(dim=1), 3000x3000", "<= 1.2x", sum_dim(1)),
    ("sum(dim=0), 3000x3000", "<= 1.2x", sum_dim(0)),
    ("a + b, 10 elements", "<= 5 us", add_small),
]
