"""More of PyTorch's math: diff, median and nanmedian, nansum and nanmean, cummax and
cummin, the element-wise logaddexp, logaddexp2, hypot, xlogy, float_power, sgn, signbit,
heaviside, logit and nan_to_num, isin, cov and corrcoef, cdist.

Each is composed from existing ops (element-wise, reductions, sorting, joining, matmul),
so it runs on every backend and its gradient follows from theirs.  A few record their
own backward, written with the same ops, where PyTorch's gradient is not the one the
composition gives: median() shares its gradient among ties, xlogy's gradient at x = 0
is log(y), and cdist's matmul route gives 0 (not inf) at zero distance.
"""
import math
import numbers
import warnings

from .. import _alloc, _dtype, return_types
from .._finfo import finfo
from .._tensor import Tensor
from ..autograd.derivatives import attach, composite, derivative
from ..autograd.grad_mode import no_grad
from .._backends.plan import broadcast_shapes
from . import elementwise as ew, reductions as red
from ._common import require_tensor as _require_tensor, scalar_type_name, wrap_dim
from .complex_views import real, view_as_complex, view_as_real
from .composite import exp2
from .elementwise import _inplace_apply, _inplace_checks
from .inplace import apply_inplace
from .joining import cat
from .linalg_ops import matmul, mm
from .out_args import any_dtype, castable, check_grad, exact, finish, finish_pair, found
from .sorting import searchsorted
from .view_dtype import view_as_dtype


# ---- shared helpers ------------------------------------------------------------------
def _into(fname, out, rule, fn, *args, **kwargs):
    """fn(*args, **kwargs) stored into out by PyTorch's out= contract (out_args.py)."""
    tensors = tuple(a for a in args if isinstance(a, Tensor))
    check_grad(fname, out, *tensors)
    return finish(fname, fn(*args, **kwargs), out, tensors, rule)


def _not_implemented(kernel, dt):
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_type_name(dt)}'")


def _named_dtype(value):
    """The dtype PyTorch gives a Python number it wraps into a tensor (float64 for a
    float, as torch.tensor(1.5, dtype=torch.double))."""
    if isinstance(value, Tensor):
        return value.dtype
    if isinstance(value, complex):
        return _dtype.complex128
    if isinstance(value, float):
        return _dtype.float64
    return _dtype.scalar_dtype(value)


def _float_result(a, b):
    """The promoted dtype of a and b, integers and bool moved to the default float."""
    dt = _dtype.result_type(a, b)
    return dt if dt.category >= 2 else _dtype.get_default_dtype()


def _device_of(*values):
    return next(v.device for v in values if isinstance(v, Tensor))


def _as_tensor(value, dt, device):
    """value as a tensor of dt: a Python number becomes a 0-d tensor."""
    if isinstance(value, Tensor):
        return value.to(dt)
    return _alloc.full((), value, dt, device)


# ---- diff ------------------------------------------------------------------------------
def diff(input, n=1, dim=-1, prepend=None, append=None, *, out=None):
    """The n-th forward difference along dim, with prepend/append joined on first."""
    if out is not None:
        return _into("diff", out, castable, diff, input, n, dim, prepend, append)
    x = input
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"diff(): argument 'n' must be int, not {type(n).__name__}")
    if x.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = wrap_dim(dim, x.ndim)
    for name, edge in (("prepend", prepend), ("append", append)):
        _check_diff_edge(x, d, name, edge)
    if prepend is not None or append is not None:
        x = cat([t for t in (prepend, x, append) if t is not None], d)
    if n == 0:
        return x.clone()
    for _ in range(min(n, x.shape[d])):
        size = x.shape[d] - 1
        later, earlier = x.narrow(d, 1, size), x.narrow(d, 0, size)
        # bool has no subtraction: PyTorch's difference of bools is their xor
        x = ew.logical_xor(later, earlier) if x.dtype is _dtype.bool_ else ew.sub(later, earlier)
    return x


def _check_diff_edge(x, d, name, edge):
    if edge is None:
        return
    _require_tensor("diff", name, 4 if name == "prepend" else 5, edge)
    if edge.ndim != x.ndim:
        raise RuntimeError("diff expects prepend or append to be the same dimension as input")
    for i in range(x.ndim):
        if i != d and edge.shape[i] != x.shape[i]:
            raise RuntimeError(
                "diff expects the shape of tensor to prepend or append to match that of input "
                f"except along the differencing dimension; input.size({i}) = {x.shape[i]}, but "
                f"got tensor.size({i}) = {edge.shape[i]}")


# ---- median and nanmedian ------------------------------------------------------------
_ALL = object()  # median(input): no dim given (an explicit dim=None is refused, as in torch)

_NANMEDIAN = return_types.nanmedian

# what median() of an empty tensor holds: NaN, or what NaN becomes in PyTorch's integer fill
_EMPTY_MEDIAN = {"int32": -2 ** 31, "int64": -2 ** 63}


