"""Side-by-side timing of numtensor, NumPy and PyTorch in one process.

A case is a function returning {library: callable}; each callable is timed by its
median over repeats after warm-up, so first-call compilation is not in the figure
(cold compile time is measured separately by bench.py).
"""
import statistics
import time


def median_time(fn, repeat=15, min_time=0.2, max_calls=2000):
    fn()
    fn()
    # calls per sample so that one sample lasts ~min_time/repeat
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    number = max(1, min(max_calls, int(min_time / repeat / one)))
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - t0) / number)
    return statistics.median(samples)


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
        fns = make()
        times = {lib: (median_time(fn) if fn is not None else None) for lib, fn in fns.items()}
        nt, tt = times.get("numtensor"), times.get("torch")
        ratio = nt / tt if nt and tt else None
        out(f"{name:46s} {fmt_time(nt):>11s} {fmt_time(times.get('numpy')):>11s} "
            f"{fmt_time(tt):>11s} {('%7.2fx' % ratio) if ratio else '      -':>9s}  {limit}")
        rows.append((name, times, ratio, limit))
    return rows
