"""Import time and the first op's compile time, each in a fresh Python process.

numtensor compiles a kernel on first use and caches it on disk.  "Cold" runs get an
empty cache directory of their own (NUMTENSOR_CACHE_DIR, and NUMBA_CACHE_DIR for the
kernels Numba caches next to numtensor's own modules); "warm" runs reuse the cache a
cold run filled.  NumPy and PyTorch compile nothing: their rows are the same first op
in a fresh process, for scale.  Import time is measured inside the child, so Python's
own start-up is not in it.  The children may write and read Python's bytecode cache
(__pycache__) whatever PYTHONDONTWRITEBYTECODE says: an installed package has its
bytecode, and without it every import compiles numtensor's sources again (about 0.15 s
of a 0.23 s import on a 2-core AMD EPYC).  The first child writes it; the figures are
medians.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from ..case import Case, Skip, module
from ..harness import SPREAD_LIMIT
from .training import NEEDS_CONVNET

TITLE = "Import time and first-op compile (fresh processes)"
PLOT = "bars"

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# argv[1]: the library; prints its import time and the first op's time
_FIRST_OP = r"""
import sys, time
t0 = time.perf_counter()
lib = __import__(sys.argv[1])
t1 = time.perf_counter()
a = lib.ones(100000); b = lib.ones(100000)
t2 = time.perf_counter()
(a + b).sum()
t3 = time.perf_counter()
print(t1 - t0, t3 - t2)
"""

_FIRST_STEP = r"""
import sys, time
import numpy as np
sys.path.insert(0, sys.argv[2])
t0 = time.perf_counter()
lib = __import__(sys.argv[1])
t_import = time.perf_counter() - t0
from benchmarks.cases.training import convnet, training_step
rng = np.random.default_rng(0)
x = lib.from_numpy(rng.random((100, 1, 28, 28), dtype=np.float32))
y = lib.from_numpy(rng.integers(0, 10, 100))
lib.manual_seed(0)
step = training_step(lib, convnet(lib.nn), x, y)
t0 = time.perf_counter()
step()
t1 = time.perf_counter()
print(t_import, t1 - t0)
"""


def _child(script, library, cache_dir=None):
    """(import seconds, first-op seconds) from a fresh interpreter."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if cache_dir is not None:
        env["NUMTENSOR_CACHE_DIR"] = cache_dir
        env["NUMBA_CACHE_DIR"] = os.path.join(cache_dir, "numba")
    done = subprocess.run([sys.executable, "-c", script, library, ROOT], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"the child process failed: {last}")
    imported, first = (float(v) for v in done.stdout.split()[-2:])
    return imported, first


class _Probes:
    """Fresh children of one script; figures are kept so that cases can share them."""

    def __init__(self, script):
        self.script = script
        self.results = {}     # (library, kind) -> [(import s, first-op s), ...]
        self.warm_dir = None  # the cache the latest cold run filled

    def run(self, library, kind, count):
        """count new children: 'cold' (each with an empty cache of its own), 'warm' (the
        cache the latest cold run filled) or 'plain' (the environment as it is)."""
        new = []
        for _ in range(count):
            if kind == "cold":
                cache = tempfile.mkdtemp(prefix="numtensor-cold-")
                new.append(_child(self.script, library, cache))
                self.close()
                self.warm_dir = cache
            elif kind == "warm":
                if self.warm_dir is None:  # the cold case was left out: fill a cache first
                    self.run(library, "cold", 1)
                new.append(_child(self.script, library, self.warm_dir))
            else:
                new.append(_child(self.script, library))
        self.results.setdefault((library, kind), []).extend(new)
        return new

    def shared(self, library, kind, count):
        """The figures so far, running children only when there are none."""
        return self.results.get((library, kind)) or self.run(library, kind, count)

    def close(self):
        if self.warm_dir:
            shutil.rmtree(self.warm_dir, ignore_errors=True)
            self.warm_dir = None


def _with_repeat(runs_fn, runs, timing):
    """Seconds from runs_fn(count); one more batch when the spread is above the limit,
    unless the first batch already took longer than timing.repeat_budget."""
    started = time.perf_counter()
    samples = runs_fn(runs)
    if (timing.max_repeats and len(samples) > 1
            and time.perf_counter() - started < timing.repeat_budget):
        median = statistics.median(samples)
        if (max(samples) - min(samples)) / median > SPREAD_LIMIT:
            samples = samples + runs_fn(runs)
    return samples


_first_op = _Probes(_FIRST_OP)
_first_step = _Probes(_FIRST_STEP)


def _references(probes, timing, pick, libraries=("numpy", "torch")):
    """NumPy's and PyTorch's figures from plain fresh processes (no kernel cache to fill)."""
    return {library: [pick(r) for r in probes.shared(library, "plain", timing.probe_runs)]
            for library in libraries if module(library) is not None}


def _first(kind, probes, references):
    def measure(timing):
        out = {}
        try:
            out["numtensor"] = _with_repeat(
                lambda count: [r[1] for r in probes.run("numtensor", kind, count)],
                timing.probe_runs, timing)
        except RuntimeError as exc:
            out["numtensor"] = Skip(str(exc))
        out.update(_references(probes, timing, lambda r: r[1], references))
        if kind == "warm":
            probes.close()
        return out
    return measure


def _import_time(timing):
    """From the first-op children that already ran, or from new ones."""
    nt_runs = [r[0] for kind in ("cold", "warm")
               for r in _first_op.results.get(("numtensor", kind), [])]
    if not nt_runs:
        nt_runs = [r[0] for r in _first_op.run("numtensor", "plain", timing.probe_runs)]
    out = {"numtensor": nt_runs}
    out.update(_references(_first_op, timing, lambda r: r[0]))
    return out


_OP = "first (a + b).sum() of 1e5"
_STEP = "first convnet training step"
_BOTH = ("numpy", "torch")

CASES = [
    Case("startup", f"{_OP}, cold kernel cache", measure=_first("cold", _first_op, _BOTH),
         cpu_only=True, quick=True, weight=24),
    Case("startup", f"{_OP}, warm kernel cache", measure=_first("warm", _first_op, _BOTH),
         cpu_only=True, quick=True, weight=5),
    Case("startup", "import", measure=_import_time, cpu_only=True, quick=True),
    Case("startup", f"{_STEP}, cold kernel cache", limit="<= 8 s",
         measure=_first("cold", _first_step, ("torch",)),
         needs=NEEDS_CONVNET, cpu_only=True, quick=True, weight=20),
    Case("startup", f"{_STEP}, warm kernel cache", limit="<= 1 s",
         measure=_first("warm", _first_step, ("torch",)),
         needs=NEEDS_CONVNET, cpu_only=True, quick=True, weight=5),
]
