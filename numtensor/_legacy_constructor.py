"""torch.Tensor(...) called directly, as older tutorials do.

    Tensor()              an empty float tensor of shape (0,)
    Tensor(2, 3)          an uninitialised float tensor of that shape
    Tensor(torch.Size)    the same, from a Size
    Tensor([1, 2])        a copy of the data, always in the default float dtype
    Tensor(ndarray)       the same, from a NumPy array
    Tensor(tensor)        a new tensor object aliasing the given one's memory
"""
import numbers

import numpy as np

from . import _dtype
from ._device import as_device
from ._size import Size


def construct(cls, args, device):
    from ._tensor import Tensor, make_tensor
    from ._creation import empty, tensor
    dev = as_device(device)
    if len(args) == 1 and isinstance(args[0], Tensor):
        src = args[0]
        if device is not None and as_device(device) != src.device:
            raise RuntimeError(f"Attempted to create a tensor on {dev} from a tensor on "
                               f"{src.device}")
        return make_tensor(src._storage, src._offset, src._shape, src._strides, cls)
    default = _dtype.get_default_dtype()
    if len(args) == 1 and not isinstance(args[0], (numbers.Integral, Size)) and \
            isinstance(args[0], (list, tuple, np.ndarray, numbers.Number)):
        if isinstance(args[0], numbers.Number):
            raise TypeError(f"new(): data must be a sequence (got {type(args[0]).__name__})")
        src = tensor(args[0], dtype=default, device=dev)
    else:
        sizes = tuple(args[0]) if len(args) == 1 and isinstance(args[0], Size) else args
        for s in sizes:
            if isinstance(s, str):
                raise TypeError("new(): invalid data type 'str'")
            if isinstance(s, bool) or not isinstance(s, (numbers.Integral, np.integer)):
                raise TypeError(f"new(): argument 'size' must be tuple of ints, but found "
                                f"element of type {type(s).__name__} at pos 0")
        src = empty(*sizes, dtype=default, device=dev) if sizes else empty(0, dtype=default, device=dev)
    return make_tensor(src._storage, src._offset, src._shape, src._strides, cls)