def median(input, dim=_ALL, keepdim=False, *, out=None):
    """The median (the lower of the two middle values), or (values, indices) along dim."""
    return _median("median", input, dim, keepdim, out, return_types.median, ignore_nan=False)


def nanmedian(input, dim=_ALL, keepdim=False, *, out=None):
    """median ignoring NaN: the median of the other values (NaN if a line is all NaN)."""
    return _median("nanmedian", input, dim, keepdim, out, _NANMEDIAN, ignore_nan=True)


def _median(fname, x, dim, keepdim, out, pair, ignore_nan):
    if dim is _ALL:
        if out is not None:
            raise TypeError(f"{fname}() missing 1 required positional arguments: \"dim\"")
        return _median_all(x, ignore_nan)
    if dim is None:
        raise TypeError(f"{fname}(): argument 'dim' must be int, not NoneType")
    if out is not None:
        check_grad(fname, out[0] if isinstance(out, (tuple, list)) and out else None, x)
        return finish_pair(fname, _median_dim(x, dim, keepdim, pair, ignore_nan), out,
                           rules=(_median_values_rule, _median_indices_rule))
    return _median_dim(x, dim, keepdim, pair, ignore_nan)


def _median_values_rule(want, got, fname):
    if got is not want:
        raise RuntimeError(f"Expected tensor for 'values' to have the same type as tensor for "
                           f"argument #2 'self'; but type torch.{got._tensor_type} does not equal "
                           f"torch.{want._tensor_type} (while checking arguments for median)")


def _median_indices_rule(want, got, fname):
    if got is not _dtype.int64:
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have scalar type Long; "
                           f"but got torch.{got._tensor_type} instead (while checking arguments "
                           f"for median)")


def _check_median_dtype(x, kernel):
    if x.dtype is _dtype.bool_ or x.dtype.is_complex:
        _not_implemented(kernel, x.dtype)


