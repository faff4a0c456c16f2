"""Run the BLAS that Numba calls on one thread while our own threads share out the work.

The matmul kernels call SciPy's BLAS (OpenBLAS in SciPy's wheels), which has a thread
pool of its own.  A batch of small products is faster spread over Numba's threads, one
whole product each (measured here: bmm (32,64,64) float32 about 2x faster than 32
calls that each wake OpenBLAS's threads), but only while every call stays on its
caller's thread: an OpenBLAS call that wakes its pool from inside a parallel loop was
5-100x slower.  OpenBLAS's thread count is process-wide, so `single_threaded()` sets it
to 1 for the duration of the batch and restores it, under a lock.  Since the CPU
backend shares out every product big enough for OpenBLAS's pool (see _work_blocks
there), its first float product puts the BLAS on one thread for good
(`keep_one_thread()`): a pool that is never woken never spins against Numba's threads.

When the BLAS under SciPy is not an OpenBLAS we can find (another vendor, another
symbol prefix), `available()` is False and the backend keeps one product at a time.

`has_small_kernels()` says whether the OpenBLAS found runs small products through its
AVX-512 small-matrix kernels (the CPU backend shapes some products to fit them).
"""
import ctypes
import threading

_PREFIXES = ("scipy_openblas", "openblas")  # SciPy's wheels rename OpenBLAS's symbols
_lock = threading.Lock()
_found = []  # [(set_num_threads, get_num_threads) or None] once looked up


def _lookup():
    if not _found:
        _found.append(_openblas_controls())
    return _found[0]


def _openblas():
    """(the library handle, its symbols' prefix), or None without an OpenBLAS."""
    try:
        import scipy.linalg.cython_blas as cython_blas  # the BLAS the matmul kernels call
        lib = ctypes.CDLL(cython_blas.__file__)  # its symbols and those of its BLAS
    except (ImportError, OSError):
        return None
    for prefix in _PREFIXES:
        if getattr(lib, prefix + "_set_num_threads", None) is not None:
            return lib, prefix
    return None


def _openblas_controls():
    found = _openblas()
    if found is None:
        return None
    lib, prefix = found
    setter = getattr(lib, prefix + "_set_num_threads")
    getter = getattr(lib, prefix + "_get_num_threads", None)
    if getter is None:
        return None
    setter.argtypes, setter.restype = [ctypes.c_int], None
    getter.argtypes, getter.restype = [], ctypes.c_int
    return setter, getter


def keep_one_thread():
    """Put the BLAS on one thread for good (numtensor's matmul shares its work out over
    Numba's threads instead: see _work_blocks in the CPU backend).  This is process-wide:
    SciPy's BLAS and LAPACK calls run on one thread too from then on (NumPy's own BLAS
    is another library and keeps its threads).  Returns whether it could be set."""
    controls = _lookup()
    if controls is None:
        return False
    with _lock:
        controls[0](1)
    return True


def available():
    """True if the BLAS thread count can be set (and so a batch can be shared out)."""
    return _lookup() is not None


class using_threads:
    """with using_threads(n): ...  runs the block with the BLAS on n threads, then puts it
    back on the number it had (one, once keep_one_thread() has run)."""
    __slots__ = ("_n", "_before")

    def __init__(self, n):
        self._n = n

    def __enter__(self):
        setter, getter = _lookup()
        _lock.acquire()
        self._before = getter()
        if self._before != self._n:
            setter(self._n)
        return self

    def __exit__(self, *exc):
        setter, _ = _lookup()
        try:
            if self._before != self._n:
                setter(self._before)
        finally:
            _lock.release()
        return False


def single_threaded():
    """with single_threaded(): ...  runs the block with the BLAS on one thread."""
    return using_threads(1)


# The cores for which OpenBLAS builds its small-matrix kernels (AVX-512), as
# openblas_get_corename() names them; on any other core every product takes its
# general path, which packs both operands first.  OpenBLAS takes the small path when M * N * K <= SMALL_PRODUCT (and A is not
# transposed, or the product is tiny: kernel/x86_64/*_small_kernel_permit_skylakex.c).
_SMALL_KERNEL_CORES = ("skylakex", "cooperlake", "sapphirerapids")
SMALL_PRODUCT = 100 ** 3
_small = []  # [bool] once looked up


def has_small_kernels():
    """Whether the BLAS is an OpenBLAS whose core has small-matrix kernels."""
    if not _small:
        _small.append(_core_name().lower() in _SMALL_KERNEL_CORES)
    return _small[0]


def _core_name():
    found = _openblas()
    if found is None:
        return ""
    lib, prefix = found
    getter = getattr(lib, prefix + "_get_corename", None)
    if getter is None:
        return ""
    getter.argtypes, getter.restype = [], ctypes.c_char_p
    return (getter() or b"").decode("ascii", "replace")
