"""Small-op Python overhead: ops on 10 elements, where the time is all dispatch.

What a training loop pays per op on small tensors: argument checks, the dtype and
shape rules, choosing a kernel, making the result.  NumPy's row is its own overhead.
"""
import numpy as np

from ..case import Case, per_library, tensors

TITLE = "Small-op Python overhead (10 elements)"
PLOT = "bars"


def _on_small(fn, np_fn=None):
    """fn(lib, a, b) on two 10-element float32 tensors of each library."""
    def make(device="cpu"):
        rng = np.random.default_rng(0)
        arrays = [rng.random(10, dtype=np.float32), rng.random(10, dtype=np.float32)]

        def build(name, mod, dev):
            a, b = tensors(name, mod, arrays, dev)
            f = np_fn if (name == "numpy" and np_fn) else fn
            return lambda: f(mod, a, b)
        return per_library(build, device)
    return make


def _creation(fn, np_fn):
    def make(device="cpu"):
        def build(name, mod, dev):
            if name == "numpy":
                return lambda: np_fn(mod)
            return lambda: fn(mod, dev)
        return per_library(build, device)
    return make


CASES = [Case("overhead", name, make=make, quick=True) for name, make in [
    ("a * 2.0", _on_small(lambda lib, a, b: a * 2.0)),
    ("a.sum()", _on_small(lambda lib, a, b: a.sum())),
    ("a.exp()", _on_small(lambda lib, a, b: a.exp(), lambda lib, a, b: np.exp(a))),
    ("a += b (in place)", _on_small(lambda lib, a, b: a.__iadd__(b))),
    ("a[3] (basic index)", _on_small(lambda lib, a, b: a[3])),
    ("a[2:8] (slice view)", _on_small(lambda lib, a, b: a[2:8])),
    ("a.view(2, 5)", _on_small(lambda lib, a, b: a.view(2, 5),
                               lambda lib, a, b: a.reshape(2, 5))),
    ("a[0].item()", _on_small(lambda lib, a, b: a[0].item())),
    ("zeros(10)", _creation(lambda lib, dev: lib.zeros(10, device=dev),
                            lambda np_: np_.zeros(10, dtype=np_.float32))),
    ("tensor([1., 2., 3.])", _creation(lambda lib, dev: lib.tensor([1., 2., 3.], device=dev),
                                       lambda np_: np_.array([1., 2., 3.], dtype=np_.float32))),
]]
