"""Ops that are short compositions of other ops (their gradients come from the pieces).

They exist because users expect them next to the primitives: allclose/isclose to
check results, clamp_min/clamp_max, addcmul/addcdiv/lerp as optimisers write them,
and a few aliases.
"""
import math

from .. import _dtype
from .._tensor import Tensor
from ..autograd.derivatives import attach, composite, derivative
from ..autograd.grad_mode import is_grad_enabled, no_grad
from ._common import scalar_type_name
from . import elementwise as ew
from .inplace import apply_inplace
from .out_args import castable, check_grad, finish
from .reductions import all as all_
from .._type_names import python_type_name


def _require_tensor(name, pos, arg, value):
    if not isinstance(value, Tensor):
        raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, "
                        f"not {python_type_name(value)}")


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


def _no_bool_clamp(x, bound, kernel):
    """clamp_min/clamp_max of a bool tensor by a bool: PyTorch has no kernel (even empty)."""
    if isinstance(x, Tensor) and x.dtype is _dtype.bool_ and not isinstance(bound, Tensor) \
            and _dtype.result_type(x, bound) is _dtype.bool_:
        raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for 'Bool'")


def clamp_min(x, min):
    _no_bool_clamp(x, min, "clamp_min_scalar")
    if isinstance(x, Tensor) and not isinstance(min, Tensor) and min is not None \
            and not x.dtype.is_complex and x.dtype is not _dtype.bool_:
        return ew.clamp_numbers(x, min, None, "ClampMinBackward0")
    if isinstance(min, Tensor) and (getattr(x, "_requires_grad", False) or min._requires_grad) \
            and is_grad_enabled():
        with no_grad():
            res = ew.clamp(x, min=min)
        return attach(_clamp_min_tensor_backward, res, (x, min))
    return ew.clamp(x, min=min)


@derivative("ClampMinBackward1", inputs=("self", "min"), saves=("self", "min"))
def _clamp_min_tensor_backward(ctx, g):
    gx, g_min, _ = ew.clamp_tensor_grads(ctx.self, ctx.min, None, g)  # clamp's own rule
    return gx, g_min


@derivative("ClampMaxBackward1", inputs=("self", "max"), saves=("self", "max"))
def _clamp_max_tensor_backward(ctx, g):
    gx, _, g_max = ew.clamp_tensor_grads(ctx.self, None, ctx.max, g)
    return gx, g_max


def clamp_max(x, max):
    _no_bool_clamp(x, max, "clamp_max_scalar")
    if isinstance(x, Tensor) and not isinstance(max, Tensor) and max is not None \
            and not x.dtype.is_complex and x.dtype is not _dtype.bool_:
        return ew.clamp_numbers(x, None, max, "ClampMaxBackward0")
    if isinstance(max, Tensor) and (getattr(x, "_requires_grad", False) or max._requires_grad) \
            and is_grad_enabled():
        with no_grad():
            res = ew.clamp(x, max=max)
        return attach(_clamp_max_tensor_backward, res, (x, max))
    return ew.clamp(x, max=max)


def clamp_min_(x, min):
    # through clamp_min, so that the node is named as PyTorch's (ClampMinBackward0 ...)
    return apply_inplace(x, lambda cur: clamp_min(cur, min), (min,))


def clamp_max_(x, max):
    return apply_inplace(x, lambda cur: clamp_max(cur, max), (max,))


def _integral_result(*tensors):
    return all(not isinstance(t, Tensor) or t.dtype.category < 2 for t in tensors)


