"""Indexing: x[key] and x[key] = value.

Basic keys (ints, slices with steps, None, Ellipsis) give views built from select,
slice and unsqueeze, so each piece keeps its own gradient.  Keys holding tensors,
lists or bool masks are advanced indexing (see advanced_indexing.py), which gathers
into a new tensor.
"""
import numbers

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from . import views
from ._common import check_no_internal_overlap, setitem_scalar
from .copy import _fill, copy_


def _is_basic(item):
    return item is None or item is Ellipsis or isinstance(item, slice) or (
        isinstance(item, (numbers.Integral, np.integer)) and not isinstance(item, (bool, np.bool_)))


def normalize_key(x, key):
    if not isinstance(key, tuple):
        if not x._shape:  # PyTorch's own words for a bare int or slice on a 0-d tensor
            if isinstance(key, (numbers.Integral, np.integer)) and not isinstance(key, (bool, np.bool_)):
                raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python "
                                 "or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
            if isinstance(key, slice):
                raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        key = (key,)
    return key


def _expand_ellipsis(key, ndim):
    n_real = sum(1 for k in key if k is not None and k is not Ellipsis and not isinstance(k, (bool, np.bool_)))
    n_real += sum(k.ndim - 1 for k in key if isinstance(k, Tensor) and k.dtype.name == "bool" and k.ndim > 1)
    if sum(1 for k in key if k is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if n_real > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    out = []
    for k in key:
        if k is Ellipsis:
            out.extend([slice(None)] * (ndim - n_real))
        else:
            out.append(k)
    return out


def basic_view(x, key):
    """The view x[key] for a key of ints, slices, None and Ellipsis."""
    return _apply_basic(x, _expand_ellipsis(key, x.ndim))


def _apply_basic(x, items):
    """x viewed through items (ints, slices and None, no Ellipsis), each applied in turn."""
    out = x
    dim = 0  # the dim of `out` the next item addresses
    for position, k in enumerate(items):  # PyTorch's errors name the position in the key
        if k is None:
            out = views.unsqueeze(out, dim)
            dim += 1
        elif isinstance(k, slice):
            out = _sliced(out, dim, k)
            dim += 1
        else:
            size = out._shape[dim]
            i = int(k)
            if not -size <= i < size:
                raise IndexError(f"index {i} is out of bounds for dimension {position} with size {size}")
            out = views.select(out, dim, i)
    if out is x:
        out = views.alias(x)
    return out


def _sliced(x, dim, k):
    """x[..., k] along dim for a slice k of ints and Nones (x itself for a full slice)."""
    size = x._shape[dim]
    start, stop, step = k.indices(size) if k.step is None or k.step > 0 else (None, None, k.step)
    if step is None or step <= 0:
        raise ValueError("step must be greater than zero")
    if (start, stop, step) == (0, size, 1):
        return x
    return views._slice(x, dim, start, max(start, stop), step)


def _slice_index(k):
    for v in (k.start, k.stop, k.step):
        if v is not None and not isinstance(v, (numbers.Integral, np.integer, Tensor)):
            raise TypeError("slice indices must be integers or None or have an __index__ method")
    return slice(*(int(v) if v is not None else None for v in (k.start, k.stop, k.step)))


def _plain_slice(k):
    """A slice of Python ints and Nones (what _prepare would leave as it is)."""
    start, stop, step = k.start, k.stop, k.step
    return ((start is None or type(start) is int) and (stop is None or type(stop) is int)
            and (step is None or type(step) is int))


def _plain_key(x, key):
    """The items of a key that needs no rewriting (an int, a plain slice, or a tuple of
    them, no more than x's dims), or None: x[i], x[a:b], x[:, 0] and x[i, j] skip
    _prepare and _expand_ellipsis, which cost 3-4 us of such a view."""
    kind = type(key)
    if kind is tuple:
        return key if _plain_items(key, len(x._shape)) else None
    if x._shape and (kind is int or (kind is slice and _plain_slice(key))):
        return (key,)
    return None


def _plain_items(key, ndim):
    """Whether a tuple key holds only Python ints and slices of them, no more than ndim:
    what _prepare and _expand_ellipsis would leave as it is (x[:, 0], x[i, j])."""
    if len(key) > ndim:
        return False
    for k in key:
        kind = type(k)
        if kind is not int and not (kind is slice and _plain_slice(k)):
            return False
    return True


def _prepare(key):
    out = []
    for k in key:
        if isinstance(k, str):
            raise TypeError("only integers, slices (`:`), ellipsis (`...`), None and long or "
                            "byte Variables are valid tensor indices (got str)")
        if isinstance(k, (float, np.floating)):
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or "
                             "byte Variables are valid indices (got float)")
        if isinstance(k, slice):
            k = _slice_index(k)
        elif isinstance(k, Tensor) and k.ndim == 0 and k.dtype.category == 1:
            k = k.item()
        out.append(k)
    return tuple(out)


