"""Ops that are short compositions of other ops (their gradients come from the pieces).

They exist because users expect them next to the primitives: allclose/isclose to
check results, clamp_min/clamp_max, addcmul/addcdiv/lerp as optimisers write them,
and a few aliases.
"""
import math

from .._tensor import Tensor
from ._common import scalar_type_name
from . import elementwise as ew
from .inplace import apply_inplace
from .reductions import all as all_


def _require_tensor(name, pos, arg, value):
    if not isinstance(value, Tensor):
        raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, "
                        f"not {type(value).__name__}")


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other| elementwise; equal values (infinities
    included) are always close, nans only with equal_nan."""
    _require_tensor("isclose", 1, "input", input)
    _require_tensor("isclose", 2, "other", other)
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{scalar_type_name(input.dtype)} did not match "
                           f"{scalar_type_name(other.dtype)}")
    close = ew.eq(input, other)
    if input.dtype.category >= 2 or rtol or atol:
        a, b = (input, other) if input.dtype.category >= 2 else (input.double(), other.double())
        diff = ew.abs(ew.sub(a, b))
        within = ew.le(diff, ew.add(ew.mul(ew.abs(b), rtol), atol))
        close = ew.logical_or(close, ew.logical_and(ew.isfinite(diff), within))
    if equal_nan and input.dtype.category >= 2:
        close = ew.logical_or(close, ew.logical_and(ew.isnan(input), ew.isnan(other)))
    return close


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(all_(isclose(input, other, rtol, atol, equal_nan)).item())


def clamp_min(x, min):
    return ew.clamp(x, min=min)


def clamp_max(x, max):
    return ew.clamp(x, max=max)


def clamp_min_(x, min):
    return apply_inplace(x, lambda cur: ew.clamp(cur, min=min), (min,))


def clamp_max_(x, max):
    return apply_inplace(x, lambda cur: ew.clamp(cur, max=max), (max,))


def _integral_result(*tensors):
    return all(not isinstance(t, Tensor) or t.dtype.category < 2 for t in tensors)


def addcmul(input, tensor1, tensor2, *, value=1):
    """x + value * tensor1 * tensor2 (value is cast to the integer type of integer inputs,
    as in PyTorch: addcmul of int64 tensors with value=2.5 stays int64)."""
    x = input  # torch's parameter name, short local
    if _integral_result(x, tensor1, tensor2) and not isinstance(value, bool):
        value = int(value)
    return ew.add(x, ew.mul(ew.mul(tensor1, tensor2), value))


def addcdiv(input, tensor1, tensor2, *, value=1):
    """x + value * tensor1 / tensor2."""
    x = input  # torch's parameter name, short local
    if _integral_result(tensor1, tensor2):
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release "
            "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
            "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))."
            "to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for "
            "float inputs. The future addcdiv behavior is just the latter implementation: "
            "(input + value * tensor1 / tensor2), for all dtypes.")
    return ew.add(x, ew.mul(ew.div(tensor1, tensor2), value))


def addcmul_(x, tensor1, tensor2, *, value=1):
    return apply_inplace(x, lambda cur: addcmul(cur, tensor1, tensor2, value=value),
                         (tensor1, tensor2))


def addcdiv_(x, tensor1, tensor2, *, value=1):
    return apply_inplace(x, lambda cur: addcdiv(cur, tensor1, tensor2, value=value),
                         (tensor1, tensor2))


def lerp(x, end, weight):
    """x + weight * (end - x); floating point and complex inputs only, as in PyTorch."""
    if x.dtype.category < 2:
        from ._common import scalar_type_name
        kernel = "lerp_kernel_tensor" if isinstance(weight, Tensor) else "lerp_kernel_scalar"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_type_name(x.dtype)}'")
    return ew.add(x, ew.mul(ew.sub(end, x), weight))


def lerp_(x, end, weight):
    return apply_inplace(x, lambda cur: lerp(cur, end, weight), (end, weight))


def exp2(input):
    x = input  # torch's parameter name, short local
    return ew.pow(2.0, x)  # exact for integral exponents, unlike exp(x * log 2)


def positive(input):
    x = input  # torch's parameter name, short local
    return x


def deg2rad(input):
    x = input  # torch's parameter name, short local
    return ew.mul(x, math.pi / 180.0)


def rad2deg(input):
    x = input  # torch's parameter name, short local
    return ew.mul(x, 180.0 / math.pi)
