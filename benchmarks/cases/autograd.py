"""Autograd overhead (issue: autograd): a tiny forward + backward is all Python cost."""
import numpy as np

from ..case import Case, per_library

TITLE = "Autograd overhead"
PLOT = "bars"


def _mul_sum_backward(n):
    def build(name, lib, device):
        if name == "numpy":
            return None  # NumPy has no autograd
        rng = np.random.default_rng(0)
        x = lib.tensor(rng.random(n, dtype=np.float64).astype(np.float32), requires_grad=True,
                       device=device)
        w = lib.tensor(rng.random(n, dtype=np.float64).astype(np.float32), requires_grad=True,
                       device=device)

        def step():
            x.grad = None
            w.grad = None
            (x * w).sum().backward()
        return step
    return _without_numpy(build)


def _chain_backward(length, n):
    def build(name, lib, device):
        if name == "numpy":
            return None
        x = lib.ones(n, requires_grad=True, device=device)

        def step():
            x.grad = None
            y = x
            for _ in range(length):
                y = y * 1.01
            y.sum().backward()
        return step
    return _without_numpy(build)


def _record_only(n):
    """a + b on tensors that require grad, no backward: the cost of recording the graph."""
    def build(name, lib, device):
        if name == "numpy":
            return None
        a = lib.ones(n, requires_grad=True, device=device)
        b = lib.ones(n, requires_grad=True, device=device)
        return lambda: a + b
    return _without_numpy(build)


def _without_numpy(build):
    def make(device="cpu"):
        fns = per_library(build, device)
        return {lib: fn for lib, fn in fns.items() if fn is not None}
    return make


CASES = [
    Case("autograd", "(x * w).sum().backward(), 10 elements", limit="<= 60 us", quick=True,
         make=_mul_sum_backward(10)),
    Case("autograd", "100 chained muls + backward, 10 elements", quick=True,
         make=_chain_backward(100, 10)),
    Case("autograd", "a + b recording the graph, 10 elements", quick=True,
         make=_record_only(10)),
]
