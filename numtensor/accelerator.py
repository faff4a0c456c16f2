"""numtensor.accelerator: PyTorch's device-agnostic accelerator namespace.

PyTorch's tutorials pick their device with

    device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"

numtensor's one accelerator is CUDA (numtensor.cuda, over Numba's CUDA target), so each
function here is the CUDA one, and without a device they answer as PyTorch's CPU build
does: None, 0 or False where it answers, its RuntimeError where it refuses.
"""
import contextlib
import warnings

from . import cuda as _cuda
from ._device import as_device as _as_device, device as _device

__all__ = ["current_accelerator", "current_device_idx", "current_device_index", "device_count",
           "device_index", "empty_cache", "is_available", "max_memory_allocated",
           "memory_allocated", "memory_reserved", "set_device_idx", "set_device_index",
           "synchronize"]

_NONE_AVAILABLE = "Cannot access accelerator device when none is available."


def is_available():
    """True when an accelerator (a CUDA device Numba reaches) is there."""
    return _cuda.is_available()


def current_accelerator(check_available=False):
    """device(type='cuda') when a CUDA device is there, else None."""
    if not isinstance(check_available, bool):
        raise TypeError(f"current_accelerator(): argument 'check_available' must be bool, "
                        f"not {type(check_available).__name__}")
    return _device("cuda") if _cuda.is_available() else None


def device_count():
    """The number of accelerator devices (0 without any)."""
    return _cuda.device_count()


def _index(device):
    """The device index that device (None, an int, a string or a torch.device) names."""
    if not _cuda.is_available():
        raise RuntimeError(_NONE_AVAILABLE)
    if device is None:
        return 0
    if isinstance(device, bool) or not isinstance(device, int):
        device = _as_device(device)
        if device.type != "cuda":
            raise ValueError(f"{device.type} doesn't match the current accelerator cuda.")
        device = 0 if device.index is None else device.index
    if not 0 <= device < _cuda.device_count():
        raise RuntimeError(f"device index {device} is out of range: numtensor uses device 0 "
                           f"of {_cuda.device_count()}")
    return device


def current_device_index():
    """The index of the current accelerator device (numtensor uses device 0)."""
    return _index(None)


def current_device_idx():
    """Deprecated alias of current_device_index (as in PyTorch)."""
    warnings.warn("Use `current_device_index` instead.", FutureWarning, stacklevel=2)
    return current_device_index()


def set_device_index(device, /):
    """Makes device current; numtensor runs on device 0, the only index accepted."""
    _index(device)


def set_device_idx(device, /):
    """Deprecated alias of set_device_index (as in PyTorch)."""
    warnings.warn("Use `set_device_index` instead.", FutureWarning, stacklevel=2)
    set_device_index(device)


@contextlib.contextmanager
def device_index(device, /):
    """A context in which device is current (None: nothing changes)."""
    if device is not None:
        _index(device)
    yield


def synchronize(device=None, /):
    """Waits for every kernel queued on the accelerator to finish."""
    _index(device)
    _cuda.synchronize()


def memory_allocated(device_index=None, /):
    """Bytes of accelerator memory that tensors occupy now."""
    _index(device_index)
    return _cuda.memory_allocated()


def max_memory_allocated(device_index=None, /):
    """The peak of memory_allocated() so far."""
    _index(device_index)
    return _cuda.max_memory_allocated()


def memory_reserved(device_index=None, /):
    """Bytes the caching allocator holds: occupied plus cached free blocks."""
    _index(device_index)
    return _cuda.memory_reserved()


def empty_cache():
    """Returns the allocator's cached free blocks to the driver."""
    _index(None)
    _cuda.empty_cache()
