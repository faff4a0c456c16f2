"""TypedStorage: the flat, typed buffer that tensors view.

On the CPU the buffer is a 1-D NumPy array; on CUDA a 1-D device array.  A storage
also carries the version counter that every tensor viewing it shares, so autograd
can tell when a saved tensor was modified in place.
"""
import warnings

from . import _dtype
from ._device import CPU

_warned = [False]


class TypedStorage:
    __slots__ = ("_buf", "dtype", "device", "_version", "__weakref__")

    def __init__(self, buf, dtype, device=CPU):
        self._buf = buf
        self.dtype = dtype
        self.device = device
        self._version = 0

    # -- what tensor.storage() users see ------------------------------------------
    def size(self):
        return len(self._buf)

    def __len__(self):
        return len(self._buf)

    def _host(self):
        from ._backends import backend_for
        return backend_for(self.device).to_host(self._buf)

    def __getitem__(self, i):
        if isinstance(i, slice):
            raise TypeError("slicing a storage is not supported; use tolist()")
        n = len(self._buf)
        if not -n <= i < n:
            raise IndexError(f"index {i} out of range for storage of size {n}")
        v = self._host()[i]
        return v.item()

    def __setitem__(self, i, value):
        n = len(self._buf)
        if not -n <= i < n:
            raise IndexError(f"index {i} out of range for storage of size {n}")
        if self.device.type == "cpu":
            self._buf[i] = value
        else:
            host = self._host()
            host[i] = value
            self._buf[:] = host
        self._version += 1

    def tolist(self):
        return self._host().tolist()

    def element_size(self):
        return self.dtype.itemsize

    def data_ptr(self):
        if self.device.type == "cpu":
            return self._buf.ctypes.data
        return self._buf.device_ctypes_pointer.value

    def __iter__(self):
        return iter(self.tolist())

    def __repr__(self):
        from ._printing import format_scalar_column
        body = format_scalar_column(self._host(), self.dtype)
        head = (f"[torch.storage.TypedStorage(dtype={self.dtype}, "
                f"device={self.device}) of size {len(self)}]")
        # torch prints a line holding one space above the header of an empty storage
        return (body if body else " ") + "\n" + head

    __str__ = __repr__


def warn_storage_deprecated():
    if not _warned[0]:
        _warned[0] = True
        warnings.warn(
            "TypedStorage is deprecated. It will be removed in the future and UntypedStorage "
            "will be the only storage class. This should only matter to you if you are using "
            "storages directly.  To access UntypedStorage directly, use "
            "tensor.untyped_storage() instead of tensor.storage()", UserWarning, stacklevel=3)


def is_storage(x):
    return isinstance(x, TypedStorage)


__all__ = ["TypedStorage", "_dtype"]