def _median_positions(x, d, ignore_nan):
    """Indices (dim d kept, of size 1) of each line's median along d: the lower middle
    value; a line holding NaN gives its first NaN (median) or the median of its other
    values (nanmedian)."""
    n = x.shape[d]
    order = x.argsort(dim=d, stable=True)  # NaN sorts last, in its original order
    if not x.dtype.is_floating_point:
        return order.narrow(d, (n - 1) // 2, 1)
    numbers = ew.logical_not(ew.isnan(x)).sum(d, keepdim=True)
    if ignore_nan:
        rank = ew.floor_divide(ew.clamp(ew.sub(numbers, 1), min=0), 2)
    else:
        rank = ew.where(ew.lt(numbers, n), numbers, (n - 1) // 2)
    return order.gather(d, rank)


def _median_dim(x, dim, keepdim, pair, ignore_nan):
    _check_median_dtype(x, "median_out")
    line = x.reshape(1) if x.ndim == 0 else x
    d = wrap_dim(dim, x.ndim)
    if line.shape[d] == 0:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    with no_grad():
        indices = _median_positions(line, d, ignore_nan)
    # its gradient goes back to the chosen element
    values = _PICK[ignore_nan, "median"](x, d, indices, not keepdim or x.ndim == 0)
    if not keepdim or x.ndim == 0:
        indices = indices.squeeze(d)
    return pair(values, indices)


def _pick_along(input, d, indices, squeeze):
    """input's elements at indices along d (dim d of size 1 dropped when squeeze): the
    values of median(dim), cummax ..., one node named as PyTorch's."""
    line = input.reshape(1) if input.ndim == 0 else input
    values = line.gather(d, indices)
    if input.ndim == 0:
        return values.reshape(())
    return values.squeeze(d) if squeeze else values


_PICK = {key: composite(name, inputs=("input",))(_pick_along)
         for key, name in (((False, "median"), "MedianBackward1"),
                           ((True, "median"), "NanmedianBackward1"),
                           ("cummax", "CummaxBackward0"), ("cummin", "CumminBackward0"))}


def _median_all(x, ignore_nan):
    _check_median_dtype(x, "median_cpu")
    if x.numel() == 0:
        fill = math.nan if x.dtype.is_floating_point else _EMPTY_MEDIAN.get(x.dtype.name, 0)
        return _alloc.full((), fill, x.dtype, x.device)
    with no_grad():
        flat = x.reshape(-1)
        value = flat.gather(0, _median_positions(flat, 0, ignore_nan)).reshape(())
    return attach(_EVENLY[ignore_nan], value, (x,))


def _evenly_distribute_backward(ctx, g):
    """PyTorch's gradient of median(): shared evenly by the elements equal to the result
    (by the NaNs, when the result is NaN)."""
    x, value = ctx.self, ctx.result
    mask = ew.logical_or(ew.eq(x, value), ew.logical_and(ew.isnan(x), ew.isnan(value)))
    return (ew.mul(mask, ew.div(g, red.sum(mask))),)


_EVENLY = {ignore_nan: derivative(name, saves=("self", "result"))(_evenly_distribute_backward)
           for ignore_nan, name in ((False, "MedianBackward0"), (True, "NanmedianBackward0"))}


# ---- nansum and nanmean ------------------------------------------------------------------
def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """The sum treating NaN as zero."""
    if out is not None:
        dtype = _nan_reduction_dtype(input, out.dtype if dtype is None else dtype)
        return _into("nansum", out, any_dtype, nansum, input, dim, keepdim, dtype=dtype)
    x = input
    if x.dtype.is_complex:
        raise RuntimeError("nansum on CPU does not support complex inputs")
    return _nansum(x, dim, keepdim, dtype)


@composite("NansumBackward0", inputs=("input",))
def _nansum(input, dim, keepdim, dtype):
    x = input
    if x.dtype.is_floating_point:
        x = ew.where(ew.isnan(x), 0.0, x)  # NaN gets no gradient, as in PyTorch
    return red.sum(x, dim, keepdim, dtype=dtype)


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """The mean of the non-NaN values."""
    x = input
    if not (x.dtype.is_floating_point or x.dtype.is_complex):
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype "
                           f"but got {scalar_type_name(x.dtype)}")
    if out is not None:
        dtype = _nan_reduction_dtype(x, out.dtype if dtype is None else dtype)
        return _into("nanmean", out, castable, nanmean, x, dim, keepdim, dtype=dtype)
    count = ew.logical_not(ew.isnan(x)).sum(dim, keepdim)
    return ew.div(nansum(x, dim, keepdim, dtype=dtype), count)


def _nan_reduction_dtype(x, dtype):
    """PyTorch's NaN-skipping sum of a float tensor has float kernels only."""
    dtype = _dtype.as_dtype(dtype)
    if x.dtype.is_floating_point and not dtype.is_floating_point:
        _not_implemented("nansum_cpu", dtype)
    return dtype


# ---- cummax and cummin ---------------------------------------------------------------
def cummax(input, dim, *, out=None):
    """The running maximum along dim and where it was found: (values, indices)."""
    return _running_extreme("cummax", input, dim, out, ew.ge, return_types.cummax)


def cummin(input, dim, *, out=None):
    """The running minimum along dim and where it was found: (values, indices)."""
    return _running_extreme("cummin", input, dim, out, ew.le, return_types.cummin)


def _running_extreme(fname, x, dim, out, at_least, pair):
    if out is not None:
        check_grad(fname, out[0] if isinstance(out, (tuple, list)) and out else None, x)
        return finish_pair(fname, _running_extreme(fname, x, dim, None, at_least, pair), out,
                           rules=(_scalar_type_rule, _scalar_type_rule))
    if dim is None or isinstance(dim, bool):
        raise TypeError(f"{fname}(): argument 'dim' must be int, not {type(dim).__name__}")
    if x.dtype.is_complex:
        _not_implemented(f"{fname}_cpu", x.dtype)
    line = x.reshape(1) if x.ndim == 0 else x
    d = wrap_dim(dim, x.ndim)
    with no_grad():
        indices = _running_indices(line, d, at_least)
    # each value's gradient goes to the element it came from
    values = _PICK[fname](x, d, indices, False)
    if x.ndim == 0:
        indices = indices.reshape(())
    return pair(values, indices)


def _scalar_type_rule(want, got, fname):
    if got is not want:
        raise RuntimeError(f"expected scalar_type {scalar_type_name(want)} but found "
                           f"{scalar_type_name(got)}")


def _running_indices(x, d, at_least):
    """Where the running extreme of x along d lies, by doubling: after the step with shift
    s each position holds the best of the 2s elements ending there.  The later of equal
    values wins (at_least is ge or le), and NaN beats any number, as in PyTorch."""
    n = x.shape[d]
    line_shape = [1] * x.ndim
    line_shape[d] = n
    indices = _alloc.arange(n, _dtype.int64, x.device).reshape(line_shape).expand(x.shape)
    best = x
    shift = 1
    while shift < n:
        earlier, earlier_indices = _shifted(best, d, shift), _shifted(indices, d, shift)
        keep = at_least(best, earlier)
        if x.dtype.is_floating_point:
            keep = ew.logical_or(ew.isnan(best),
                                 ew.logical_and(keep, ew.logical_not(ew.isnan(earlier))))
        best = ew.where(keep, best, earlier)
        indices = ew.where(keep, indices, earlier_indices)
        shift *= 2
    return indices.contiguous()


def _shifted(t, d, shift):
    """t moved shift places along d: position i holds t[i - shift]; the first shift
    positions hold themselves, which leaves them unchanged in the comparison."""
    n = t.shape[d]
    return cat([t.narrow(d, 0, shift), t.narrow(d, 0, n - shift)], d)


# ---- element-wise ----------------------------------------------------------------------
def logaddexp(input, other, *, out=None):
    """log(exp(input) + exp(other)), computed without overflow."""
    if out is not None:
        return _into("logaddexp", out, castable, logaddexp, input, other)
    return _log_add_exp("logaddexp", input, other, ew.exp, 1.0)


def logaddexp2(input, other, *, out=None):
    """log2(2**input + 2**other), computed without overflow."""
    if out is not None:
        return _into("logaddexp2", out, castable, logaddexp2, input, other)
    return _log_add_exp("logaddexp2", input, other, exp2, 1.0 / math.log(2.0))


def _log_add_exp(fname, a, b, power, log_scale):
    """max + log1p(power(-|a - b|)) * log_scale; two equal infinities give themselves."""
    _require_tensor(fname, "input", 1, a)
    _require_tensor(fname, "other", 2, b)
    dt = _dtype.result_type(a, b)
    if dt.category < 2:
        _not_implemented(f"{fname}_cpu", dt)
    return (_logaddexp_node if power is ew.exp else _logaddexp2_node)(a, b, dt, power,
                                                                      log_scale)


def _log_add_exp_compute(input, other, dt, power, log_scale):
    a, b = input.to(dt), other.to(dt)
    if dt.is_complex:
        return _complex_log_add_exp(a, b, power, log_scale)
    top = ew.maximum(a, b)
    tail = ew.log1p(power(ew.neg(ew.abs(ew.sub(a, b)))))
    res = ew.add(top, tail if log_scale == 1.0 else ew.mul(tail, log_scale))
    return ew.where(ew.logical_and(ew.isinf(a), ew.eq(a, b)), a, res)


# one node each, named as PyTorch's, with an edge per operand
_logaddexp_node = composite("LogaddexpBackward0", inputs=("input", "other"))(
    _log_add_exp_compute)
_logaddexp2_node = composite("Logaddexp2Backward0", inputs=("input", "other"))(
    _log_add_exp_compute)


def _complex_log_add_exp(a, b, power, log_scale):
    # the operand with the larger real part is taken out, as PyTorch does
    a_larger = ew.ge(real(a), real(b))
    top, low = ew.where(a_larger, a, b), ew.where(a_larger, b, a)
    tail = ew.log1p(power(ew.sub(low, top)))
    return ew.add(top, tail if log_scale == 1.0 else ew.mul(tail, log_scale))


def hypot(input, other, *, out=None):
    """sqrt(input**2 + other**2), without overflow."""
    if out is not None:
        return _into("hypot", out, castable, hypot, input, other)
    _require_tensor("hypot", "input", 1, input)
    _require_tensor("hypot", "other", 2, other)
    dt = _dtype.result_type(input, other)
    if not dt.is_floating_point:
        _not_implemented("hypot_cpu", dt)
    return _hypot(input, other, dt)


@composite("HypotBackward0", inputs=("input", "other"))
def _hypot(input, other, dt):
    a, b = input.to(dt), other.to(dt)
    if dt is _dtype.float64:
        # scaled by the larger magnitude: the square of a large float64 would overflow
        big, small = ew.maximum(ew.abs(a), ew.abs(b)), ew.minimum(ew.abs(a), ew.abs(b))
        ratio = ew.div(small, ew.where(ew.eq(big, 0), 1.0, big))
        res = ew.mul(big, ew.sqrt(ew.add(ew.mul(ratio, ratio), 1.0)))
    else:
        # float64 holds the squares of float32 and float16 exactly enough, without overflow
        a64, b64 = a.to(_dtype.float64), b.to(_dtype.float64)
        res = ew.sqrt(ew.add(ew.mul(a64, a64), ew.mul(b64, b64))).to(dt)
    # an infinite side wins even over NaN, as C's hypot says
    return ew.where(ew.logical_or(ew.isinf(a), ew.isinf(b)), math.inf, res)


def xlogy(input, other, *, out=None):
    """input * log(other), and 0 where input is 0 (unless other is NaN)."""
    if out is not None:
        return _into("xlogy", out, castable, xlogy, input, other)
    x, y = input, other
    if not isinstance(x, Tensor) and not isinstance(y, Tensor):
        raise TypeError(f"xlogy() received an invalid combination of arguments - got "
                        f"({type(x).__name__}, {type(y).__name__})")
    dt = _float_result(x, y)
    if dt.is_complex:
        _not_implemented("xlogy_cpu", dt)
    device = _device_of(x, y)
    with no_grad():
        xt, yt = _as_tensor(x, dt, device), _as_tensor(y, dt, device)
        res = ew.where(ew.eq(xt, 0), 0.0, ew.mul(xt, ew.log(yt)))
        res = ew.where(ew.isnan(yt), math.nan, res)
    node = None if isinstance(x, Tensor) and isinstance(y, Tensor) else \
        "XlogyBackward1" if isinstance(y, Tensor) else "XlogyBackward2"
    return attach(_xlogy_backward, res, (x, y), node, self_value=xt, other_value=yt)


@derivative("XlogyBackward0", inputs=("self", "other"), saves=("self_value", "other_value"))
def _xlogy_backward(ctx, g):
    # PyTorch's formulas: d/dx is log(y) also where x is 0 (but 0 where x is 0 and y <= 0)
    x, y = ctx.self_value, ctx.other_value
    need = ctx.needs_input_grad
    gx = gy = None
    if need[0]:
        gx = ew.where(ew.logical_and(ew.eq(x, 0), ew.le(y, 0)), 0.0, xlogy(g, y))
    if need[1]:
        gy = ew.div(ew.mul(g, x), y)
    return gx, gy


def float_power(input, exponent, *, out=None):
    """input ** exponent computed in float64 (complex128 if either is complex)."""
    if out is not None:
        return _into("float_power", out, _float_power_out_rule, float_power, input, exponent)
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError(f"float_power() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(exponent).__name__})")
    dt = _float_power_dtype(input, exponent)
    base = input.to(dt) if isinstance(input, Tensor) else input
    power = exponent.to(dt) if isinstance(exponent, Tensor) else exponent
    return ew.pow(base, power)


def _float_power_dtype(input, exponent):
    complex_operand = any(_named_dtype(v).is_complex for v in (input, exponent))
    return _dtype.complex128 if complex_operand else _dtype.float64


def _float_power_out_rule(want, got, fname):
    if got is not want:
        raise RuntimeError(f"the output given to float_power has dtype {scalar_type_name(got)} "
                           f"but the operation's result requires dtype {scalar_type_name(want)}")


def sgn(input, *, out=None):
    """sign for real tensors; x / |x| (0 at 0) for complex ones."""
    if out is not None:
        return _into("sgn", out, found, sgn, input)
    return _sgn(input)


@composite("SgnBackward0", inputs=("input",))
def _sgn(input):
    x = input
    if not x.dtype.is_complex:
        return ew.sign(x)
    size = ew.abs(x)
    return ew.div(x, ew.where(ew.eq(size, 0), 1.0, size))


# the signed integer type of each float's width: its sign bit is the float's
_SAME_WIDTH_INT = {2: _dtype.int16, 4: _dtype.int32, 8: _dtype.int64}


def signbit(input, *, out=None):
    """True where the sign bit is set (also for -0.0 and negative NaN)."""
    if out is not None:
        return _into("signbit", out, _bool_out_rule, signbit, input)
    x = input
    if x.dtype.is_complex:
        raise NotImplementedError("signbit is not implemented for complex tensors.")
    if x.dtype.is_floating_point:
        x = view_as_dtype(x.detach(), _SAME_WIDTH_INT[x.dtype.itemsize])
    elif not x.dtype.is_signed:  # bool and uint8
        return ew.ne(x, x)
    return ew.lt(x, 0)


def _bool_out_rule(want, got, fname):
    if got is not _dtype.bool_:
        raise RuntimeError("signbit does not support non-boolean outputs.")


def heaviside(input, values, *, out=None):
    """The step function: 0 below zero, values at zero, 1 above (not differentiable)."""
    if out is not None:
        return _into("heaviside", out, _heaviside_out_rule, heaviside, input, values)
    _require_tensor("heaviside", "input", 1, input)
    _require_tensor("heaviside", "values", 2, values)
    if input.dtype.is_complex or values.dtype.is_complex:
        raise RuntimeError("heaviside is not yet implemented for complex tensors.")
    if input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    with no_grad():  # PyTorch has no derivative for heaviside
        return ew.where(ew.eq(input, 0), values, ew.gt(input, 0))


def _heaviside_out_rule(want, got, fname):
    if got is not want:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")


def logit(input, eps=None, *, out=None):
    """log(p / (1 - p)), with p clamped to [eps, 1 - eps] when eps is given."""
    if out is not None:
        return _into("logit", out, castable, logit, input, eps)
    x = input
    if x.dtype.is_complex:
        _not_implemented("logit_cpu", x.dtype)
    if x.dtype.category < 2:
        x = x.to(_dtype.get_default_dtype())
    return _logit(x, eps)


@composite("LogitBackward0", inputs=("input",))
def _logit(input, eps):
    x = input
    if eps is not None:
        x = ew.clamp(x, eps, 1.0 - eps)  # the gradient is 0 outside [eps, 1 - eps]
    return ew.log(ew.div(x, ew.rsub(x, 1.0)))


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """NaN, +inf and -inf replaced by nan, posinf and neginf (by default the dtype's
    largest and smallest finite values)."""
    if out is not None:
        return _into("nan_to_num", out, _same_as_input_rule, nan_to_num, input, nan, posinf,
                     neginf)
    x = input
    if x.dtype.is_complex:  # real and imaginary parts are replaced separately
        parts = nan_to_num(view_as_real(x), nan, posinf, neginf)
        return view_as_complex(parts.contiguous())
    if not x.dtype.is_floating_point:
        return x.clone()
    return _nan_to_num(x, nan, posinf, neginf)


@composite("NanToNumBackward0", inputs=("input",))
def _nan_to_num(input, nan, posinf, neginf):
    x = input
    info = finfo(x.dtype)
    # every mask from the input itself: a replacement that rounds to inf stays inf
    res = ew.where(ew.eq(x, -math.inf), info.min if neginf is None else neginf, x)
    res = ew.where(ew.eq(x, math.inf), info.max if posinf is None else posinf, res)
    return ew.where(ew.isnan(x), 0.0 if nan is None else nan, res)


def _same_as_input_rule(want, got, fname):
    if got is not want:
        raise RuntimeError(f"nan_to_num: dtype of out: {scalar_type_name(got)} should be same "
                           f"as input: {scalar_type_name(want)}")


# ---- isin --------------------------------------------------------------------------------
def isin(elements, test_elements, *, assume_unique=False, invert=False, out=None):
    """True where an element of elements occurs in test_elements (False with invert)."""
    if out is not None:
        return _into("isin", out, exact, isin, elements, test_elements,
                     assume_unique=assume_unique, invert=invert)
    a, pool = elements, test_elements
    if not isinstance(a, Tensor) and not isinstance(pool, Tensor):
        raise TypeError(f"isin() received an invalid combination of arguments - got "
                        f"({type(a).__name__}, {type(pool).__name__})")
    for v in (a, pool):
        dt = _named_dtype(v)
        if dt is _dtype.bool_ or dt.is_complex:
            raise RuntimeError(f"Unsupported input type encountered for isin(): "
                               f"{scalar_type_name(dt)}")
    with no_grad():
        if not isinstance(pool, Tensor):
            hit = ew.eq(a, pool)
        elif not isinstance(a, Tensor):
            hit = red.any(ew.eq(pool, a))
        else:
            hit = _isin_tensors(a, pool)
        return ew.logical_not(hit) if invert else hit


def _isin_tensors(a, pool):
    """Each element looked up by binary search in the sorted test elements."""
    common = _dtype.promote_types(a.dtype, pool.dtype)
    a = a.to(common)
    pool = pool.reshape(-1).to(common).sort().values
    if pool.numel() == 0:
        return _alloc.zeros(a.shape, _dtype.bool_, a.device)
    place = ew.clamp(searchsorted(pool, a), max=pool.numel() - 1)
    nearest = pool.index_select(0, place.reshape(-1)).reshape(a.shape)
    return ew.eq(nearest, a)


# ---- cov and corrcoef ------------------------------------------------------------------
def cov(input, *, correction=1, fweights=None, aweights=None):
    """Covariance matrix of the variables in input's rows (observations in its columns)."""
    x = input
    if x.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {x.ndim} dimensions")
    if x.dtype is _dtype.bool_:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    if isinstance(correction, bool) or not isinstance(correction, int):
        raise TypeError(f"cov(): argument 'correction' must be int, not "
                        f"{type(correction).__name__}")
    rows = x.reshape(1, -1) if x.ndim < 2 else x
    n = rows.shape[1]
    w = _cov_weights(fweights, aweights, n)
    w_sum = n if w is None else red.sum(w)
    if w is not None and not ew.ne(w_sum, 0).item():
        raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    mean = ew.div(red.sum(rows if w is None else ew.mul(rows, w), 1), w_sum)
    if w is not None and aweights is not None and correction != 0:
        dof = ew.sub(w_sum, ew.div(ew.mul(red.sum(ew.mul(w, aweights)), correction), w_sum))
    else:
        dof = ew.sub(w_sum, correction) if w is not None else n - correction
    if (dof <= 0) if isinstance(dof, int) else ew.le(dof, 0).item():
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning, stacklevel=2)
        dof = 0
    centered = ew.sub(rows, mean.unsqueeze(1))
    weighted = centered if w is None else ew.mul(centered, w)
    return ew.div(mm(centered, weighted.t().conj()), dof).squeeze()