def _with_out(fn, out, *args, **kwargs):
    """fn(*args, **kwargs) stored into out by PyTorch's out= contract (out_args.py): every
    op here computes a new result that out takes if its dtype can hold it."""
    tensors = [a for a in args if isinstance(a, Tensor)]
    check_grad(fn.__name__, out, *tensors)
    try:
        result = fn(*args, **kwargs)
    except NotImplementedError:
        # PyTorch checks that out can take the result type before it looks for a kernel
        if tensors:
            castable(_dtype.result_type(*tensors), out.dtype, fn.__name__)
        raise
    return finish(fn.__name__, result, out, args, castable)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """x + value * tensor1 * tensor2 (value is cast to the integer type of integer inputs,
    as in PyTorch: addcmul of int64 tensors with value=2.5 stays int64)."""
    if out is not None:
        return _with_out(addcmul, out, input, tensor1, tensor2, value=value)
    x = input  # torch's parameter name, short local
    if all(isinstance(t, Tensor) and t.dtype.name == "bool" for t in (x, tensor1, tensor2)):
        raise NotImplementedError("\"addcmul_cpu_out\" not implemented for 'Bool'")
    dt = _result_dtype(x, tensor1, tensor2)
    if dt.category < 2 and not isinstance(value, bool):
        # cast as PyTorch casts it: 2.5 -> 2, -1 wraps into uint8, -0.34 overflows it
        from ._common import scalar_for_dtype
        value = scalar_for_dtype(value, dt)
    if not _records(x, tensor1, tensor2):
        return ew.add(x, _scaled_product(ew.mul, tensor1, tensor2, value, dt))
    with no_grad():
        res = ew.add(x, _scaled_product(ew.mul, tensor1, tensor2, value, dt))
    return attach(_addcmul_backward, res, (x, tensor1, tensor2), value=value)


def _result_dtype(x, tensor1, tensor2):
    """result_type of the three, at once in an optimizer's case: one dtype."""
    if isinstance(x, Tensor) and isinstance(tensor1, Tensor) and isinstance(tensor2, Tensor):
        dt = x._storage.dtype
        if tensor1._storage.dtype is dt and tensor2._storage.dtype is dt:
            return dt
    return _dtype.result_type(x, tensor1, tensor2)


def _scaled_product(op, tensor1, tensor2, value, dt):
    """(value * tensor1) op tensor2, PyTorch's order (float results round the same), with
    both tensors in the result's dtype first: a uint8 tensor1 times a float value must
    not wrap, nor a float32 one lose precision in a float64 result."""
    from .dispatch import cast
    tensor1 = cast(tensor1, dt) if isinstance(tensor1, Tensor) else tensor1
    tensor2 = cast(tensor2, dt) if isinstance(tensor2, Tensor) else tensor2
    return op(ew.mul(tensor1, value), tensor2)


def _records(x, tensor1, tensor2):
    """Whether an op of these arguments records a node (one requires grad, grad mode on);
    an optimizer's addcmul_ under no_grad answers at the first test or the second."""
    return ((getattr(x, "_requires_grad", False) or getattr(tensor1, "_requires_grad", False)
             or getattr(tensor2, "_requires_grad", False)) and is_grad_enabled())


@derivative("AddcmulBackward0", inputs=("self", "tensor1", "tensor2"),
            saves={"tensor1": ("tensor2",), "tensor2": ("tensor1",)})
def _addcmul_backward(ctx, g):
    need, value = ctx.needs_input_grad, ctx.value
    return (g,
            (ew.mul(g, ew.mul(ctx.tensor2, value)) if need[1] else None),
            (ew.mul(g, ew.mul(ctx.tensor1, value)) if need[2] else None))


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """x + value * tensor1 / tensor2."""
    if out is not None:
        return _with_out(addcdiv, out, input, tensor1, tensor2, value=value)
    x = input  # torch's parameter name, short local
    if _integral_result(tensor1, tensor2):
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release "
            "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
            "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))."
            "to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for "
            "float inputs. The future addcdiv behavior is just the latter implementation: "
            "(input + value * tensor1 / tensor2), for all dtypes.")
    dt = _result_dtype(x, tensor1, tensor2)
    if not _records(x, tensor1, tensor2):
        return ew.add(x, _scaled_product(ew.div, tensor1, tensor2, value, dt))
    with no_grad():
        res = ew.add(x, _scaled_product(ew.div, tensor1, tensor2, value, dt))
    return attach(_addcdiv_backward, res, (x, tensor1, tensor2), value=value)


@derivative("AddcdivBackward0", inputs=("self", "tensor1", "tensor2"),
            saves={"tensor1": ("tensor2",), "tensor2": ("tensor1", "tensor2")})
def _addcdiv_backward(ctx, g):
    # PyTorch's formulas: grad * (value / tensor2), -grad * value * tensor1 / tensor2**2
    need, value = ctx.needs_input_grad, ctx.value
    return (g,
            (ew.mul(g, ew.div(value, ctx.tensor2)) if need[1] else None),
            (ew.div(ew.mul(ew.mul(ew.neg(g), value), ctx.tensor1),
                    ew.mul(ctx.tensor2, ctx.tensor2)) if need[2] else None))


