"""A caching device allocator, as PyTorch's CUDA caching allocator: freed blocks are
kept and handed out again, not returned to the driver each time.

cudaMalloc and cudaFree are slow (cudaFree synchronises the device), and a training
step allocates the same sizes every iteration, so blocks are pooled by rounded size:
  * below 1 MiB sizes round up to 512 bytes, above to 2 MiB;
  * a buffer handed out is a typed 1-D device array over a *lease* of a pooled block;
    when the last array or view over the lease is gone, the block returns to the
    pool (views keep the lease alive through Numba's reference counting);
  * a block returned while kernels may still use it is safe to reuse: every kernel
    and copy runs on the default stream, so later work on the block runs after them;
  * when the driver is out of memory, the cached blocks are freed and the allocation
    is tried once more (PyTorch's empty_cache-and-retry); then it raises PyTorch's
    "CUDA out of memory" RuntimeError.
memory_allocated() counts the bytes of live leases (what tensors occupy);
memory_reserved() adds the cached free blocks.

Under the simulator memory is host memory: blocks are NumPy byte arrays, and a block
returns to the pool only when no view of it is left (its reference count tells).
"""
import sys
import threading
import weakref

import numpy as np
from numba import cuda

from .launch import SIMULATOR, recorder

SMALL_LIMIT = 1 << 20
SMALL_ROUND = 512
LARGE_ROUND = 2 << 20

_lock = threading.Lock()
_free = {}            # rounded size -> [blocks]
_stats = {"allocated": 0, "reserved": 0, "peak": 0}


def rounded(nbytes):
    step = SMALL_ROUND if nbytes < SMALL_LIMIT else LARGE_ROUND
    return max(step, -(-nbytes // step) * step)


def _take(size):
    """A pooled block of `size` bytes, or None."""
    with _lock:
        blocks = _free.get(size)
        return blocks.pop() if blocks else None


def _give_back(size, block):
    with _lock:
        _free.setdefault(size, []).append(block)


def _count(nbytes):
    with _lock:
        _stats["allocated"] += nbytes
        _stats["peak"] = max(_stats["peak"], _stats["allocated"])


def empty(n, np_dtype):
    """A device buffer of n elements of np_dtype (contents undefined)."""
    dt = np.dtype(np_dtype)
    if recorder:  # the PTX check: a stand-in that only has a dtype and a length
        return recorder[0].array(n, dt)
    if n == 0:
        return cuda.device_array(0, dtype=dt)
    size = rounded(n * dt.itemsize)
    block = _take(size)
    if block is None:
        block = _new_block(size)
    _count(size)
    return (_sim_lease if SIMULATOR else _device_lease)(block, size, n, dt)


def _new_block(size):
    try:
        return _raw(size)
    except MemoryError:
        empty_cache()
        try:
            return _raw(size)
        except MemoryError:
            pass
    raise RuntimeError(
        f"CUDA out of memory. Tried to allocate {_human(size)}. "
        f"{_human(_stats['allocated'])} allocated by numtensor; "
        f"{_human(_stats['reserved'] - _stats['allocated'])} reserved but unallocated.")


def _raw(size):
    if SIMULATOR:
        block = np.empty(size, np.uint8)
    else:
        from numba.cuda.cudadrv.driver import CudaAPIError
        try:
            block = cuda.current_context().memalloc(size)
        except CudaAPIError as e:
            if "OUT_OF_MEMORY" in str(e) or getattr(e, "code", None) == 2:
                raise MemoryError(str(e)) from None
            raise
    with _lock:
        _stats["reserved"] += size
    return block


# ---- leases on a GPU ----------------------------------------------------------------------------
def _device_lease(block, size, n, dt):
    from numba.cuda.cudadrv.devicearray import DeviceNDArray
    from numba.cuda.cudadrv.driver import AutoFreePointer

    def release():
        _leases.pop(key, None)
        with _lock:
            _stats["allocated"] -= size
        _give_back(size, block)

    # Numba's own pattern: the AutoFreePointer is held here and handed out through
    # owned references; the finalizer runs when the last array or view is gone
    lease = AutoFreePointer(cuda.current_context(), block.device_pointer, size,
                            finalizer=release)
    key = id(lease)
    _leases[key] = lease
    return DeviceNDArray(shape=(n,), strides=(dt.itemsize,), dtype=dt, gpu_data=lease.own())


_leases = {}


# ---- leases under the simulator --------------------------------------------------------------
def _sim_lease(block, size, n, dt):
    from numba.cuda.simulator.cudadrv.devicearray import FakeCUDAArray
    arr = FakeCUDAArray(block[:n * dt.itemsize].view(dt))  # its base is the block
    weakref.finalize(arr, _sim_release, block, size)
    return arr


def _sim_release(block, size):
    with _lock:
        _stats["allocated"] -= size
    # a live slice or view of the buffer still references the block: it is not reused
    if sys.getrefcount(block) <= _SIM_BASELINE:
        _give_back(size, block)
    else:
        with _lock:
            _stats["reserved"] -= size


def _sim_baseline():
    seen = []

    def probe(block, size):
        seen.append(sys.getrefcount(block))

    from numba.cuda.simulator.cudadrv.devicearray import FakeCUDAArray
    block = np.empty(8, np.uint8)
    arr = FakeCUDAArray(block[:8].view(np.uint8))
    weakref.finalize(arr, probe, block, 8)
    del block, arr
    return seen[0]


_SIM_BASELINE = _sim_baseline() if SIMULATOR else 0


# ---- statistics and cache control ----------------------------------------------------------
def memory_allocated():
    return _stats["allocated"]


def max_memory_allocated():
    return _stats["peak"]


def memory_reserved():
    return _stats["reserved"]


def empty_cache():
    """Free every cached block (the driver frees them once no kernel uses them)."""
    with _lock:
        freed = sum(size * len(blocks) for size, blocks in _free.items())
        _free.clear()
        _stats["reserved"] -= freed


def _human(nbytes):
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if nbytes < 1024 or unit == "GiB":
            return f"{nbytes:.2f} {unit}" if unit != "bytes" else f"{nbytes} bytes"
        nbytes /= 1024
