"""Tensors from host data, below the ops layer: nested lists and numbers, NumPy arrays.

Nested Python data is parsed on the host (shape, dtype inference, ragged checks); the
values then move to the target device in one transfer.  torch.tensor, Tensor(...),
index keys given as lists and every op that accepts array-like data come here.
"""
import numbers

import numpy as np

from . import _dtype
from ._alloc import from_buffer
from ._backends import backend_for
from ._device import CPU
from ._global_switches import warn_once
from ._tensor import Tensor


def _infer(data, shape, flat, array_dtypes, depth=0):
    """Walk nested sequences: record the shape, collect leaves (and the dtypes of NumPy
    arrays met on the way), check raggedness.

    The shape is complete once the first leaf is reached; after that a sequence
    where a number belongs, or a number where a sequence belongs, is a TypeError
    (torch's wording), and a sequence of the wrong length a ValueError.
    """
    complete = bool(flat)
    if isinstance(data, np.ndarray):  # a sequence, whose dtype takes part in the inference
        if data.ndim == 0:
            raise TypeError("len() of unsized object")
        if data.size:
            _warn_slow_arrays(data.shape)
        array_dtypes.append(data.dtype)
        _infer(data.tolist() if data.ndim else data.item(), shape, flat, array_dtypes, depth)
        return
    if isinstance(data, (list, tuple)):
        n = len(data)
        if depth == len(shape):
            if complete:
                raise TypeError(f"'{type(data).__name__}' object cannot be interpreted as an integer")
            shape.append(n)
        elif shape[depth] != n:
            raise ValueError(f"expected sequence of length {shape[depth]} at dim {depth} (got {n})")
        for item in data:
            _infer(item, shape, flat, array_dtypes, depth + 1)
        return
    # a tensor inside a list is one number, as PyTorch reads it (its item())
    if isinstance(data, (numbers.Number, np.generic, Tensor)):
        if depth != len(shape):
            raise TypeError("not a sequence")
        flat.append(data)
        return
    if isinstance(data, str):
        if depth and not complete:
            raise ValueError(f"too many dimensions '{type(data).__name__}'")
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if hasattr(data, "__len__") and hasattr(data, "__getitem__") and not isinstance(data, dict):
        _infer(list(data), shape, flat, array_dtypes, depth)
        return
    raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")


def _warn_slow_arrays(shape):
    """PyTorch's warning for a NumPy array inside a list, given (once per process, or
    under set_warn_always) for the array and each of its sub-arrays that it walks."""
    walked, rows = 1, 1
    for n in shape[:-1]:
        rows *= n
        walked += rows
    for _ in range(walked):
        if not warn_once("Creating a tensor from a list of numpy.ndarrays is extremely slow. "
                         "Please consider converting the list to a single numpy.ndarray with "
                         "numpy.array() before converting to a tensor.", stacklevel=5):
            return


def _leaf_dtype(flat, array_dtypes):
    """PyTorch's inference: the promotion of every leaf's type (a Python float: the
    default dtype; a tensor or NumPy scalar: its own) and of every NumPy array's."""
    kinds = [_dtype.from_numpy_dtype(d) for d in array_dtypes]
    if not flat and not kinds:  # no values at all (tensor([])): the default float
        return _dtype.get_default_dtype()
    for v in flat:
        if isinstance(v, Tensor):
            kinds.append(v.dtype)
        elif isinstance(v, np.generic):
            kinds.append(_dtype.from_numpy_dtype(v.dtype))
        else:
            kinds.append(_dtype.scalar_dtype(v))
    best = kinds[0]
    for d in kinds[1:]:
        if d is not best:
            best = _dtype.promote_types(best, d)
    return best


def _number(v):
    """A leaf as the number it stands for: a tensor inside a list must hold one value."""
    if not isinstance(v, Tensor):
        return v
    if v.numel() != 1:
        raise ValueError("only one element tensors can be converted to Python scalars")
    return v.item()


_INT_KINDS, _FLOAT_KINDS, _REAL_KINDS = {int}, {float}, {int, float}


def _flat_numbers_dtype(data):
    """The inferred dtype of a flat list of plain Python ints and floats (the common
    torch.tensor([1., 2., 3.])), or None for any other data: the full walk below."""
    if type(data) is not list or not data:
        return None
    kinds = set(map(type, data))
    if kinds == _INT_KINDS:
        return _dtype.int64
    if kinds <= _REAL_KINDS:
        return _dtype.get_default_dtype()
    return None


