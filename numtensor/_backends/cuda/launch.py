"""Launch geometry and the small host-side helpers every CUDA kernel family shares.

* Geometry: kernels are written as grid-stride loops (or loops over outputs by
  block), so any launch size is correct; the size only sets how much of the GPU is
  busy.  On a GPU a block has THREADS threads and a grid at most a few blocks per
  multiprocessor.  Under Numba's simulator (NUMBA_ENABLE_CUDASIM=1, every thread a
  Python thread) blocks are small and grids tiny: the same kernels then loop over
  more elements per thread and more outputs per block, which is exactly the code the
  tests must exercise with tiny inputs.
* Plan arrays: a plan's int64 shape/stride arrays are copied to the device once per
  plan (plans are cached by the planner, so a training loop copies nothing after its
  first step) and handed to kernels as one flat array.  A host array passed straight
  to a Numba kernel would be copied in and back out at every launch, a sync each time.
* Scalars: Python numbers become NumPy scalars of the kernel's compute type, passed
  by value as kernel arguments.
"""
import collections
import contextlib
import sys
import threading
import warnings

import numpy as np
from numba import config, cuda, types

SIMULATOR = bool(config.ENABLE_CUDASIM)


def _simulator_shared_arrays_made_once():
    """Numba's simulator runs a block's threads as Python threads and makes the block's
    shared array (keyed by the line that asks for it) when a thread first reaches
    cuda.shared.array, with no lock: threads that get there together can each make one
    and then share nothing, reading uninitialised memory where the other threads' values
    belong (wrong reduction sums, garbage mask positions, now and then).  This makes the
    lookup-or-make step atomic; the key is the one the simulator uses."""
    from numba.cuda.simulator import kernelapi
    from numba.np import numpy_support
    shared = kernelapi.FakeCUDAShared
    if getattr(shared.array, "made_once", False):
        return
    simulator_array = shared.array
    lock = threading.Lock()

    def array(self, shape, dtype, alignment=None):
        if shape == 0 or alignment is not None:  # dynamic shared memory; or refused
            return simulator_array(self, shape, dtype, alignment)
        if isinstance(dtype, types.Type):
            dtype = numpy_support.as_dtype(dtype)
        caller = sys._getframe(1)
        key = (caller.f_code.co_filename, caller.f_lineno)
        with lock:
            res = self._allocations.get(key)
            if res is None:
                res = self._allocations[key] = np.empty(shape, dtype)
        return res

    array.made_once = True
    shared.array = array


if SIMULATOR:
    _simulator_shared_arrays_made_once()

THREADS = 8 if SIMULATOR else 256        # threads per block of the 1-D kernels
MAX_THREADS = 256                        # the size of every shared-memory scratch array
_BLOCKS_PER_SM = 32
_SIM_MAX_BLOCKS = 3


def _max_blocks():
    if recorder:
        return 1024
    if SIMULATOR:
        return _SIM_MAX_BLOCKS
    return _BLOCKS_PER_SM * cuda.get_current_device().MULTIPROCESSOR_COUNT


_limits = []


def max_blocks():
    """The largest grid a grid-stride kernel is launched with."""
    if not _limits:
        _limits.append(_max_blocks())
    return _limits[0]


