"""Operators with a NumPy array operand (`t + np.ones(3)`), as torch does them.

torch leaves `tensor (op) ndarray` to NumPy (the tensor is read as an array) and wraps
NumPy's answer back into a tensor.  So the result follows NumPy's rules: its dtype is
NumPy's promotion (int32 tensor + float32 array -> float64), a bool answer comes back
as uint8, bad shapes or dtypes raise NumPy's errors, and a tensor that requires grad
is refused.  `==` is the exception: torch compares natively (bool tensor).

Here NumPy only resolves the loop dtypes (ufunc.resolve_dtypes: no compute); the
arithmetic runs in numtensor's own ops on operands cast to those dtypes.
With the ndarray on the left only / and == work in torch; the rest raise TypeError.
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from .dispatch import cast

# operator -> the NumPy ufunc whose rules torch ends up applying
_UFUNCS = {
    "__add__": np.add, "__sub__": np.subtract, "__mul__": np.multiply,
    "__truediv__": np.true_divide,
    "__floordiv__": np.floor_divide, "__mod__": np.remainder, "__pow__": np.power,
    "__and__": np.bitwise_and, "__or__": np.bitwise_or, "__xor__": np.bitwise_xor,
}
# torch's answer NotImplemented: in-place forms fall back to `t = t + a`, and the others
# end in Python's own TypeError ('<' not supported between instances of ...)
_DECLINED = ("__iadd__", "__isub__", "__imul__", "__itruediv__",
             "__radd__", "__rsub__", "__rmul__", "__rpow__", "__lt__", "__le__", "__gt__", "__ge__")


def wrap(operators):
    """The operator table with ndarray operands handled (other entries unchanged)."""
    out = dict(operators)
    for name, ufunc in _UFUNCS.items():
        out[name] = _numpy_rules(operators[name], ufunc)
    for name in _DECLINED:
        out[name] = _not_for_ndarray(operators[name])
    out["__eq__"] = _native_compare(operators["__eq__"])
    out["__rtruediv__"] = _reciprocal_times(operators["__rtruediv__"], out["__mul__"])
    return out


def _numpy_rules(fn, ufunc):
    def method(self, other):
        if not isinstance(other, np.ndarray):
            return fn(self, other)
        if self._requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                               "Use tensor.detach().numpy() instead.")
        in_self, in_other, result = ufunc.resolve_dtypes((self.dtype.np, other.dtype, None))  # NumPy's errors
        _check_broadcast(self.shape, other.shape)
        res = fn(_as_tensor(self, in_self), _as_tensor(other, in_other))
        # a bool NumPy answer becomes uint8 when torch wraps it back
        return cast(res, _dtype.uint8 if result == np.bool_ else _dtype.from_numpy_dtype(result))
    method.__name__ = fn.__name__ if hasattr(fn, "__name__") else "operator"
    return method


def _reciprocal_times(fn, mul):
    """a / t is torch's reciprocal(t) * a: 1/t rounds in t's float dtype first."""
    def method(self, other):
        if not isinstance(other, np.ndarray):
            return fn(self, other)
        from .elementwise import reciprocal
        return mul(reciprocal(self), other)
    return method


def _not_for_ndarray(fn):
    def method(self, other):
        if isinstance(other, np.ndarray):
            return NotImplemented
        return fn(self, other)
    return method


def _native_compare(fn):
    def method(self, other):
        if isinstance(other, np.ndarray):
            other = _as_tensor(other, other.dtype)
        return fn(self, other)
    return method


def _as_tensor(value, np_dtype):
    from .._from_data import from_numpy
    want = _dtype.from_numpy_dtype(np.dtype(np_dtype))
    if isinstance(value, Tensor):
        return cast(value, want)
    return from_numpy(np.array(value, dtype=np_dtype, order="C"))  # a copy: 0-d stays 0-d


def _check_broadcast(a, b):
    try:
        np.broadcast_shapes(tuple(a), tuple(b))
    except ValueError:
        raise ValueError(f"operands could not be broadcast together with shapes "
                         f"{_np_shape(a)} {_np_shape(b)} ") from None


def _np_shape(shape):
    return "(" + ",".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"
