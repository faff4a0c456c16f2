"""What a benchmark case is, and the helpers the case modules share.

A case times the same work in every library.  Its `make(device)` returns
{library: callable}, or a Skip in place of a callable when that library cannot run it
(the reason goes into the report).  The harness times each callable in a block of its own.
Cases whose figures do not come from a callable (import time, first-op compile, each in
a fresh subprocess) give `measure(timing)` instead, returning {library: [seconds, ...]}.
"""
import importlib
import importlib.util
import os
from dataclasses import dataclass
from typing import Callable, Optional

LIBRARIES = ("numtensor", "numpy", "torch")


@dataclass(frozen=True)
class Skip:
    """Stands in for a library's callable: that library is not timed, for this reason."""
    reason: str


@dataclass
class Case:
    group: str
    name: str
    make: Optional[Callable] = None       # make(device) -> {library: callable or Skip}
    limit: str = "-"                      # the target an issue set for this case, shown as is
    series: Optional[str] = None          # its line in the group's time-against-size plot
    size: Optional[int] = None            # that point's x value (elements, or n for n x n)
    bytes: Optional[float] = None         # memory traffic of one call: inputs read + result written
    flops: Optional[float] = None         # arithmetic of one call (matmul: 2*m*k*n)
    dtype: Optional[str] = None           # matmul: the dtype whose peak it is held against
    quick: bool = False                   # part of the --quick run
    needs: Optional[Callable[[], Optional[str]]] = None  # -> why the whole case is skipped, or None
    measure: Optional[Callable] = None    # measure(timing) -> {library: [seconds] or Skip}
    cpu_only: bool = False                # measures something with no CUDA counterpart
    gpu_only: bool = False                # measures the GPU only (skipped on the CPU)
    weight: float = 1.0                   # rough cost, for the progress line's time-left estimate

    @property
    def key(self):
        return f"{self.group}/{self.name}"


def size_label(n):
    """1e6 for 1000000, 2048 for 2048: sizes in case names."""
    if n >= 1000 and n == 10 ** (len(str(n)) - 1):
        return f"1e{len(str(n)) - 1}"
    return str(n)


# ---- the libraries -------------------------------------------------------------------

def module(name):
    """The library module, or None when it is not installed."""
    if name == "numpy":
        import numpy
        return numpy
    if importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name)


def libraries(device):
    """{library: module} of those that run on `device` (NumPy has no CUDA rows)."""
    libs = {}
    for name in LIBRARIES:
        if device != "cpu" and name == "numpy":
            continue
        mod = module(name)
        if mod is not None:
            libs[name] = mod
    return libs


def _synchronised(fn, mod):
    """On a GPU a call returns before the work is done: wait for it inside the timing."""
    def call():
        fn()
        mod.cuda.synchronize()
    return call


def per_library(build, device="cpu"):
    """A case's {library: callable}: build(name, module, device) returns one library's callable.

    An exception while building (numtensor cannot put a tensor on CUDA yet, an op or
    module is missing) becomes a Skip with the exception's text as the reason."""
    fns = {}
    for name, mod in libraries(device).items():
        try:
            fn = build(name, mod, device)
        except Exception as exc:  # the reason is reported; the other libraries still run
            fn = Skip(f"{type(exc).__name__}: {exc}")
        if callable(fn) and device != "cpu":
            fn = _synchronised(fn, mod)
        fns[name] = fn
    return fns


def tensors(name, mod, arrays, device):
    """The NumPy arrays as `name`'s tensors on `device` (the arrays themselves for NumPy)."""
    if name == "numpy":
        return list(arrays)
    ts = [mod.from_numpy(a) for a in arrays]
    if device != "cpu":
        ts = [t.to(device) for t in ts]
    return ts


def side_by_side(make_arrays, fn, np_fn=None):
    """A case maker: fn on every library's tensors of the same arrays (np_fn for NumPy)."""
    def make(device="cpu"):
        arrays = make_arrays()

        def build(name, mod, dev):
            args = tensors(name, mod, arrays, dev)
            f = (np_fn or fn) if name == "numpy" else fn
            return lambda: f(*args)
        return per_library(build, device)
    return make


def needs_numtensor(*names):
    """A `needs` check: why the case cannot run on this numtensor, or None.

    names are dotted attributes of numtensor ('nn.Conv2d', 'optim.SGD')."""
    def check():
        import numtensor
        home = os.path.dirname(os.path.abspath(numtensor.__file__))
        missing = []
        for dotted in names:
            top = dotted.split(".")[0]
            spec = importlib.util.find_spec("numtensor." + top)
            if spec is None:
                return f"needs numtensor.{top} (this numtensor has no {top} module yet)"
            # an editable install of another checkout can supply a submodule this one lacks
            origin = os.path.abspath(spec.origin or "")
            if not origin.startswith(home + os.sep):
                return (f"needs numtensor.{top} (this numtensor has none; the one found at "
                        f"{origin} belongs to another checkout)")
            obj = importlib.import_module("numtensor." + top)
            for part in dotted.split(".")[1:]:
                obj = getattr(obj, part, None)
                if obj is None:
                    missing.append("numtensor." + dotted)
                    break
        if missing:
            return "needs " + ", ".join(missing) + " (not in this numtensor yet)"
        return None
    return check