_advanced_module = None


def _advanced():
    """ops.advanced_indexing, imported on first use (it imports this module); a
    function-level import statement costs about 0.4 us a call."""
    global _advanced_module
    if _advanced_module is None:
        from . import advanced_indexing
        _advanced_module = advanced_indexing
    return _advanced_module


def getitem(x, key):
    # the keys loops type most, x[i] and x[a:b], go straight to their view
    kind = type(key)
    if kind is int and x._shape:
        return views.select(x, 0, key)
    if kind is slice and x._shape and _plain_slice(key):
        out = _sliced(x, 0, key)
        return views.alias(x) if out is x else out
    if kind is Tensor and x._shape and key._shape and key._storage.device is x._storage.device:
        if key._storage.dtype is _dtype.int64:
            return _advanced().index_rows(x, key)  # x[idx]: rows along dim 0
        if key._storage.dtype is _dtype.bool_ and len(key._shape) <= len(x._shape):
            return _advanced().mask_rows(x, key)  # x[mask]
    if kind is tuple and _plain_items(key, len(x._shape)):
        return _apply_basic(x, key)  # (see _plain_key)
    key = _prepare(normalize_key(x, key))
    if all(_is_basic(k) for k in key):
        return basic_view(x, key)
    from . import advanced_indexing
    return advanced_indexing.getitem(x, key)


def _expand_value(value, shape):
    """value broadcast to the indexed region (leading 1s dropped, like torch)."""
    while value.ndim > len(shape) and value._shape[0] == 1:
        value = views.squeeze(value, 0)
    if tuple(value._shape) == tuple(shape):
        return value
    return views.expand(value, shape)


def _check_value(x, value):
    """torch assigns tensors and Python numbers (np.float64 is a float, np.int64 has
    __index__); lists, arrays, np.float32 ... are refused."""
    if isinstance(value, (Tensor, bool, int, float, complex)) or (
            hasattr(type(value), "__index__") and not isinstance(value, np.ndarray)):
        return
    kind = type(value)
    name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
    raise TypeError(f"can't assign a {name} to a {x.type()}")


def setitem(x, key, value):
    _check_value(x, value)
    if isinstance(value, (numbers.Number, np.generic)):  # PyTorch checks it before the index
        value = setitem_scalar(value, x.dtype)
    items = _plain_key(x, key)
    if items is not None:
        target = _apply_basic(x, items)
    else:
        key = _prepare(normalize_key(x, key))
        if not all(_is_basic(k) for k in key):
            _advanced().setitem(x, key, value)
            return
        target = basic_view(x, key)
    if isinstance(value, Tensor):
        copy_(target, _expand_value(value, target._shape))
    elif isinstance(value, (numbers.Number, np.generic)):
        check_no_internal_overlap(target)  # x[:] = 1 is a copy in torch, not a fill_
        _fill(target, value, "FillBackward2", check_floats=False)  # checked above
    else:
        from .._from_data import from_data
        copy_(target, from_data(value, x.dtype, x.device))