def from_data(data, dt, dev):
    """A new tensor holding data (nested sequences, numbers or a NumPy array; not a
    Tensor) in dtype dt (None: inferred as torch infers it) on device dev."""
    if isinstance(data, np.ndarray):
        arr = data
        inferred = _dtype.from_numpy_dtype(arr.dtype)
    else:
        inferred = _flat_numbers_dtype(data)
        if inferred is not None:  # a flat list of plain numbers: nothing to walk
            shape, values = [len(data)], data
        else:
            shape, flat, array_dtypes = [], [], []
            _infer(data, shape, flat, array_dtypes)
            inferred = _leaf_dtype(flat, array_dtypes)
            values = [_number(v) for v in flat]
        want = (dt or inferred).np
        if want == np.float16:
            want = np.float64  # rounded to float16 through float32 below, as PyTorch does
        try:
            arr = np.array(values, dtype=want)
        except (OverflowError, ValueError):  # out of range, or nan/inf into an integer
            arr = _wrap_negative_ints(values, dt or inferred)
        arr = arr.reshape(shape)
    target = dt or inferred
    if target is _dtype.float16 and arr.dtype == np.float64:
        # PyTorch makes a double a float16 through float (c10::Half's constructor): a
        # direct rounding differs where float32's rounding lands on a float16 tie
        arr = arr.astype(np.float32)
    arr = np.ascontiguousarray(arr, dtype=target.np).reshape(-1)
    buf = backend_for(dev).from_host(arr.copy() if arr.base is not None or arr is data else arr)
    out = from_buffer(buf, target, dev, np.shape(data) if isinstance(data, np.ndarray) else tuple(shape))
    return out


def _wrap_negative_ints(values, target):
    """torch lets small negative ints wrap into an unsigned dtype (-1 -> 255); any
    other value out of the dtype's range is an error."""
    if target is _dtype.uint8 and all(isinstance(v, (int, np.integer)) and -255 <= v <= 255
                                      for v in values):
        return np.array(values, dtype=np.int64).astype(np.uint8)
    if any(isinstance(v, int) and not -2 ** 63 <= v < 2 ** 63 for v in values):
        raise ValueError("Overflow when unpacking long long")  # torch's text for a huge int
    raise RuntimeError(f"value cannot be converted to type {target.name} without overflow")


def from_numpy(arr):
    """Creates a tensor that shares memory with the NumPy array arr."""
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(arr).__name__})")
    dt = _dtype.from_numpy_dtype(arr.dtype)
    item = arr.itemsize
    if any(s < 0 for s in arr.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors "
                         "with negative strides are not currently supported. (You can probably "
                         "work around this by making a copy of your array  with array.copy().) ")
    if any(s % item for s in arr.strides):
        raise ValueError("given numpy array strides not a multiple of the element byte size. "
                         "Copy the numpy array to reallocate the memory.")
    if arr.dtype.byteorder not in "=|":
        raise TypeError("can't convert a non-native byte order numpy array")
    strides = tuple(s // item for s in arr.strides)
    if arr.size == 0:
        flat = np.empty(0, dtype=arr.dtype)
    else:
        span = 1 + sum((n - 1) * s for n, s in zip(arr.shape, strides))
        flat = np.lib.stride_tricks.as_strided(arr, shape=(span,), strides=(item,))
    t = from_buffer(flat, dt, CPU, arr.shape, strides)
    # memory shared with NumPy that is as the allocator's own (writable, aligned, one
    # contiguous run) is typed alike by Numba: the kernels may take it unchecked too
    flags = flat.flags
    t._storage.plain = flags.writeable and flags.aligned and flags.c_contiguous
    return t


def warn_if_read_only(arr):
    """PyTorch's warning (once per process) when torch.from_numpy or torch.as_tensor
    is handed an array that NumPy marks read-only (torch.tensor copies it silently)."""
    if isinstance(arr, np.ndarray) and not arr.flags.writeable:
        warn_once("The given NumPy array is not writable, and PyTorch does not support "
                  "non-writable tensors. This means writing to this tensor will result in "
                  "undefined behavior. You may want to copy the array to protect its data or "
                  "make it writable before converting it to a tensor. This type of warning "
                  "will be suppressed for the rest of this program.", stacklevel=4)
