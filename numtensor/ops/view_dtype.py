"""Tensor.view(dtype): the same bytes read as another dtype (no copy, no gradient).

With equal element sizes every layout works.  Otherwise the last dim must be dense
(stride 1) and scales by the size ratio; when widening, size(-1), the offset and the
other strides must convert exactly into the new element unit (checked in torch's order).
"""
from .. import _dtype
from .._tensor import make_tensor
from ._common import scalar_type_name


def view_as_dtype(x, dtype):
    old, new = x.dtype.itemsize, dtype.itemsize
    if dtype is x.dtype:
        return _reinterpret(x, x._storage, x._offset, x._shape, x._strides)
    if old == new:
        storage = x._storage.reinterpret(dtype)
        return _reinterpret(x, storage, x._offset, x._shape, x._strides)
    what = (f"to view {scalar_type_name(x.dtype)} as {scalar_type_name(dtype)} "
            f"(different element sizes)")
    if x.ndim == 0:
        raise RuntimeError(f"self.dim() cannot be 0 {what}")
    shape, strides = list(x._shape), list(x._strides)
    if old > new:  # each element becomes `ratio` smaller ones
        _check_dense_last(x, what)
        ratio = old // new
        shape[-1] *= ratio
        strides = [s * ratio for s in strides[:-1]] + [1]
        offset = x._offset * ratio
    else:  # `ratio` elements merge into one
        ratio = new // old
        if shape[-1] % ratio:
            raise RuntimeError(f"self.size(-1) must be divisible by {ratio} {what}, but got {shape[-1]}")
        if x._offset % ratio:
            raise RuntimeError(
                f"self.storage_offset() must be divisible by {ratio} {what}, but got {x._offset}")
        _check_dense_last(x, what)
        for d, s in enumerate(strides[:-1]):
            if s % ratio:
                raise RuntimeError(f"self.stride({d}) must be divisible by {ratio} {what}, but got {s}")
        shape[-1] //= ratio
        strides = [s // ratio for s in strides[:-1]] + [1]
        offset = x._offset // ratio
    storage = x._storage.reinterpret(dtype)
    return _reinterpret(x, storage, offset, shape, strides)


def _check_dense_last(x, what):
    if x._strides[-1] != 1:
        raise RuntimeError(f"self.stride(-1) must be 1 {what}, but got {x._strides[-1]}")


def _reinterpret(x, storage, offset, shape, strides):
    # view.dtype is not differentiable in torch: the result never requires grad
    return make_tensor(storage, offset, tuple(shape), tuple(strides))


def is_dtype(value):
    return isinstance(value, _dtype.dtype)
