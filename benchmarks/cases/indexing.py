"""Advanced indexing and joining (issue: indexing and joining ops)."""
import numpy as np

import numtensor as nt

try:
    import torch
except ImportError:  # the oracle is optional
    torch = None


def rows_gather():
    rng = np.random.default_rng(0)
    x = rng.random((10**5, 64), dtype=np.float32)
    idx = rng.integers(0, 10**5, 10**5)
    tx, ti = nt.from_numpy(x), nt.from_numpy(idx)
    r = {"numtensor": lambda: tx[ti], "numpy": lambda: x[idx]}
    if torch:
        px, pi = torch.from_numpy(x), torch.from_numpy(idx)
        r["torch"] = lambda: px[pi]
    return r


def mask_select():
    x = np.random.default_rng(0).standard_normal(10**7, dtype=np.float32)
    tx = nt.from_numpy(x)
    r = {"numtensor": lambda: tx[tx > 0], "numpy": lambda: x[x > 0]}
    if torch:
        px = torch.from_numpy(x)
        r["torch"] = lambda: px[px > 0]
    return r


def cat_two():
    rng = np.random.default_rng(0)
    a = rng.random(5 * 10**6, dtype=np.float32)
    b = rng.random(5 * 10**6, dtype=np.float32)
    ta, tb = nt.from_numpy(a), nt.from_numpy(b)
    r = {"numtensor": lambda: nt.cat((ta, tb)), "numpy": lambda: np.concatenate((a, b))}
    if torch:
        pa, pb = torch.from_numpy(a), torch.from_numpy(b)
        r["torch"] = lambda: torch.cat((pa, pb))
    return r


CASES = [
    ("x[idx], 1e5 random rows of 1e5x64 float32", "<= 1.5x", rows_gather),
    ("x[x > 0], 1e7 float32", "<= 1.5x", mask_select),
    ("cat of two 5e6 float32", "<= 1.2x", cat_two),
]
