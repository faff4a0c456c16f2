"""set_num_threads / get_num_threads: the number of threads parallel kernels use.

The count is the CPU backend's (its team: Numba's threads, fewer while other processes
keep cores busy), imported on first call only (import numtensor never imports Numba).
Like Numba's setting it applies to the calling thread."""
import os


def get_num_threads():
    """The number of threads used by parallel kernels."""
    from ._backends.cpu import team
    return team.requested()


def set_num_threads(int, /):  # noqa: A002  (torch's parameter name)
    """Sets the number of threads used by parallel kernels (at most the number of
    threads Numba started, NUMBA_NUM_THREADS)."""
    n = int
    if isinstance(n, bool) or not hasattr(n, "__index__"):
        raise TypeError(f"set_num_threads(): argument 'int' must be int, not {type(n).__name__}")
    n = n.__index__()
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    import numba
    from ._backends.cpu import team
    team.request(min(n, numba.config.NUMBA_NUM_THREADS))


def init_num_threads():
    """Initializes the number of parallel threads used on the current thread: call it in
    a new thread to give it the count set by set_num_threads (Numba's setting is per
    thread)."""
    set_num_threads(get_num_threads())


# numtensor runs no inter-op thread pool (no torch.jit.fork): the count is kept as state,
# with PyTorch's default (the number of physical cores) and PyTorch's set-once rule
_interop = [None]


def _physical_cores():
    """The number of physical cores (PyTorch's default inter-op pool size), counted from
    /proc/cpuinfo; os.cpu_count() where that says nothing."""
    try:
        cores, physical, core = set(), None, None
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "physical id":
                    physical = value.strip()
                elif key == "core id":
                    core = value.strip()
                elif not key and core is not None:
                    cores.add((physical, core))
                    physical = core = None
        if core is not None:
            cores.add((physical, core))
        if cores:
            return min(len(cores), os.cpu_count() or len(cores))
    except OSError:
        pass
    return os.cpu_count() or 1


def get_num_interop_threads():
    """Returns the number of threads used for inter-op parallelism on CPU (numtensor has
    no inter-op pool: the value set by set_num_interop_threads, or PyTorch's default, the
    number of physical cores)."""
    if _interop[0] is None:
        return _physical_cores()
    return _interop[0]


def set_num_interop_threads(int, /):  # noqa: A002  (torch's parameter name)
    """Sets the number of threads used for inter-op parallelism on CPU.  As in PyTorch it
    can be called once only; numtensor runs no inter-op work, so the count is recorded
    for get_num_interop_threads."""
    n = int
    if isinstance(n, bool) or not hasattr(n, "__index__"):
        raise RuntimeError(f"set_num_interop_threads expects an int, but got "
                           f"{type(n).__name__}")
    n = n.__index__()
    if n <= 0:
        raise RuntimeError("set_num_interop_threads expects a positive integer")
    if _interop[0] is not None:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work "
                           "has started or set_num_interop_threads called")
    _interop[0] = n