def blocks_for(n, threads=THREADS):
    """Blocks for n work items at `threads` per block, capped (the kernel loops)."""
    return max(1, min(max_blocks(), -(-n // threads)))


def block_size(n):
    """A power-of-two block size for a per-output reduction of n elements: small rows
    do not leave most of a 256-thread block idle."""
    size = 4 if SIMULATOR else 32
    while size < n and size < THREADS:
        size *= 2
    return size


# ---- launching ----------------------------------------------------------------------------------
# The PTX check (tests/cuda/ptx_check.py) installs a recorder here (recording()): every
# launch then notes its kernel and argument types (compiled later) instead of running, and
# device arrays are stand-ins that only carry a dtype and a length (no GPU is needed).
recorder = []


@contextlib.contextmanager
def recording(rec):
    """Launches go to rec while the block runs; every cached device array made before
    or during it is dropped on the way in and out (stand-ins must not outlive it)."""
    reset_caches()
    recorder.append(rec)
    try:
        yield rec
    finally:
        recorder.clear()
        reset_caches()


_configured = {}  # (kernel, blocks, threads) -> the launcher Numba made for them


def run(kernel, blocks, threads, *args):
    """kernel[blocks, threads](*args) on the default stream (asynchronous)."""
    if recorder:
        recorder[0](kernel, args)
        return
    if SIMULATOR:
        # the simulator's kernel[blocks, threads] sets the geometry on the kernel itself
        # and returns it: a kept launcher would run with the geometry set last
        kernel[blocks, threads](*args)
        return
    key = (kernel, blocks, threads)
    launcher = _configured.get(key)
    if launcher is None:
        # Numba warns about grids under 128 blocks; a tiny tensor's small grid is meant
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            launcher = _configured[key] = kernel[blocks, threads]
    launcher(*args)


def read(devarr):
    """A device array's contents on the host (waits for the work queued before)."""
    if recorder:  # ones: every data-dependent path (a mask's rows, a bad index) is taken
        return np.ones(devarr.shape, devarr.dtype)
    return devarr.copy_to_host()


# ---- plan arrays on the device ---------------------------------------------------------------
_CACHE_SIZE = 4096
_device_ints = collections.OrderedDict()
_lock = threading.Lock()


def device_ints(owner, tag, build):
    """A device copy of the int64 array build() (built once per owner object and tag).

    owner is a plan (or another long-lived object); it is kept referenced by the
    cache entry, so its id cannot be reused while the entry lives."""
    key = (id(owner), tag)
    with _lock:
        hit = _device_ints.get(key)
        if hit is not None:
            _device_ints.move_to_end(key)
            return hit[1]
    host = np.ascontiguousarray(build(), dtype=np.int64)
    if host.size == 0:
        host = np.zeros(1, np.int64)  # kernels never read it, but a launch needs an array
    dev = to_device_async(host)
    with _lock:
        _device_ints[key] = (owner, dev, host)
        while len(_device_ints) > _CACHE_SIZE:
            _device_ints.popitem(last=False)
    return dev


_dummy = []


def dummy_ints():
    """A one-element int64 device array for kernel parameters a launch does not read."""
    if not _dummy:
        _dummy.append(to_device_async(np.zeros(1, np.int64)))
    return _dummy[0]


_dummies = {}


def dummy_of(np_dtype):
    """A one-element device array of np_dtype for an array parameter a launch does not
    read (kernels are typed by every argument, so it must have the right dtype)."""
    dt = np.dtype(np_dtype)
    d = _dummies.get(dt)
    if d is None:
        d = _dummies[dt] = to_device_async(np.zeros(1, dt))
    return d


def to_device_async(host):
    """A fresh device array with host's contents, copied on the default stream (the
    driver stages pageable memory, so the host array may go at once)."""
    if recorder:
        return recorder[0].array(host.size, host.dtype)
    if SIMULATOR:
        return cuda.to_device(host)
    return cuda.to_device(host, stream=cuda.default_stream())


_keyed = []  # caches of device arrays made by device_cache(), dropped by reset_caches()


def device_cache():
    """A dict for device arrays a kernel family keeps by its own keys."""
    cache = {}
    _keyed.append(cache)
    return cache


def reset_caches():
    """Forget every cached device array and the launch limits."""
    with _lock:
        _device_ints.clear()
    for cache in _keyed:
        cache.clear()
    _dummy.clear()
    _dummies.clear()
    _limits.clear()
    _configured.clear()


def concat_ints(*parts):
    return np.concatenate([np.asarray(p, dtype=np.int64).reshape(-1) for p in parts]) \
        if parts else np.zeros(0, np.int64)


# ---- scalars and dtypes ------------------------------------------------------------------------
_F16 = np.dtype(np.float16)


def compute_type(np_dtype):
    """The NumPy scalar type a kernel computes in for buffers of np_dtype (float16 is
    loaded into float32, as on the CPU and in PyTorch's CUDA kernels)."""
    np_dtype = np.dtype(np_dtype)
    return np.float32 if np_dtype == _F16 else np_dtype.type


def scalar(value, np_type):
    """A Python number as a kernel argument of np_type, wrapping like a cast (as PyTorch
    does for an integer scalar that does not fit an integer tensor's dtype)."""
    try:
        return np_type(value)
    except (OverflowError, ValueError, TypeError):
        return np.array(value).astype(np_type)[()]


_MOVABLE = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64, 16: np.complex128}


def movable(buf):
    """buf seen as unsigned integers of its element size, for kernels that only move
    elements: one compiled kernel per element size instead of one per dtype."""
    target = np.dtype(_MOVABLE[buf.dtype.itemsize])
    return buf if buf.dtype == target else buf.view(target)
