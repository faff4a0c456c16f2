"""Side-by-side timing of numtensor, NumPy and PyTorch in one process.

A case is a function returning {library: callable}.  Each library is timed in a
block of its own (warm-up calls, then samples), because on a 2-core machine one
library's spinning worker threads slow the next one down if calls are interleaved.
The blocks run in two passes (A B C, A B C) and a library's figure is the better of
its two block medians, so one slow phase of a shared machine does not decide it.
First-call compilation is not in the figures: bench.py measures it separately.
"""
import statistics
import time

PASSES = 2


def _calls_per_sample(fn, min_time, max_calls):
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    return max(1, min(max_calls, int(min_time / one)))


def _block_median(fn, samples, sample_time, max_calls):
    fn()
    fn()
    number = _calls_per_sample(fn, sample_time, max_calls)
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


def library_times(fns, samples=11, sample_time=0.015, max_calls=2000):
    """{lib: seconds per call}: the best of PASSES block medians."""
    fns = {lib: fn for lib, fn in fns.items() if fn is not None}
    best = {}
    for _ in range(PASSES):
        for lib, fn in fns.items():
            t = _block_median(fn, samples, sample_time, max_calls)
            best[lib] = min(t, best.get(lib, t))
    return best


def median_time(fn, **kw):
    return library_times({"fn": fn}, **kw)["fn"]


def fmt_time(s):
    if s is None:
        return "-"
    if s < 1e-3:
        return f"{s * 1e6:8.1f} us"
    return f"{s * 1e3:8.2f} ms"


def run_cases(cases, out=print):
    """cases: list of (name, limit_text, make) -> rows with ratios numtensor/torch."""
    rows = []
    out(f"{'case':46s} {'numtensor':>11s} {'numpy':>11s} {'torch':>11s} {'nt/torch':>9s}  limit")
    for name, limit, make in cases:
        times = library_times(make())
        nt, tt = times.get("numtensor"), times.get("torch")
        ratio = nt / tt if nt and tt else None
        out(f"{name:46s} {fmt_time(nt):>11s} {fmt_time(times.get('numpy')):>11s} "
            f"{fmt_time(tt):>11s} {('%7.2fx' % ratio) if ratio else '      -':>9s}  {limit}")
        rows.append((name, times, ratio, limit))
    return rows
