"""numtensor.cuda: device queries.  Importing numba.cuda is deferred to the first call."""
import functools


@functools.lru_cache(maxsize=1)
def is_available():
    try:
        from numba import cuda
        return bool(cuda.is_available())
    except Exception:
        return False


def device_count():
    if not is_available():
        return 0
    from numba import cuda
    return len(cuda.gpus)


def current_device():
    return 0


def synchronize(device=None):
    if is_available():
        from numba import cuda
        cuda.synchronize()


def manual_seed(seed):
    from .._random import manual_seed as seed_all
    seed_all(seed)


manual_seed_all = manual_seed


def get_device_name(device=None):
    if not is_available():
        raise RuntimeError("No CUDA GPUs are available")
    from numba import cuda
    name = cuda.get_current_device().name
    return name.decode() if isinstance(name, bytes) else name


def _require_available():
    if not is_available():
        raise RuntimeError("Found no NVIDIA driver on your system. Please check that you have an "
                           "NVIDIA GPU and installed a driver from http://www.nvidia.com/Download/index.aspx")
