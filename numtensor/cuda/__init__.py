"""numtensor.cuda: PyTorch's torch.cuda namespace over Numba's CUDA target.

numba.cuda is imported on the first call, never at `import numtensor`.  A "device"
is whatever Numba reaches: a GPU with its driver, or Numba's CUDA simulator
(NUMBA_ENABLE_CUDASIM=1), which runs every kernel on the CPU, very slowly.
"""
import functools
import time

_NO_DRIVER = ("Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU "
              "and installed a driver from http://www.nvidia.com/Download/index.aspx")


@functools.lru_cache(maxsize=1)
def is_available():
    """True when Numba reaches a CUDA device (its simulator included)."""
    try:
        from numba import cuda
        return bool(cuda.is_available())
    except Exception:
        return False


def _require_available():
    if not is_available():
        raise RuntimeError(_NO_DRIVER)


def _simulator():
    from numba import config
    return bool(config.ENABLE_CUDASIM)


def device_count():
    """The number of CUDA devices Numba reaches (0 without any)."""
    if not is_available():
        return 0
    from numba import cuda
    return len(cuda.gpus)


def current_device():
    """The index of the current device (numtensor uses device 0)."""
    _require_available()
    return 0


def get_device_name(device=None):
    """The device's name, as the driver reports it."""
    _require_available()
    if _simulator():
        return "Numba CUDA simulator"
    from numba import cuda
    name = cuda.get_current_device().name
    return name.decode() if isinstance(name, bytes) else name


def get_device_capability(device=None):
    """The device's compute capability (major, minor)."""
    _require_available()
    from numba import cuda
    return tuple(cuda.get_current_device().compute_capability)


def synchronize(device=None):
    """Waits for every kernel queued on the device to finish."""
    _require_available()
    from numba import cuda
    cuda.synchronize()


def manual_seed(seed):
    """Seeds the current CUDA device's default generator (not the CPU's)."""
    from .. import _random
    from .._device import as_device
    _random.device_generator(as_device("cuda")).manual_seed(seed)


def manual_seed_all(seed):
    """Seeds the default generator of every CUDA device (not the CPU's)."""
    manual_seed(seed)


def _allocator():
    from .._backends.cuda import allocator
    return allocator


def memory_allocated(device=None):
    """Bytes of device memory that tensors occupy now (from the caching allocator)."""
    return _allocator().memory_allocated() if is_available() else 0


def max_memory_allocated(device=None):
    """The peak of memory_allocated() so far."""
    return _allocator().max_memory_allocated() if is_available() else 0


def memory_reserved(device=None):
    """Bytes the caching allocator holds: occupied plus cached free blocks."""
    return _allocator().memory_reserved() if is_available() else 0


def empty_cache():
    """Returns the cached free blocks to the driver."""
    if is_available():
        _allocator().empty_cache()


class Event:
    """A marker in the device's stream of work, for timing kernels:

        start, end = Event(enable_timing=True), Event(enable_timing=True)
        start.record(); ...; end.record(); end.synchronize()
        start.elapsed_time(end)   # milliseconds

    Under the simulator (where everything runs synchronously on the host) the host
    clock at record() stands in for the device's."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        _require_available()
        self.enable_timing = enable_timing
        self._host_time = None
        self._event = None
        if not _simulator():
            from numba import cuda
            self._event = cuda.event(timing=enable_timing)

    def record(self, stream=None):
        if self._event is not None:
            self._event.record()
        self._host_time = time.perf_counter()

    def wait(self, stream=None):
        """Makes later work wait for this event (there is one stream: nothing to do)."""

    def query(self):
        return self._event.query() if self._event is not None else True

    def synchronize(self):
        if self._event is not None:
            self._event.synchronize()

    def elapsed_time(self, end_event):
        """Milliseconds between this event and end_event (both recorded)."""
        if not self.enable_timing or not end_event.enable_timing:
            raise RuntimeError("Both events must be created with argument 'enable_timing=True'.")
        if self._host_time is None or end_event._host_time is None:
            raise RuntimeError("Both events must be recorded before calculating elapsed time.")
        if self._event is not None:
            from numba import cuda
            end_event.synchronize()
            return float(cuda.event_elapsed_time(self._event, end_event._event))
        return (end_event._host_time - self._host_time) * 1000.0

from . import amp  # noqa: E402,F401  (torch.cuda.amp: deprecated spellings of torch.amp)
