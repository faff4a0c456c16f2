"""set_num_threads / get_num_threads: the number of threads parallel kernels use.

The count is the CPU backend's (its team: Numba's threads, fewer while other processes
keep cores busy), imported on first call only (import numtensor never imports Numba).
Like Numba's setting it applies to the calling thread."""


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
