"""Helpers every op uses: allocation, operand views, dim checks, scalar handling."""
import math
import numbers

import numpy as np

from .. import _dtype
from .._device import CPU
from .._alloc import empty, from_buffer  # noqa: F401  (the ops layer allocates through here)
from .._tensor import Tensor
from .._type_names import python_type_name

# PyTorch's ScalarType names, used in its error messages
SCALAR_TYPE_NAME = {
    "bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
    "int64": "Long", "float16": "Half", "float32": "Float", "float64": "Double",
    "complex64": "ComplexFloat", "complex128": "ComplexDouble",
}


def scalar_type_name(dt):
    return SCALAR_TYPE_NAME[dt.name]


def require_tensor(fname, argname, position, value, optional=False):
    """PyTorch's argument parser's TypeError for a non-tensor where a Tensor belongs."""
    if not isinstance(value, Tensor) and not (optional and value is None):
        raise TypeError(f"{fname}(): argument '{argname}' (position {position}) must be "
                        f"Tensor, not {python_type_name(value)}")


def is_contiguous(t):
    if 0 in t._shape:  # an empty tensor is contiguous whatever its strides
        return True
    expected = 1
    for n, s in zip(reversed(t._shape), reversed(t._strides)):
        if n != 1 and s != expected:
            return False
        expected *= n
    return True


def is_non_overlapping_and_dense(t):
    """True when t's elements fill a block of memory exactly, in some dim order (torch
    counts every contiguous tensor, empty ones included)."""
    if is_contiguous(t):
        return True
    dims = sorted((d for d in range(len(t._shape)) if t._shape[d] > 1),
                  key=lambda d: t._strides[d])
    expected = 1
    for d in dims:
        if t._strides[d] != expected:
            return False
        expected *= t._shape[d]
    return True


# the C++ type names in PyTorch's overflow message
_C_TYPE_NAMES = {"int32": "int", "float16": "c10::Half", "float32": "float",
                 "complex64": "c10::complex<float>"}


def _overflow(dt):
    name = _C_TYPE_NAMES.get(dt.name, f"{dt.name}_t")
    return RuntimeError(f"value cannot be converted to type {name} without overflow")


_FLOAT_LIMITS = {"float16": float(np.finfo(np.float16).max),
                 "float32": float(np.finfo(np.float32).max),
                 "complex64": float(np.finfo(np.float32).max)}


def _check_float_range(value, dt):
    """A finite number beyond float16's or float32's range is an error (inf and nan pass)."""
    limit = _FLOAT_LIMITS.get(dt.name)
    if limit is None or isinstance(value, bool):
        return
    if type(value) is int and -limit <= value <= limit:  # zeros, ones, small fills
        return
    parts = (value.real, value.imag) if isinstance(value, complex) else (value,)
    for part in parts:
        part = float(part)
        if math.isfinite(part) and abs(part) > limit:
            raise _overflow(dt)


def scalar_for_dtype(value, dt, check_floats=True):
    """value converted as torch converts a Python scalar to dt: out of range is an error,
    except that small negative ints wrap into an unsigned dtype (-1 -> 255).  Without
    check_floats a finite number beyond float16's range passes (and rounds to inf), as in
    PyTorch's fill from a tensor; setitem_scalar() gives setitem's rule."""
    kind = type(value)
    if (kind is float or kind is int) and dt.category >= 2:  # the common case, no ABC checks
        if check_floats:
            _check_float_range(value, dt)
        return value
    if check_floats and isinstance(value, (numbers.Number, np.number)) and \
            not isinstance(value, (bool, np.bool_)):
        _check_float_range(value, dt)
    if dt.category >= 2 or dt.name == "bool" or not isinstance(value, (numbers.Real, np.number)):
        return value
    info = np.iinfo(dt.np)
    unsigned = info.min == 0
    if isinstance(value, (numbers.Integral, np.integer)):
        lowest = -int(info.max) if unsigned else int(info.min)
        fits = lowest <= value <= info.max
    else:
        fits = np.isfinite(value) and info.min <= value <= info.max
    if not fits:
        raise _overflow(dt)
    value = int(value)
    return value % (int(info.max) + 1) if unsigned else value


