"""add and sum of 1e7 float32, quiet and while another process keeps one core busy.

On a small machine a parallel kernel waits for its slowest thread; when another
process holds a core, the thread that shares it runs at a fraction of its speed (and
may wait a whole scheduler time slice before it runs at all).  Issue 11's limit: each
library's time under load at most 2x its quiet time, numtensor's as PyTorch's.  The
quiet and the loaded row of an op are measured back to back by the same code, so their
ratio is the figure to read; the busy process is a Python loop in a child process,
started before a library's block and stopped after it.
"""
import subprocess
import sys
import time

import numpy as np

from ..case import Case, Skip, libraries, tensors
from ..harness import time_block

TITLE = "Under load: one core kept busy by another process"
PLOT = "bars"

N = 10**7
_BUSY = "while True:\n    pass\n"


class _BusyCore:
    """A child process spinning on one core for the life of the with-block."""

    def __enter__(self):
        self.child = subprocess.Popen([sys.executable, "-c", _BUSY])
        time.sleep(0.2)  # let the scheduler give it its core
        return self

    def __exit__(self, *exc):
        self.child.kill()
        self.child.wait()


def _ops():
    a, b = (np.random.default_rng(seed).random(N, dtype=np.float32) for seed in (0, 1))
    return {"add": ((a, b), lambda x, y: x + y), "sum": ((a,), lambda x: x.sum())}


def _measure(op, busy):
    def measure(timing):
        arrays, fn = _ops()[op]
        out = {}
        for name, mod in libraries("cpu").items():
            if name == "numpy":
                out[name] = Skip("NumPy runs one thread: there is no parallel region to wait in")
                continue
            args = tensors(name, mod, arrays, "cpu")
            if busy:
                with _BusyCore():
                    out[name] = time_block(lambda: fn(*args), timing)
            else:
                out[name] = time_block(lambda: fn(*args), timing)
        return out
    return measure


CASES = [Case("under_load", f"{op} of 1e7 float32, {state}", cpu_only=True, quick=True,
              limit="<= 2x the quiet row" if busy else "-", measure=_measure(op, busy),
              weight=3)
         for op in ("add", "sum") for state, busy in (("quiet", False), ("one core busy", True))]
