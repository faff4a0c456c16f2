"""Backends: one object per device type, all with the same kernel interface.

The ops layer never touches NumPy or Numba directly for compute: it asks
backend_for(device) and calls its primitives.
"""


_cpu = []


def backend_for(device):
    if device.type == "cpu":
        if not _cpu:
            from .cpu.codegen import configure_numba_cache
            configure_numba_cache()  # before the first kernel module imports numba
            from .cpu import cpu_backend
            _cpu.append(cpu_backend)
        return _cpu[0]
    from .cuda import cuda_backend
    return cuda_backend()