def _cov_weights(fweights, aweights, n):
    """The product of the frequency and the observation weights (None if neither)."""
    w = None
    for name, weights, kind, ok in (
            ("fweights", fweights, "integral", lambda dt: dt.category == 1),
            ("aweights", aweights, "floating point", lambda dt: dt.is_floating_point)):
        if weights is None:
            continue
        if weights.ndim > 1:
            raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got "
                               f"{name} with {weights.ndim} dimensions")
        if not ok(weights.dtype):
            raise RuntimeError(f"cov(): expected {name} to have {kind} dtype but got {name} "
                               f"with {scalar_type_name(weights.dtype)} dtype")
        if weights.numel() != n:
            raise RuntimeError(f"cov(): expected {name} to have the same numel as there are "
                               f"observations in the input but got {weights.numel()} != {n}")
        if n and ew.lt(red.amin(weights), 0).item():
            raise RuntimeError(f"cov(): {name} cannot be negative")
        w = weights if w is None else ew.mul(w, weights)
    return w


def corrcoef(input):
    """Pearson correlation coefficients of the variables in input's rows."""
    if input.ndim > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got "
                           f"an input with {input.ndim} dimensions")
    c = cov(input)
    if c.ndim == 0:  # one variable: 1, or NaN where its variance is 0, inf or NaN
        return ew.div(c, c)
    variances = c.diagonal()
    spread = ew.sqrt(real(variances) if variances.dtype.is_complex else variances)
    c = ew.div(ew.div(c, spread.reshape(-1, 1)), spread.reshape(1, -1))
    if c.dtype.is_complex:  # real and imaginary parts clipped separately
        return view_as_complex(ew.clamp(view_as_real(c), -1, 1).contiguous())
    return ew.clamp(c, -1, 1)


