"""Tensor: a strided view of a storage, plus the fields autograd needs.

The class holds state and delegates.  Every computation lives in numtensor.ops (one
definition per op: checks, result shape/dtype, kernel call, gradient); the methods
that simply forward to an op are attached by numtensor._methods.
"""
import operator

from . import _dtype
from ._size import Size

_new_object = object.__new__


def make_tensor(storage, offset, shape, strides, cls=None):
    """A tensor viewing storage with the given geometry (the internal constructor)."""
    t = _new_object(Tensor if cls is None else cls)
    t._storage = storage
    t._offset = offset
    t._shape = shape
    t._strides = strides
    t._requires_grad = False
    t._grad = None
    t.grad_fn = None
    t._base = None
    t._retains_grad = False
    t._output_nr = 0
    # storage version when grad_fn was set: a view whose storage moved on since then
    # was written through another alias, and autograd refreshes its history
    t._history_version = 0
    return t


# operand(t) -> (buffer, offset): how a backend primitive sees a tensor (see
# _backends/base.py); buffer(t): the backend buffer under t.  Both are handed to a backend,
# never read here.  attrgetter keeps them out of Python frames on the hot path.
operand = operator.attrgetter("_storage._buf", "_offset")
buffer = operator.attrgetter("_storage._buf")


class Tensor:
    __slots__ = ("_storage", "_offset", "_shape", "_strides", "_requires_grad", "_grad",
                 "grad_fn", "_base", "_retains_grad", "_output_nr", "_history_version",
                 "__weakref__", "__dict__")

    # numpy must defer to our reflected operators (ndarray + Tensor -> Tensor)
    __array_priority__ = 1000
    # type(t) prints <class 'torch.Tensor'> as in PyTorch (like dtypes' torch.float32 and
    # the legacy torch.FloatTensor); pickling goes through __reduce_ex__, not this path
    __module__ = "torch"

    def __new__(cls, *args, device=None):
        """PyTorch's legacy constructor: Tensor(2, 3) (uninitialised), Tensor([1, 2])
        (data, always the default float dtype), Tensor(size), Tensor(tensor) (an alias),
        Tensor() (empty).  Code inside numtensor builds tensors with make_tensor."""
        from ._legacy_constructor import construct
        return construct(cls, args, device)

    def __init__(self, *args, device=None):
        pass  # __new__ did everything (also for subclasses that call super().__init__())

    # ---- state -------------------------------------------------------------------
    @property
    def dtype(self):
        return self._storage.dtype

    @property
    def device(self):
        return self._storage.device

    @property
    def shape(self):
        return Size(self._shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._shape)
        from .ops._common import wrap_dim
        return self._shape[wrap_dim(dim, len(self._shape))]

    def stride(self, dim=None):
        if dim is None:
            return tuple(self._strides)
        from .ops._common import wrap_dim
        return self._strides[wrap_dim(dim, len(self._shape))]

    @property
    def ndim(self):
        return len(self._shape)

    def dim(self):
        return len(self._shape)

    ndimension = dim

    def numel(self):
        n = 1
        for s in self._shape:
            n *= s
        return n

    nelement = numel

    def storage_offset(self):
        return self._offset

    def element_size(self):
        return self._storage.dtype.itemsize

    def data_ptr(self):
        if self.numel() == 0:  # like torch: an empty tensor points at nothing
            return 0
        return self._storage.data_ptr() + self._offset * self.element_size()

    def storage(self):
        from ._storage import warn_storage_deprecated
        warn_storage_deprecated()
        return self._storage

    def untyped_storage(self):
        from ._storage import untyped_view
        return untyped_view(self._storage)

    @property
    def nbytes(self):
        return self.numel() * self._storage.dtype.itemsize

    @property
    def itemsize(self):
        return self._storage.dtype.itemsize

    @property
    def is_cpu(self):
        return self._storage.device.type == "cpu"

    def is_signed(self):
        return self.dtype.is_signed

    def get_device(self):
        """-1 for a CPU tensor, the GPU index for a CUDA one (torch's convention)."""
        return -1 if self._storage.device.type == "cpu" else self._storage.device.index

    @property
    def is_cuda(self):
        return self._storage.device.type == "cuda"

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        from .ops.autograd_ops import set_requires_grad
        set_requires_grad(self, flag)

    @property
    def grad(self):
        g = self._grad
        if g is None and self.grad_fn is not None and not self._retains_grad:
            from .autograd.variable import warn_non_leaf_grad
            warn_non_leaf_grad()
        return g

    @grad.setter
    def grad(self, value):
        if value is not None:
            from .autograd.variable import check_assigned_grad
            check_assigned_grad(self, value)
        self._grad = value

    @property
    def retains_grad(self):
        return self._retains_grad

    @property
    def _version(self):
        return self._storage._version

    @property
    def is_floating_point_(self):
        return self.dtype.is_floating_point

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_complex(self):
        return self.dtype.is_complex

    def type(self, dtype=None, non_blocking=False):
        if dtype is None:
            prefix = "torch.cuda." if self.is_cuda else "torch."
            return prefix + self.dtype._tensor_type
        from .ops.conversion import to
        if isinstance(dtype, str):  # 'torch.DoubleTensor', 'torch.cuda.LongTensor', ...
            device = "cuda" if ".cuda." in dtype else "cpu"
            return to(self, device, _dtype.from_tensor_type(dtype), non_blocking)
        from ._legacy_types import tensortype
        if isinstance(dtype, tensortype):  # x.type(torch.LongTensor)
            return to(self, "cpu", dtype.dtype, non_blocking)
        return to(self, dtype, non_blocking)

    def __len__(self):
        if not self._shape:
            raise TypeError("len() of a 0-d tensor")
        return self._shape[0]

    def __format__(self, spec):
        # like torch: a 0-d tensor formats as its Python number; others only as str(self)
        if self.ndim == 0:
            return format(self.item(), spec)
        return object.__format__(self, spec)

    def __contains__(self, element):
        from .ops._common import is_scalar
        if not (isinstance(element, Tensor) or is_scalar(element)):
            raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you "
                               f"passed in a {type(element)}.")
        return bool((self == element).any().item())

    def __hash__(self):
        return id(self)

    def __iter__(self):
        if not self._shape:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._shape[0]))

    def __bool__(self):
        from .ops.conversion import to_python_bool
        return to_python_bool(self)

    def __float__(self):
        from .ops.conversion import to_python_number, warn_scalar_of_grad_tensor
        if self._requires_grad:
            warn_scalar_of_grad_tensor()
        return float(to_python_number(self, "float"))

    def __int__(self):
        from .ops.conversion import to_python_number
        return int(to_python_number(self, "int"))

    def __index__(self):
        from .ops.conversion import to_python_index
        return to_python_index(self)

    def __complex__(self):
        from .ops.conversion import to_python_number
        return complex(to_python_number(self, "complex"))

    def __array__(self, dtype=None, copy=None):
        arr = self.numpy()
        return arr if dtype is None else arr.astype(dtype)

    def __reduce_ex__(self, proto):
        from .ops.conversion import rebuild_tensor
        return (rebuild_tensor, (self.detach().cpu().numpy().copy(), self.requires_grad,
                                 str(self.device)))

    def __deepcopy__(self, memo):
        from .ops.copy import clone
        new = clone(self.detach())
        new.requires_grad = self.requires_grad
        memo[id(self)] = new
        return new
