"""Autograd overhead (issue: autograd): a tiny forward + backward is all Python cost."""
import numpy as np

import numtensor as nt

try:
    import torch
except ImportError:  # the oracle is optional
    torch = None


def _forward_backward(lib, n):
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.random(n, dtype=np.float64).astype(np.float32), requires_grad=True)
    w = lib.tensor(rng.random(n, dtype=np.float64).astype(np.float32), requires_grad=True)

    def step():
        x.grad = None
        w.grad = None
        (x * w).sum().backward()
    return step


def mul_sum_backward_10():
    r = {"numtensor": _forward_backward(nt, 10)}
    if torch:
        r["torch"] = _forward_backward(torch, 10)
    return r


def chain_backward_100():
    """100 chained element-wise ops on 10 elements: the engine's per-node cost."""
    def make(lib):
        x = lib.ones(10, requires_grad=True)

        def step():
            x.grad = None
            y = x
            for _ in range(100):
                y = y * 1.01
            y.sum().backward()
        return step
    r = {"numtensor": make(nt)}
    if torch:
        r["torch"] = make(torch)
    return r


CASES = [
    ("(x * w).sum().backward(), 10 elements", "<= 60 us", mul_sum_backward_10),
    ("100 chained muls + backward, 10 elements", "-", chain_backward_100),
]