def addcmul_(x, tensor1, tensor2, *, value=1):
    return apply_inplace(x, lambda cur: addcmul(cur, tensor1, tensor2, value=value),
                         (tensor1, tensor2))


def addcdiv_(x, tensor1, tensor2, *, value=1):
    return apply_inplace(x, lambda cur: addcdiv(cur, tensor1, tensor2, value=value),
                         (tensor1, tensor2))


def lerp(input, end, weight, *, out=None):
    """x + weight * (end - x); floating point and complex inputs only, as in PyTorch."""
    if out is not None:
        return _with_out(lerp, out, input, end, weight)
    x = input  # torch's parameter name, short local
    from .out_args import CPP_TYPE_NAME
    for name, operand in (("end", end), ("weight", weight)):
        if isinstance(operand, Tensor) and operand.dtype is not x.dtype:
            raise RuntimeError(f"expected dtype {CPP_TYPE_NAME[x.dtype.name]} for `{name}` but "
                               f"got dtype {CPP_TYPE_NAME[operand.dtype.name]}")
    if x.dtype.category < 2:
        from ._common import scalar_type_name
        kernel = "lerp_kernel_tensor" if isinstance(weight, Tensor) else "lerp_kernel_scalar"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_type_name(x.dtype)}'")
    with no_grad():
        if x.dtype is _dtype.float16:  # computed in float32 and rounded once, as in PyTorch
            res = _lerp_values(x.float(), end.float(),
                               weight.float() if isinstance(weight, Tensor) else weight).half()
        else:
            res = _lerp_values(x, end, weight)
    if isinstance(weight, Tensor):
        return attach(_lerp_tensor_backward, res, (x, end, weight))
    return attach(_lerp_scalar_backward, res, (x, end), weight=weight)


def _lerp_values(x, end, weight):
    # PyTorch's formula: from the nearer end, so that weight 1 gives `end` exactly (and
    # an infinite end with weight 1 gives end - inf * 0 = nan, as there)
    diff = ew.sub(end, x)
    if not isinstance(weight, Tensor):
        if abs(weight) < 0.5:
            return ew.add(x, ew.mul(diff, weight))
        return ew.sub(end, ew.mul(diff, 1 - weight))
    near_start = ew.lt(ew.abs(weight), 0.5)
    return ew.where(near_start, ew.add(x, ew.mul(weight, diff)),
                    ew.sub(end, ew.mul(diff, ew.rsub(weight, 1))))


@derivative("LerpBackward0", inputs=("self", "end"))
def _lerp_scalar_backward(ctx, g):
    need, w = ctx.needs_input_grad, ctx.weight
    return (ew.mul(g, 1 - w) if need[0] else None), (ew.mul(g, w) if need[1] else None)


@derivative("LerpBackward1", inputs=("self", "end", "weight"), saves=("self", "end", "weight"))
def _lerp_tensor_backward(ctx, g):
    need, w = ctx.needs_input_grad, ctx.weight
    return ((ew.mul(g, ew.rsub(w, 1)) if need[0] else None),
            (ew.mul(g, w) if need[1] else None),
            (ew.mul(g, ew.sub(ctx.end, ctx.self)) if need[2] else None))


def lerp_(x, end, weight):
    return apply_inplace(x, lambda cur: lerp(cur, end, weight), (end, weight))


def exp2(input, *, out=None):
    if out is not None:
        return _with_out(exp2, out, input)
    return _exp2(input)


@composite("Exp2Backward0", inputs=("input",))
def _exp2(input):
    return ew.pow(2.0, input)  # exact for integral exponents, unlike exp(x * log 2)


def positive(input):
    x = input  # torch's parameter name, short local
    if x.dtype is _dtype.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return x


def deg2rad(input, *, out=None):
    if out is not None:
        return _with_out(deg2rad, out, input)
    return _deg2rad(input)


@composite("Deg2RadBackward0", inputs=("input",))
def _deg2rad(input):
    return ew.mul(input, math.pi / 180.0)


def rad2deg(input, *, out=None):
    if out is not None:
        return _with_out(rad2deg, out, input)
    return _rad2deg(input)


@composite("Rad2DegBackward0", inputs=("input",))
def _rad2deg(input):
    return ew.mul(input, 180.0 / math.pi)