# ---- cdist -------------------------------------------------------------------------------
_CDIST_MODES = {"use_mm_for_euclid_dist_if_necessary": None, "use_mm_for_euclid_dist": True,
                "donot_use_mm_for_euclid_dist": False}


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The p-norm distance between each row of x1 and each row of x2 (batched)."""
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    _check_cdist(x1, x2, p)
    batch = broadcast_shapes(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]))
    rows1, rows2 = x1.shape[-2], x2.shape[-2]
    use_mm = _CDIST_MODES[compute_mode]
    if p == 2 and (use_mm or (use_mm is None and (rows1 > 25 or rows2 > 25))):
        return _euclidean_dist(x1, x2)
    return _cdist(x1, x2, p, batch + (rows1, rows2))


@composite("CdistBackward0", inputs=("x1", "x2"))
def _cdist(x1, x2, p, shape):
    difference = ew.sub(x1.unsqueeze(-2), x2.unsqueeze(-3))
    if x1.shape[-1] == 0:  # no coordinates: every distance is 0
        return red.sum(ew.abs(difference), -1).expand(shape)
    return red.norm(difference, p, -1)


def _check_cdist(x1, x2, p):
    for name, x in (("X1", x1), ("X2", x2)):
        if x.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {x.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    for name, x in (("X1", x1), ("X2", x2)):
        if x.dtype is _dtype.float16:
            _not_implemented("cdist", x.dtype)
        if not x.dtype.is_floating_point:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                               f"{scalar_type_name(x.dtype)}")
    if x1.dtype is not x2.dtype:
        raise RuntimeError(f"expected scalar type {scalar_type_name(x1.dtype)} but found "
                           f"{scalar_type_name(x2.dtype)}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")


def _euclidean_dist(x1, x2):
    """PyTorch's matmul route: |a - b|^2 = |a|^2 - 2 a.b + |b|^2 as one batched product."""
    with no_grad():
        sq1 = red.sum(ew.mul(x1, x1), -1, keepdim=True)
        sq2 = red.sum(ew.mul(x2, x2), -1, keepdim=True)
        left = cat([ew.mul(x1, -2), sq1, _alloc.ones(sq1.shape, sq1.dtype, sq1.device)], -1)
        right = cat([x2, _alloc.ones(sq2.shape, sq2.dtype, sq2.device), sq2], -1)
        res = ew.sqrt(ew.clamp(matmul(left, right.mT), min=0))
    return attach(_euclidean_dist_backward, res, (x1, x2))


