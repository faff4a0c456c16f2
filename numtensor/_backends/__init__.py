"""Backends: one object per device type, each implementing base.Backend.

The ops layer never touches NumPy or Numba for compute: it plans a problem
(plan.py), asks backend_for(device) and calls one of the backend's named primitives.
"""


_cpu = []


def backend_for(device):
    if device.type == "cpu":
        if not _cpu:
            from .cpu.codegen import configure_numba_cache
            configure_numba_cache()  # before the first kernel module imports numba
            from .cpu import cpu_backend
            from .cpu.allocator import _GUARD
            if _GUARD:  # test mode: check guard bytes after every primitive
                from .cpu.guard import GuardedBackend
                cpu_backend = GuardedBackend(cpu_backend)
            _cpu.append(cpu_backend)
        return _cpu[0]
    from .cuda import cuda_backend
    backend = cuda_backend()
    if device.index not in (0, None):  # one device, cuda:0, is all this backend drives
        from ..cuda import device_count
        if device.index >= device_count():
            raise RuntimeError("CUDA error: invalid device ordinal")
        raise RuntimeError(f"numtensor runs on one CUDA device, cuda:0; {device} is not "
                           f"supported")
    return backend