def setitem_scalar(value, dt):
    """A number stored by x[key] = value: PyTorch checks it as scalar_for_dtype does, but
    lets any float into a float16 tensor (it rounds to inf there)."""
    return scalar_for_dtype(value, dt, check_floats=dt is not _dtype.float16)


_warned_complex_to_real = []


def warn_if_complex_to_real(src_dtype, dst_dtype):
    """PyTorch's warning for a copy or conversion that drops imaginary parts, once a
    process as PyTorch gives it."""
    if src_dtype.is_complex and not dst_dtype.is_complex and not _warned_complex_to_real:
        import warnings
        _warned_complex_to_real.append(True)
        warnings.warn("Casting complex values to real discards the imaginary part",
                      UserWarning, stacklevel=3)


PARTIAL_OVERLAP_ERROR = (
    "unsupported operation: some elements of the input tensor and the written-to tensor refer "
    "to a single memory location. Please clone() the tensor before performing the operation.")
INTERNAL_OVERLAP_ERROR = (
    "unsupported operation: more than one element of the written-to tensor refers to a single "
    "memory location. Please clone() the tensor before performing the operation.")


def aliases_differently(x, out):
    """x shares out's storage but not element for element (an in-place op must copy x)."""
    return x._storage is out._storage and not (
        x._offset == out._offset and x._shape == out._shape and x._strides == out._strides)


def check_no_internal_overlap(out):
    """An in-place write into an expanded tensor (stride 0) is refused, as in torch
    (unless it has no elements: nothing is written)."""
    if 0 not in out._shape and any(s == 0 and n > 1 for n, s in zip(out._shape, out._strides)):
        raise RuntimeError(INTERNAL_OVERLAP_ERROR)


def _memory_range(t):
    return t._offset, t._offset + 1 + sum((n - 1) * s for n, s in zip(t._shape, t._strides))


def check_no_partial_overlap(out, inp):
    """An in-place op may not read memory it writes, other than element for element.

    Like torch, only dense layouts are judged (others cannot be told cheaply)."""
    if not isinstance(inp, Tensor) or inp._storage is not out._storage:
        return
    if (inp._offset, inp._shape, inp._strides) == (out._offset, out._shape, out._strides):
        return
    if not (out.numel() and inp.numel() and is_non_overlapping_and_dense(out)
            and is_non_overlapping_and_dense(inp)):
        return
    (a0, a1), (b0, b1) = _memory_range(out), _memory_range(inp)
    if a0 < b1 and b0 < a1:
        raise RuntimeError(PARTIAL_OVERLAP_ERROR)


_PYTHON_SCALARS = (int, float, bool, complex)


def is_scalar(x):
    return type(x) in _PYTHON_SCALARS or (
        isinstance(x, (numbers.Number, np.bool_, np.number)) and not isinstance(x, Tensor))


def check_operand(x, opname="operation"):
    if isinstance(x, Tensor) or is_scalar(x):
        return
    raise TypeError(f"unsupported operand type(s) for {opname}: 'Tensor' and '{type(x).__name__}'")


def wrap_dim(dim, ndim):
    """Normalise a possibly negative dim, with PyTorch's IndexError text."""
    if isinstance(dim, Tensor):
        dim = dim.item()
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"dim must be an int, not {type(dim).__name__}")
    lo, hi = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    if not lo <= dim <= hi:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})")
    return int(dim) % max(ndim, 1)


def wrap_dims(dims, ndim):
    """A dim, list or tuple of dims -> sorted tuple of distinct non-negative dims."""
    if isinstance(dims, (list, tuple)):
        out = [wrap_dim(d, ndim) for d in dims]
    else:
        out = [wrap_dim(dims, ndim)]
    if len(set(out)) != len(out):
        raise RuntimeError(f"dim {out[0]} appears multiple times in the list of dims")
    return tuple(sorted(out))


def same_device(*tensors):
    dev = None
    for t in tensors:
        if isinstance(t, Tensor):
            if dev is None:
                dev = t.device
            elif t.device != dev:
                raise RuntimeError(
                    "Expected all tensors to be on the same device, but found at least two "
                    f"devices, {dev} and {t.device}!")
    return dev or CPU


def shape_str(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"