@derivative("EuclideanDistBackward0", inputs=("x1", "x2"), saves=("x1", "x2", "result"))
def _euclidean_dist_backward(ctx, g):
    # PyTorch's subgradient: 0 where the distance is 0 (the square root's slope is infinite)
    x1, x2, res = ctx.x1, ctx.x2, ctx.result
    ratio = ew.where(ew.eq(res, 0), 0.0, ew.div(g, res))
    g1 = ew.sub(ew.mul(x1, red.sum(ratio, -1, keepdim=True)), matmul(ratio, x2))
    g2 = ew.sub(ew.mul(x2, red.sum(ratio, -2).unsqueeze(-1)), matmul(ratio.mT, x1))
    return g1, g2


# ---- in-place forms ---------------------------------------------------------------------
def _inplace_binary(fn, sym, self, other):
    _inplace_checks(self, other, sym)
    return apply_inplace(self, lambda cur: fn(cur, other), (other,))


def hypot_(self, other):
    return _inplace_binary(hypot, "hypot", self, other)


def xlogy_(self, other):
    return _inplace_binary(xlogy, "xlogy", self, other)


def float_power_(self, exponent):
    dt = _float_power_dtype(self, exponent)
    if self.dtype is not dt:
        raise RuntimeError(f"the base given to float_power_ has dtype "
                           f"{scalar_type_name(self.dtype)} but the operation's result requires "
                           f"dtype {scalar_type_name(dt)}")
    return _inplace_binary(float_power, "float_power", self, exponent)


