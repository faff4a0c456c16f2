"""TypedStorage: the flat, typed buffer that tensors view (its repr comes from _printing).

On the CPU the buffer is a 1-D NumPy array; on CUDA a 1-D device array.  A storage
also carries the version counter that every tensor viewing it shares, so autograd
can tell when a saved tensor was modified in place.
"""
import warnings
import weakref

from . import _dtype
from ._device import CPU

_warned = [False]


class TypedStorage:
    __slots__ = ("_buf", "dtype", "device", "_version", "plain", "__weakref__")

    def __init__(self, buf, dtype, device=CPU, plain=False):
        self._buf = buf
        self.dtype = dtype
        self.device = device
        self._version = 0
        # the backend allocated buf itself (not memory shared with NumPy or another
        # library, which may be read-only or unaligned): its kernels may take it unchecked
        self.plain = plain

    # -- what tensor.storage() users see ------------------------------------------
    def size(self):
        return len(self._buf)

    def __len__(self):
        return len(self._buf)

    def _backend(self):
        from ._backends import backend_for
        return backend_for(self.device)

    def host_span(self, start, count):
        """Elements start .. start + count as a NumPy array (a copy from a GPU)."""
        return self._backend().to_host(self._buf, start, count)

    def __getitem__(self, i):
        if isinstance(i, slice):
            raise TypeError("slicing a storage is not supported; use tolist()")
        n = len(self._buf)
        if not -n <= i < n:
            raise IndexError(f"index {i} out of range for storage of size {n}")
        return self.host_span(i % n, 1)[0].item()

    def __setitem__(self, i, value):
        import numpy as np
        n = len(self._buf)
        if not -n <= i < n:
            raise IndexError(f"index {i} out of range for storage of size {n}")
        self._backend().write_from_host(self._buf, i % n, np.array([value], dtype=self.dtype.np))
        self._version += 1

    def tolist(self):
        return self.host_span(0, len(self._buf)).tolist()

    def reinterpret(self, dtype):
        """A storage over the same memory whose elements read as dtype (complex as pairs
        of reals, and back; a trailing part smaller than one new element is left out)."""
        old, new = self.dtype.itemsize, dtype.itemsize
        usable = len(self._buf) * old // new * new // old
        buf = self._buf if usable == len(self._buf) else self._buf[:usable]
        return TypedStorage(buf.view(dtype.np), dtype, self.device)

    def element_size(self):
        return self.dtype.itemsize

    def data_ptr(self):
        if self.device.type == "cpu":
            return self._buf.ctypes.data
        pointer = getattr(self._buf, "device_ctypes_pointer", None)
        if pointer is None:  # Numba's CUDA simulator: device memory is host memory
            return self._buf.ctypes.data
        return pointer.value

    def __iter__(self):
        return iter(self.tolist())



class UntypedStorage:
    """tensor.untyped_storage(): the same memory as bytes (size() and len() count bytes,
    as PyTorch's); one object per storage, so that views share it (`is` holds)."""
    __slots__ = ("_typed", "__weakref__")

    def __init__(self, typed):
        self._typed = typed

    @property
    def device(self):
        return self._typed.device

    @property
    def is_cuda(self):
        return self._typed.device.type == "cuda"

    def nbytes(self):
        return len(self._typed._buf) * self._typed.dtype.itemsize

    size = nbytes

    def __len__(self):
        return self.nbytes()

    def element_size(self):
        return 1

    def data_ptr(self):
        return self._typed.data_ptr()

    def _bytes(self):
        import numpy as np
        return self._typed.host_span(0, len(self._typed._buf)).view(np.uint8)

    def tolist(self):
        return self._bytes().tolist()

    def __iter__(self):
        return iter(self.tolist())

    def __getitem__(self, i):
        if isinstance(i, slice):
            raise TypeError("slicing a storage is not supported; use tolist()")
        n = self.nbytes()
        if not -n <= i < n:
            raise IndexError(f"index {i} out of range for storage of size {n}")
        return int(self._bytes()[i % n])

    def is_shared(self):
        return False

    def type(self):
        return "torch.storage.UntypedStorage"

    def __repr__(self):
        from ._printing import format_scalar_column
        body = format_scalar_column(self._bytes(), "uint8")
        head = f"[torch.storage.UntypedStorage(device={self.device}) of size {self.nbytes()}]"
        return (body if body else " ") + "\n" + head

    __str__ = __repr__


_untyped_views = weakref.WeakKeyDictionary()  # TypedStorage -> its UntypedStorage


def untyped_view(typed):
    view = _untyped_views.get(typed)
    if view is None:
        view = _untyped_views[typed] = UntypedStorage(typed)
    return view


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
