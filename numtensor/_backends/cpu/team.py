"""How many threads the parallel kernels use: the user's setting, lowered to the cores
that other processes leave free.

A parallel kernel waits for its slowest thread.  When another process keeps a core busy,
the thread that shares that core runs at a fraction of its speed or waits for a whole
scheduler time slice, and the kernel waits with it: on this project's 2-core machine,
with one core kept busy, a sum of 1e7 float32 took 4.8-8 ms on two threads and 1.4 ms
on one (0.7 ms quiet).  So at most every SAMPLE_SECONDS the backend looks at how much
CPU time other processes took since its last look (the machine's busy time in
/proc/stat less this process's own CPU time) and runs its kernels on the cores left
free: at least one, at most set_num_threads's count.  Where /proc/stat cannot be read
(not Linux), the team is the user's setting.

Numba's thread count is set for the calling thread, as set_num_threads sets it; the
backend calls update() where its common paths start a parallel kernel, and every kernel
then runs with the team chosen last.
"""
import os
import time

SAMPLE_SECONDS = 0.05
# a look older than this says little about now: the team goes back to the user's count
# until the next look.  An average over a longer window counts load that may have ended
# long before (a quiet sum of 1e7 right after a second of load ran half its calls on one
# thread while such a window was the latest), so the window is at most two samples long
STALE_SECONDS = 2 * SAMPLE_SECONDS

_requested = [None]  # the user's set_num_threads count, or None: all of Numba's threads
_state = {"at": None}  # the last look: wall time, machine busy seconds, own CPU seconds
_team = [None]  # the thread count set by the last update(), or None before the first


def requested():
    """The user's thread count (Numba's thread pool size until set_num_threads)."""
    if _requested[0] is None:
        import numba
        return numba.config.NUMBA_NUM_THREADS
    return _requested[0]


def request(n):
    """set_num_threads(n): the team is at most n from now on."""
    import numba
    _requested[0] = n
    _team[0] = n
    numba.set_num_threads(n)


def _cores():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _machine_busy_seconds():
    """CPU seconds all processes have spent busy since boot (None where unknown)."""
    try:
        with open("/proc/stat", "rb") as f:
            fields = f.readline().split()
    except OSError:
        return None
    ticks = [int(v) for v in fields[1:9]]  # user nice system idle iowait irq softirq steal
    return (sum(ticks) - ticks[3] - ticks[4]) / _TICKS


def run_serially():
    """In a forked child, where kernels run serially (the backend's _serial_after_fork):
    one thread, and no more looks."""
    _requested[0] = 1
    _team[0] = 1
    _state["at"] = (float("inf"), None, None)


def update():
    """Set Numba's thread count for the next kernels to the free cores (see the module
    docstring); cheap between looks."""
    now = time.monotonic()
    last = _state["at"]
    if last is not None and now - last[0] < SAMPLE_SECONDS:
        return
    busy, own = _machine_busy_seconds(), time.process_time()
    _state["at"] = (now, busy, own)
    if last is None or busy is None or last[1] is None:
        return
    if now - last[0] > STALE_SECONDS:
        team = requested()
    else:
        others = ((busy - last[1]) - (own - last[2])) / (now - last[0])  # cores kept busy
        team = max(1, min(requested(), _cores() - int(others + 0.5)))
    if team != _team[0]:
        import numba
        numba.set_num_threads(team)
        _team[0] = team