def heaviside_(self, values):
    return _inplace_binary(heaviside, "heaviside", self, values)


def sgn_(self):
    return _inplace_apply(self, sgn)


def logit_(self, eps=None):
    return _inplace_apply(self, lambda cur: logit(cur, eps))


def nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
    return _inplace_apply(self, lambda cur: nan_to_num(cur, nan, posinf, neginf))


# ---- Tensor methods (no out=) -----------------------------------------------------------
def _diff_method(self, n=1, dim=-1, prepend=None, append=None):
    return diff(self, n, dim, prepend, append)


def _median_method(self, dim=_ALL, keepdim=False):
    return median(self, dim, keepdim)


def _nanmedian_method(self, dim=_ALL, keepdim=False):
    return nanmedian(self, dim, keepdim)


def _nansum_method(self, dim=None, keepdim=False, *, dtype=None):
    return nansum(self, dim, keepdim, dtype=dtype)


def _nanmean_method(self, dim=None, keepdim=False, *, dtype=None):
    return nanmean(self, dim, keepdim, dtype=dtype)


def _cummax_method(self, dim):
    return cummax(self, dim)


def _cummin_method(self, dim):
    return cummin(self, dim)


def _logaddexp_method(self, other):
    return logaddexp(self, other)


def _logaddexp2_method(self, other):
    return logaddexp2(self, other)


