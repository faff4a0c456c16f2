"""Backends: one object per device type, all with the same kernel interface.

The ops layer never touches NumPy or Numba directly for compute: it asks
backend_for(device) and calls its primitives.
"""


def backend_for(device):
    if device.type == "cpu":
        from .cpu import cpu_backend
        return cpu_backend
    from .cuda import cuda_backend
    return cuda_backend()
