"""torch.FloatTensor, torch.LongTensor, ...: the typed tensor classes of old tutorials.

Each is a class whose metaclass answers isinstance by dtype and device
(isinstance(torch.ones(2), torch.FloatTensor) is True) and whose call builds a tensor
of its dtype: FloatTensor(2, 3) (uninitialised), LongTensor([1.7, 2]) (data, cast as
torch casts: truncated, wrapped), FloatTensor() (empty).  Tensors they make are
ordinary Tensors, as in torch.
"""
import numbers

import numpy as np

from . import _dtype
from ._device import as_device
from ._size import Size


class tensortype(type):
    """The metaclass of the typed tensor classes (torch.tensortype)."""

    def __instancecheck__(cls, obj):
        from ._tensor import Tensor
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == "cpu"

    def __call__(cls, *args, device=None):
        return _construct(cls, args, device)


def _construct(cls, args, device):
    from ._creation import empty, tensor
    from ._tensor import Tensor, make_tensor
    dt, dev = cls.dtype, as_device(device)
    if len(args) == 1 and isinstance(args[0], Tensor):
        src = args[0]
        if src.dtype is not dt or src.device != dev:
            raise TypeError(f"expected TensorOptions(dtype={dt.name}, device={dev}), but got "
                            f"tensor of dtype {src.dtype.name} on {src.device}")
        return make_tensor(src._storage, src._offset, src._shape, src._strides)
    if len(args) == 1 and isinstance(args[0], (list, tuple, np.ndarray)) and \
            not isinstance(args[0], Size):
        data = tensor(args[0], device=dev)
        return data if data.dtype is dt else data.to(dt)
    if len(args) == 1 and isinstance(args[0], numbers.Number) and \
            not isinstance(args[0], numbers.Integral):
        raise TypeError(f"new(): data must be a sequence (got {type(args[0]).__name__})")
    sizes = tuple(args[0]) if len(args) == 1 and isinstance(args[0], Size) else args
    for i, s in enumerate(sizes):
        if isinstance(s, bool) or not isinstance(s, (numbers.Integral, np.integer)):
            raise TypeError(f"new(): argument 'size' must be tuple of ints, but found element "
                            f"of type {type(s).__name__} at pos {i}")
    return empty(sizes if sizes else (0,), dtype=dt, device=dev)


def _make(dt):
    name = dt._tensor_type
    return tensortype(name, (), {"dtype": dt, "is_cuda": False, "is_sparse": False,
                                 "__module__": "torch",
                                 "__doc__": f"Legacy constructor and isinstance check for "
                                            f"CPU tensors of dtype {dt!r}."})


TYPES = {dt._tensor_type: _make(dt) for dt in _dtype.ALL}