def _hypot_method(self, other):
    return hypot(self, other)


def _xlogy_method(self, other):
    return xlogy(self, other)


def _float_power_method(self, exponent):
    return float_power(self, exponent)


def _sgn_method(self):
    return sgn(self)


def _signbit_method(self):
    return signbit(self)


def _heaviside_method(self, values):
    return heaviside(self, values)


def _logit_method(self, eps=None):
    return logit(self, eps)


def _nan_to_num_method(self, nan=0.0, posinf=None, neginf=None):
    return nan_to_num(self, nan, posinf, neginf)


def _cov_method(self, *, correction=1, fweights=None, aweights=None):
    return cov(self, correction=correction, fweights=fweights, aweights=aweights)


def _corrcoef_method(self):
    return corrcoef(self)


METHODS = {
    "diff": _diff_method, "median": _median_method, "nanmedian": _nanmedian_method,
    "nansum": _nansum_method, "nanmean": _nanmean_method, "cummax": _cummax_method,
    "cummin": _cummin_method, "logaddexp": _logaddexp_method, "logaddexp2": _logaddexp2_method,
    "hypot": _hypot_method, "hypot_": hypot_, "xlogy": _xlogy_method, "xlogy_": xlogy_,
    "float_power": _float_power_method, "float_power_": float_power_, "sgn": _sgn_method,
    "sgn_": sgn_, "signbit": _signbit_method, "heaviside": _heaviside_method,
    "heaviside_": heaviside_, "logit": _logit_method, "logit_": logit_,
    "nan_to_num": _nan_to_num_method, "nan_to_num_": nan_to_num_, "cov": _cov_method,
    "corrcoef": _corrcoef_method,
}
for _name, _fn in METHODS.items():
    _fn.__name__ = _fn.__qualname__ = _name
    _fn.__doc__ = f"See torch.{_name.rstrip('_')}(); the trailing _ works in place." \
        if _name.endswith("_") else f"See torch.{_name}()."


# ---- torch.<name> -------------------------------------------------------------------------
def torch_logit_(input, eps=None):
    """input.logit_(eps): the logit computed in place."""
    return logit_(input, eps)


def torch_nan_to_num_(input, nan=0.0, posinf=None, neginf=None):
    """input.nan_to_num_(...): NaN and infinities replaced in place."""
    return nan_to_num_(input, nan, posinf, neginf)


def torch_xlogy_(input, other):
    """input.xlogy_(other): input * log(other) computed in place."""
    return xlogy_(input, other)


FUNCTIONS = {
    "diff": diff, "median": median, "nanmedian": nanmedian, "nansum": nansum,
    "nanmean": nanmean, "cummax": cummax, "cummin": cummin, "logaddexp": logaddexp,
    "logaddexp2": logaddexp2, "hypot": hypot, "xlogy": xlogy, "float_power": float_power,
    "sgn": sgn, "signbit": signbit, "heaviside": heaviside, "logit": logit,
    "nan_to_num": nan_to_num, "isin": isin, "cov": cov, "corrcoef": corrcoef, "cdist": cdist,
    "logit_": torch_logit_, "nan_to_num_": torch_nan_to_num_, "xlogy_": torch_xlogy_,
}
for _name in ("logit_", "nan_to_num_", "xlogy_"):
    FUNCTIONS[_name].__name__ = FUNCTIONS[_name].__qualname__ = _name
