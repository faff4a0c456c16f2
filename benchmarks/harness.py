"""Side-by-side timing of numtensor, NumPy and PyTorch in one process.

Each library is timed in a block of its own (warm-up calls, then samples), because on
a small machine one library's spinning worker threads slow the next one down if calls
are interleaved: two OpenMP pools spinning together distort both.  The blocks run in
passes (A B C, A B C) and a library's figure is its block with the lowest median, so
one slow phase of a shared machine does not decide it.  When a figure's min-max spread
is still above SPREAD_LIMIT, the case gets another pass, up to Timing.max_repeats while
the case has taken less than Timing.repeat_budget (a call of seconds is not repeated
for minutes).
First-call compilation is not in the figures: the startup cases measure it separately.
"""
import statistics
import time
from dataclasses import dataclass

SPREAD_LIMIT = 0.20   # (max - min) / median above which a case is repeated
MIN_SAMPLES = 3       # a spread needs a few samples, even of a slow call
_THREAD_REST_S = 0.005  # lets the last library's worker threads stop spinning


@dataclass(frozen=True)
class Timing:
    samples: int = 11         # samples per block (fewer for slow calls, see block_budget)
    sample_time: float = 0.015  # a sample loops the call until it takes about this long
    max_calls: int = 2000     # calls per sample, at most
    block_budget: float = 1.0  # seconds one block should take, about
    passes: int = 2
    max_repeats: int = 2      # extra passes for a case whose spread stays above SPREAD_LIMIT
    repeat_budget: float = 20.0  # ... while the case has taken fewer seconds than this
    probe_runs: int = 5       # fresh subprocesses per startup figure


FULL = Timing()
QUICK = Timing(samples=5, sample_time=0.004, max_calls=500, block_budget=0.12,
               passes=2, max_repeats=1, repeat_budget=3.0, probe_runs=2)


@dataclass
class Measurement:
    """Seconds per call of one library in one case: the chosen block's samples."""
    samples: list
    repeats: int = 0

    @property
    def median(self):
        return statistics.median(self.samples)

    @property
    def min(self):
        return min(self.samples)

    @property
    def max(self):
        return max(self.samples)

    @property
    def spread(self):
        return (self.max - self.min) / self.median

    def as_dict(self):
        return {"median": self.median, "min": self.min, "max": self.max,
                "spread": self.spread, "samples": len(self.samples), "repeats": self.repeats}


def time_block(fn, timing=FULL):
    """One library's block: warm-ups, then samples of seconds per call."""
    t0 = time.perf_counter()
    fn()  # the first call may compile or fault in pages: never a sample
    if time.perf_counter() - t0 < timing.sample_time:
        fn()
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    number = max(1, min(timing.max_calls, int(timing.sample_time / one)))
    count = max(MIN_SAMPLES, min(timing.samples, int(timing.block_budget / (one * number))))
    samples = [one] if number == 1 else []  # a slow call's calibration is a sample already
    while len(samples) < count:
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - t0) / number)
    return samples


def _best_block(blocks):
    return min(blocks, key=statistics.median)


def time_libraries(fns, timing=FULL, on_block=None):
    """({library: Measurement}, {library: reason}) for {library: callable}.

    A library whose callable raises is dropped with the exception as its reason;
    the others are still timed.  on_block(library) is called before each block."""
    blocks = {lib: [] for lib in fns}
    failed = {}
    started = time.perf_counter()

    def one_pass():
        for lib, fn in fns.items():
            if lib in failed:
                continue
            if on_block:
                on_block(lib)
            try:
                blocks[lib].append(time_block(fn, timing))
            except Exception as exc:  # reported as this library's skip reason
                failed[lib] = f"raised {type(exc).__name__}: {exc}"
            time.sleep(_THREAD_REST_S)

    def noisy():
        return any(Measurement(_best_block(b)).spread > SPREAD_LIMIT
                   for lib, b in blocks.items() if lib not in failed and b)

    for _ in range(timing.passes):
        one_pass()
    repeats = 0
    while (repeats < timing.max_repeats and noisy()
           and time.perf_counter() - started < timing.repeat_budget):
        one_pass()
        repeats += 1
    measured = {lib: Measurement(_best_block(b), repeats)
                for lib, b in blocks.items() if lib not in failed and b}
    return measured, failed


# ---- the interface bench.py and older case modules used --------------------------------

def library_times(fns, samples=11, sample_time=0.015, max_calls=2000):
    """{lib: seconds per call}: the lowest block median over the passes."""
    timing = Timing(samples=samples, sample_time=sample_time, max_calls=max_calls,
                    max_repeats=0)
    measured, _ = time_libraries({k: f for k, f in fns.items() if callable(f)}, timing)
    return {lib: m.median for lib, m in measured.items()}


def median_time(fn, **kw):
    return library_times({"fn": fn}, **kw)["fn"]


def fmt_time(s):
    if s is None:
        return "-"
    if s < 1e-3:
        return f"{s * 1e6:.1f} us"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"
