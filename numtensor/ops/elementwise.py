"""Element-wise ops: each defined once with its dtype rule, kernel and gradient.

Dtype rules follow PyTorch: arithmetic promotes (result_type), true division and
transcendental functions move integers to the default float, comparisons give bool.
In-place forms (add_ ...) compute in the promoted dtype and store into self, which
must be able to hold it.
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.derivatives import attach, derivative
from ..autograd.grad_mode import _state as _grad_mode, is_grad_enabled, no_grad
from ..autograd.graph import needs_grad
from ._common import (aliases_differently, check_no_internal_overlap, check_no_partial_overlap,
                      check_operand, is_scalar, require_tensor, scalar_for_dtype,
                      scalar_type_name)
from .._backends.plan import broadcast_shapes
from .dispatch import cast, dense_fast_path, run_elementwise, run_into_self
from .inplace import apply_inplace, check_fits, check_leaf
from .out_args import castable, check_grad, finish, found, where_rule
from .._type_names import python_type_name


def _float_dtype(dt):
    return dt if dt.category >= 2 else _dtype.get_default_dtype()


def _as_tensor_list(*xs):
    return [x for x in xs if isinstance(x, Tensor)]


def _named(fn, name):
    """Give a function made by a factory its public name (Python's own TypeErrors, such
    as "exp() got an unexpected keyword argument 'foo'", then name it as torch does)."""
    fn.__name__ = fn.__qualname__ = name
    return fn


def _with_out(fn, out, rule, *args, **kwargs):
    """fn(*args, **kwargs) stored into out by PyTorch's out= contract (out_args.py)."""
    name = fn.__name__
    check_grad(name, out, *args)
    return finish(name, fn(*args, **kwargs), out, args, rule)


# ---- unary ----------------------------------------------------------------------
def _not_tensor(op, x):
    raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {python_type_name(x)}")


def _unary(op, x, dtype, p0=0, p1=0):
    if not isinstance(x, Tensor):
        _not_tensor(op, x)
    return run_elementwise(op, (x,), dtype, dtype, params=(p0, p1))


def _float_unary(op, d):
    """A function like exp: ints become the default float; d is its registered backward."""
    def fn(input, *, out=None):
        if out is not None:
            return _with_out(fn, out, castable, input)
        if not isinstance(input, Tensor):
            _not_tensor(op, input)
        dt = _float_dtype(input._storage.dtype)
        res = run_elementwise(op, (input,), dt, dt)
        if input._requires_grad:
            attach(d, res, (input,))
        return res

    def method(self):
        # fn's common path written out again, so that x.exp() costs no extra call
        dt = _float_dtype(self._storage.dtype)
        res = run_elementwise(op, (self,), dt, dt)
        if self._requires_grad:
            attach(d, res, (self,))
        return res
    fn.method = _named(method, op)
    return _named(fn, op)


# Each backward declares what it reads: the input ("self") or the result, as in PyTorch
# (exp saves its result, log its input), so that modifying the other one in place is fine.
@derivative("ExpBackward0", saves=("result",))
def _exp_backward(ctx, g):
    return (g * ctx.result,)


@derivative("LogBackward0", saves=("self",))
def _log_backward(ctx, g):
    return (g / ctx.self,)


@derivative("Log2Backward0", saves=("self",))
def _log2_backward(ctx, g):
    return (g / (ctx.self * 0.6931471805599453),)


@derivative("Log10Backward0", saves=("self",))
def _log10_backward(ctx, g):
    return (g / (ctx.self * 2.302585092994046),)


@derivative("Log1PBackward0", saves=("self",))
def _log1p_backward(ctx, g):
    return (g / (ctx.self + 1),)


@derivative("Expm1Backward0", saves=("result",))
def _expm1_backward(ctx, g):
    return (g * (ctx.result + 1),)


@derivative("SqrtBackward0", saves=("result",))
def _sqrt_backward(ctx, g):
    return (g / (ctx.result * 2),)


@derivative("RsqrtBackward0", saves=("result",))
def _rsqrt_backward(ctx, g):
    out = ctx.result
    return (g * out * out * out * -0.5,)


@derivative("SinBackward0", saves=("self",))
def _sin_backward(ctx, g):
    return (g * cos(ctx.self),)


@derivative("CosBackward0", saves=("self",))
def _cos_backward(ctx, g):
    return (-(g * sin(ctx.self)),)


@derivative("TanBackward0", saves=("result",))
def _tan_backward(ctx, g):
    return (g * (ctx.result * ctx.result + 1),)


@derivative("AsinBackward0", saves=("self",))
def _asin_backward(ctx, g):
    return (g * rsqrt(-(ctx.self * ctx.self) + 1),)


@derivative("AcosBackward0", saves=("self",))
def _acos_backward(ctx, g):
    return (-(g * rsqrt(-(ctx.self * ctx.self) + 1)),)


@derivative("AtanBackward0", saves=("self",))
def _atan_backward(ctx, g):
    return (g / (ctx.self * ctx.self + 1),)


@derivative("SinhBackward0", saves=("self",))
def _sinh_backward(ctx, g):
    return (g * cosh(ctx.self),)


@derivative("CoshBackward0", saves=("self",))
def _cosh_backward(ctx, g):
    return (g * sinh(ctx.self),)


@derivative("TanhBackward0", saves=("result",))
def _tanh_backward(ctx, g):
    out = ctx.result
    return (g * _derivative("tanh_grad", out, lambda: 1 - out * out),)


@derivative("SigmoidBackward0", saves=("result",))
def _sigmoid_backward(ctx, g):
    out = ctx.result
    return (g * _derivative("sigmoid_grad", out, lambda: out * (1 - out)),)


exp = _float_unary("exp", _exp_backward)
log = _float_unary("log", _log_backward)
log2 = _float_unary("log2", _log2_backward)
log10 = _float_unary("log10", _log10_backward)
log1p = _float_unary("log1p", _log1p_backward)
expm1 = _float_unary("expm1", _expm1_backward)
sqrt = _float_unary("sqrt", _sqrt_backward)
rsqrt = _float_unary("rsqrt", _rsqrt_backward)
sin = _float_unary("sin", _sin_backward)
cos = _float_unary("cos", _cos_backward)
tan = _float_unary("tan", _tan_backward)
asin = _float_unary("asin", _asin_backward)
acos = _float_unary("acos", _acos_backward)
atan = _float_unary("atan", _atan_backward)
sinh = _float_unary("sinh", _sinh_backward)
cosh = _float_unary("cosh", _cosh_backward)
tanh = _float_unary("tanh", _tanh_backward)
sigmoid = _float_unary("sigmoid", _sigmoid_backward)


def _derivative(kernel_op, out, differentiable):
    """f'(x) from f's output: one fused kernel, or (create_graph: backward is itself being
    recorded) the same formula in tensor ops, so that it can be differentiated again."""
    if is_grad_enabled():
        return differentiable()
    return _unary(kernel_op, out, out.dtype)


def _same_unary(op, d, allow_bool=True, check=None):
    """A dtype-preserving unary op (neg, abs, ...); d: its backward, or None (none);
    check(input): the op's own refusals (a dtype it has no kernel for)."""
    def fn(input, *, out=None):
        if out is not None:
            return _with_out(fn, out, found, input)
        if not isinstance(input, Tensor):
            _not_tensor(op, input)
        if not allow_bool and input.dtype is _dtype.bool_:
            _bool_error(op)
        if check is not None:
            check(input)
        res = run_elementwise(op, (input,), input.dtype, input.dtype)
        if d is not None and input._requires_grad:
            attach(d, res, (input,))
        return res

    def method(self):
        # fn's common path written out again, so that x.neg() costs no extra call
        if not allow_bool and self.dtype is _dtype.bool_:
            _bool_error(op)
        if check is not None:
            check(self)
        res = run_elementwise(op, (self,), self.dtype, self.dtype)
        if d is not None and self._requires_grad:
            attach(d, res, (self,))
        return res
    fn.method = _named(method, op)
    return _named(fn, op)


@derivative("NegBackward0")
def _neg_backward(ctx, g):
    return (-g,)


@derivative("AbsBackward0", saves=("self",))
def _abs_backward(ctx, g):
    return (g * sign(ctx.self),)


@derivative("PowBackward0", saves=("self",))
def _square_backward(ctx, g):
    return (g * ctx.self * 2,)


def _zero_grad_backward(name):
    """Piecewise-constant functions (sign, floor, round ...): the gradient is zero."""
    @derivative(name)
    def backward(ctx, g):
        return (g * 0,)
    return backward


def _bool_error(op):
    if op == "neg":
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead.")
    if op == "relu":
        raise RuntimeError("Boolean inputs not supported for relu")
    # torch names the CPU kernel that lacks a bool version
    kernel = op + ("_vml_cpu" if op in ("floor", "ceil", "round", "trunc") else "_cpu")
    raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


neg = _same_unary("neg", _neg_backward, allow_bool=False)
_abs_real = _same_unary("abs", _abs_backward, allow_bool=False)


def abs(input, *, out=None):
    if out is not None:
        return _with_out(abs, out, found, input)
    if isinstance(input, Tensor) and input.dtype.is_complex:
        # |z| of a complex tensor is real (float32 for complex64), as in PyTorch
        res = run_elementwise("abs", (input,), input.dtype, input.dtype.to_real())
        if input._requires_grad:
            attach(_complex_abs_backward, res, (input,))
        return res
    return _abs_real(input)


@derivative("AbsBackward0", saves=("self", "result"))
def _complex_abs_backward(ctx, g):
    # g * z / |z| (0 at z == 0), PyTorch's convention for a real loss of complex inputs
    z, r = ctx.self, ctx.result
    return (where(eq(r, 0), 0.0, g * z / where(eq(r, 0), 1.0, r)),)


_square = _same_unary("square", _square_backward)


def square(input, *, out=None):
    if out is not None:
        return _with_out(square, out, castable, input)
    if isinstance(input, Tensor) and input.dtype is _dtype.bool_:
        return _square(cast(input, _dtype.int64))  # torch: bool ** 2 is int64
    return _square(input)


def _sign_check(input):
    if input.dtype.is_complex:
        raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support complex "
                                  "numbers. Please use torch.sgn instead.")


def _real_only(op):
    """floor/ceil/trunc: torch refuses complex inputs."""
    def check(input):
        if input.dtype.is_complex:
            raise NotImplementedError(f"{op} is not supported for complex inputs")
    return check


def _bitwise_not_check(input):
    if input.dtype.category >= 2:
        raise NotImplementedError(
            f"\"bitwise_not_cpu\" not implemented for '{scalar_type_name(input.dtype)}'")


sign = _same_unary("sign", _zero_grad_backward("SignBackward0"), check=_sign_check)
floor = _same_unary("floor", _zero_grad_backward("FloorBackward0"), allow_bool=False,
                    check=_real_only("floor"))
ceil = _same_unary("ceil", _zero_grad_backward("CeilBackward0"), allow_bool=False,
                   check=_real_only("ceil"))
trunc = _same_unary("trunc", _zero_grad_backward("TruncBackward0"), allow_bool=False,
                    check=_real_only("trunc"))
bitwise_not = _same_unary("bitwise_not", None, check=_bitwise_not_check)
_round_backward = _zero_grad_backward("RoundBackward0")
_round_decimals_backward = _zero_grad_backward("RoundBackward1")
negative = neg
absolute = abs
fix = trunc


def round(input, *, decimals=0, out=None):
    if out is not None:
        return _with_out(round, out, found, input, decimals=decimals)
    x = input
    if decimals:
        if x.dtype.category < 2:  # torch has no integer kernel for decimals
            raise NotImplementedError(f"\"round_with_decimals\" not implemented for "
                                      f"'{scalar_type_name(x.dtype)}'")
        scale = 10.0 ** decimals
        if not (x.requires_grad and is_grad_enabled()):
            return round(x * scale) / scale
        with no_grad():
            res = round(x * scale) / scale
        return attach(_round_decimals_backward, res, (x,))
    if x.dtype is _dtype.bool_:
        _bool_error("round")
    if x.dtype.is_complex:
        raise NotImplementedError(f"\"round_vml_cpu\" not implemented for '{scalar_type_name(x.dtype)}'")
    if x.dtype.category < 2:
        return x.clone()
    res = _unary("round", x, x.dtype)
    if x.requires_grad:
        attach(_round_backward, res, (x,))
    return res


@derivative("ReciprocalBackward0", saves=("result",))
def _reciprocal_backward(ctx, g):
    out = ctx.result
    return (-(g * out * out),)


def reciprocal(input, *, out=None):
    if out is not None:
        return _with_out(reciprocal, out, castable, input)
    if not isinstance(input, Tensor):
        _not_tensor("reciprocal", input)
    res = _unary("reciprocal", input, _float_dtype(input.dtype))
    if input.requires_grad:
        attach(_reciprocal_backward, res, (input,))
    return res


@derivative("ReluBackward0", saves=("result",))
def _relu_backward(ctx, g):
    out = ctx.result
    if is_grad_enabled():  # create_graph: stay differentiable
        return (g * le(out, 0).logical_not(),)  # NaN <= 0 is false: a NaN passes g
    return (run_elementwise("relu_grad", (out, g), g.dtype, g.dtype),)


def relu(input):
    x = input
    if isinstance(x, Tensor) and x.dtype is _dtype.bool_:
        _bool_error("relu")
    if isinstance(x, Tensor) and x.dtype.is_complex:
        raise NotImplementedError("clamp is not supported for complex types")
    out = _unary("relu", x, x.dtype if isinstance(x, Tensor) else None)
    if x.requires_grad:
        attach(_relu_backward, out, (x,))
    return out


@derivative("ConjBackward0")
def _conj_backward(ctx, g):
    return (conj(g),)


def conj(input):
    """The complex conjugate; a real tensor is returned as is (as PyTorch does)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"conj(): argument 'input' (position 1) must be Tensor, not "
                        f"{python_type_name(input)}")
    if not input.dtype.is_complex:
        return input
    out = run_elementwise("conj", (input,), input.dtype, input.dtype)
    if input._requires_grad:
        attach(_conj_backward, out, (input,))
    return out


def conj_physical(input, *, out=None):
    """The complex conjugate, always computed (conj itself is never lazy here either)."""
    if out is not None:
        return _with_out(conj_physical, out, castable, input)
    return conj(input)


def resolve_conj(input):
    """Conjugation here is never lazy: the tensor itself."""
    return input


def is_conj(input):
    """Whether input is a lazily conjugated view: never, in numtensor."""
    return False


def _bool_map(op):
    """isnan, isinf, ...: a bool tensor of input's shape."""
    def fn(input):
        if not isinstance(input, Tensor):
            _not_tensor(op, input)
        return run_elementwise(op, (input,), input.dtype, _dtype.bool_)
    return _named(fn, op)


isnan = _bool_map("isnan")
isinf = _bool_map("isinf")
isfinite = _bool_map("isfinite")
_logical_not = _bool_map("logical_not")


def logical_not(input, *, out=None):
    if out is not None:
        return _with_out(logical_not, out, castable, input)
    return _logical_not(input)


def clamp(input, min=None, max=None, *, out=None):
    if out is not None:
        tensor_bounds = isinstance(min, Tensor) or isinstance(max, Tensor)
        return _with_out(clamp, out, castable if tensor_bounds else found, input, min, max)
    x = input
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(x, Tensor) and x.dtype.is_complex:
        raise NotImplementedError("clamp is not supported for complex types")
    if isinstance(x, Tensor) and x.dtype is _dtype.bool_ and not (
            isinstance(min, Tensor) or isinstance(max, Tensor)) and _dtype.result_type(
            x, *[v for v in (min, max) if v is not None]) is _dtype.bool_:
        kernel = "clamp_scalar" if min is not None and max is not None else \
            "clamp_min_scalar" if min is not None else "clamp_max_scalar"
        raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for 'Bool'")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        if not all(v is None or isinstance(v, Tensor) for v in (min, max)):
            # PyTorch's parser reads a 0-d tensor as a number when the other bound is one
            min, max = (v.item() if isinstance(v, Tensor) and v.ndim == 0 else v
                        for v in (min, max))
            if not (isinstance(min, Tensor) or isinstance(max, Tensor)):
                return clamp(x, min, max)
            raise TypeError("clamp() received an invalid combination of arguments: min and max "
                            "must both be Tensors (or None) when one of them is a Tensor")
        return _clamp_tensor(x, min, max)
    return clamp_numbers(x, min, max)


def clamp_numbers(x, min, max, node_name=None):
    """clamp with number bounds (None for no bound); node_name: clamp_min and clamp_max
    name their nodes ClampMinBackward0 / ClampMaxBackward0, as PyTorch does."""
    dt = _dtype.result_type(x, *[v for v in (min, max) if v is not None])
    lo, hi = _clamp_bounds(dt, min, max)
    out = run_elementwise("clamp", (x,), dt, dt, params=(lo, hi))
    if x.requires_grad:
        attach(_clamp_backward, out, (x,), node_name, min=min, max=max)
    return out


@derivative("ClampBackward1", saves=("self",))
def _clamp_backward(ctx, g):
    # selected, not multiplied by a 0/1 mask: an inf or NaN gradient stays out, as in PyTorch
    return (where(_in_range(ctx.self, ctx.min, ctx.max), g, 0.0),)


def _clamp_tensor(x, min, max):
    """clamp with tensor bounds: the value comes from x inside [min, max], else a bound."""
    from ..autograd.grad_mode import no_grad
    with no_grad():
        out = x
        if min is not None:
            out = maximum(out, min)
        if max is not None:
            out = minimum(out, max)
        if out is x:
            out = x.clone()
    attach(_clamp_tensor_backward, out, (x, min, max))
    return out


@derivative("ClampBackward0", inputs=("self", "min", "max"), saves=("self", "min", "max"))
def _clamp_tensor_backward(ctx, g):
    return clamp_tensor_grads(ctx.self, ctx.min, ctx.max, g)


def clamp_tensor_grads(x, lo, hi, g):
    """The gradients (of x, of lo, of hi) of clamp(x, lo, hi) with tensor bounds (None: no
    bound, no gradient): ties go to x (x keeps the gradient where lo <= x <= hi); with
    lo > hi the result is hi, so hi gets the gradient there."""
    below = lt(x, lo) if lo is not None else None
    above = gt(x, hi) if hi is not None else None
    if below is not None and above is not None:
        below = logical_and(below, lt(lo, hi))
        above = logical_or(above, lt(hi, lo))
    inside = _in_range(x, lo, hi)
    return (where(inside, g, 0.0),
            where(below, g, 0.0) if below is not None else None,
            where(above, g, 0.0) if above is not None else None)


def _clamp_bounds(dt, min, max):
    import numpy as np
    if dt.category >= 2:
        return (-np.inf if min is None else min), (np.inf if max is None else max)
    info = np.iinfo(dt.np) if dt is not _dtype.bool_ else None
    # bounds convert like any scalar (out of range raises; -1 wraps into uint8)
    min = None if min is None else scalar_for_dtype(min, dt)
    max = None if max is None else scalar_for_dtype(max, dt)
    lo = (info.min if info else 0) if min is None else min
    hi = (info.max if info else 1) if max is None else max
    return lo, hi


def _in_range(x, lo, hi):
    mask = None
    if lo is not None:
        mask = ge(x, lo)
    if hi is not None:
        m2 = le(x, hi)
        mask = m2 if mask is None else logical_and(mask, m2)
    return mask


clip = clamp


# ---- binary ---------------------------------------------------------------------
def _binary_dtype(a, b, opname):
    # the common cases, answered without the general promotion rules: two tensors of one
    # dtype, and a tensor with a Python number of its own category or a lower one
    if type(a) is Tensor:
        dt = a._storage.dtype
        if type(b) is Tensor:
            if b._storage.dtype is dt:
                return dt
        elif (type(b) is float and dt.category >= 2) or (type(b) is int and dt.category >= 1):
            return dt
    check_operand(a, opname)
    check_operand(b, opname)
    return _dtype.result_type(a, b)


def _tensor_first(a, b, name):
    if not isinstance(a, Tensor):
        if isinstance(b, Tensor):
            return
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {python_type_name(a)}")


def add(input, other, *, alpha=1, out=None):
    a, b = input, other  # torch's parameter names, short local ones
    if out is not None:
        check_grad("add", out, a, b)
    dt = _binary_dtype(a, b, "+")
    if alpha is True or alpha is False:  # (True == 1 would pass the test below)
        _check_alpha(dt, alpha)
        alpha = int(alpha)
    if alpha != 1:
        _check_alpha(dt, alpha)
        res = _emit("add_scaled", (a, b), dt, out, params=(alpha,))
    elif out is None:  # _emit's first case, without its calls
        res = dense_fast_path("add", (a, b), dt, dt, ())
        if res is None:
            res = run_elementwise("add", (a, b), dt, dt, fast_path_tried=True)
    else:
        res = _emit("add", (a, b), dt, out)
    if res is out:
        return out
    # the gate attach opens with, written out: most small ops record nothing (inference,
    # optimizer updates, the backward formulas), and the call with its keywords is a
    # tenth of a small add
    if (getattr(a, "_requires_grad", False) or getattr(b, "_requires_grad", False)) \
            and _grad_mode.enabled:
        attach(_add_backward, res, (a, b), alpha=alpha)
    return res if out is None else finish("add", res, out, (a, b))


@derivative("AddBackward0", inputs=("self", "other"))
def _add_backward(ctx, g):
    alpha = ctx.alpha
    return g, (g if alpha == 1 else g * alpha)


def _is_bool(v):
    """A bool tensor or a Python/NumPy bool."""
    return v.dtype is _dtype.bool_ if isinstance(v, Tensor) else isinstance(v, (bool, np.bool_))


def sub(input, other, *, alpha=1, out=None):
    a, b = input, other
    if out is not None:
        check_grad("sub", out, a, b)
    dt = _binary_dtype(a, b, "-")
    if dt is _dtype.bool_:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead.")
    if any(_is_bool(v) for v in (a, b)):
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    if alpha != 1 or alpha is True:
        _check_alpha(dt, alpha)
        res = _emit("add_scaled", (a, b), dt, out, params=(-alpha,))
    else:
        res = _emit("sub", (a, b), dt, out)
    if res is out:
        return out
    if (getattr(a, "_requires_grad", False) or getattr(b, "_requires_grad", False)) \
            and _grad_mode.enabled:
        attach(_sub_backward, res, (a, b), alpha=alpha)  # torch.sub(2, x): (None, x) edges
    return res if out is None else finish("sub", res, out, (a, b))


@derivative("SubBackward0", inputs=("self", "other"))
def _sub_backward(ctx, g):
    alpha = ctx.alpha
    return g, (-g if alpha == 1 else g * -alpha)


@derivative("RsubBackward1", inputs=("self",))
def _rsub_scalar_backward(ctx, g):
    alpha = ctx.alpha
    return (-g if alpha == 1 else g * -alpha),


def rsub(input, other, alpha=1):
    """other - alpha * input (torch.rsub; alpha is keyword-only when other is a tensor).
    A tensor `other` records RsubBackward0 with edges (input, other); a number,
    RsubBackward1 with input's edge only."""
    if not isinstance(other, Tensor):
        if not isinstance(input, Tensor):
            raise TypeError(
                f"rsub() received an invalid combination of arguments - got "
                f"({type(input).__name__}, {type(other).__name__}), but expected one of:\n"
                f" * (Tensor input, Tensor other, *, Number alpha = 1)\n"
                f" * (Tensor input, Number other, Number alpha = 1)\n")
        if not input._requires_grad:
            return sub(other, input, alpha=alpha)
        # `2 - x` is x.__rsub__(2): RsubBackward1, x its only edge
        res = sub(other, input.detach(), alpha=alpha)
        return attach(_rsub_scalar_backward, res, (input,), alpha=alpha)
    if not isinstance(input, Tensor):
        raise TypeError(f"rsub(): argument 'input' (position 1) must be Tensor, not "
                        f"{python_type_name(input)}")
    if not (input._requires_grad or other._requires_grad):
        return sub(other, input, alpha=alpha)
    res = sub(other.detach(), input.detach(), alpha=alpha)
    return attach(_rsub_backward, res, (input, other), alpha=alpha)


@derivative("RsubBackward0", inputs=("self", "other"))
def _rsub_backward(ctx, g):
    alpha = ctx.alpha
    return (-g if alpha == 1 else g * -alpha), g


def _check_alpha(dt, alpha):
    if isinstance(alpha, bool) and dt is not _dtype.bool_:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if dt.category < 2 and isinstance(alpha, float) and not float(alpha).is_integer():
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")


def mul(input, other, *, out=None):
    a, b = input, other
    if out is not None:
        check_grad("mul", out, a, b)
    dt = _binary_dtype(a, b, "*")
    if out is None:  # _emit's first case, without its calls
        res = dense_fast_path("mul", (a, b), dt, dt, ())
        if res is None:
            res = run_elementwise("mul", (a, b), dt, dt, fast_path_tried=True)
    else:
        res = _emit("mul", (a, b), dt, out)
    if res is out:
        return out
    if (getattr(a, "_requires_grad", False) or getattr(b, "_requires_grad", False)) \
            and _grad_mode.enabled:
        attach(_mul_backward, res, (a, b))
    return res if out is None else finish("mul", res, out, (a, b))


@derivative("MulBackward0", inputs=("self", "other"), saves={"self": ("other",), "other": ("self",)})
def _mul_backward(ctx, g):
    need = ctx.needs_input_grad  # mul itself, not `*`: the operator's NumPy wrapper is a call more
    return (mul(g, ctx.other) if need[0] else None), (mul(g, ctx.self) if need[1] else None)


def div(input, other, *, rounding_mode=None, out=None):
    a, b = input, other
    if rounding_mode is not None:
        if out is not None:
            return _with_out(div, out, castable, a, b, rounding_mode=rounding_mode)
        if rounding_mode not in ("floor", "trunc"):
            raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or "
                             f"'floor' but found '{rounding_mode}'")
        with no_grad():  # one node for the rounded quotient, as PyTorch's
            if rounding_mode == "floor":
                res = floor_divide(a, b)
            else:
                _check_integer_zero_division(a, b, _binary_dtype(a, b, "/"))
                res = trunc(div(a, b)).to(_binary_dtype(a, b, "/"))
        return attach(_rounded_div_backward, res, (a, b))
    if out is not None:
        check_grad("div", out, a, b)
    dt = _float_dtype(_binary_dtype(a, b, "/"))
    res = _emit("div", (a, b), dt, out)
    if res is out:
        return out
    if (getattr(a, "_requires_grad", False) or getattr(b, "_requires_grad", False)) \
            and _grad_mode.enabled:
        attach(_div_backward, res, (a, b))
    return res if out is None else finish("div", res, out, (a, b))


@derivative("DivBackward2", inputs=("self", "other"))
def _rounded_div_backward(ctx, g):
    # a rounded quotient is flat almost everywhere: PyTorch's gradient is grad * 0
    need, zero = ctx.needs_input_grad, mul(g, 0)
    return (zero if need[0] else None), (zero if need[1] else None)


@derivative("DivBackward0", inputs=("self", "other"),
            saves={"self": ("other",), "other": ("self", "other")})
def _div_backward(ctx, g):
    need, a, b = ctx.needs_input_grad, ctx.self, ctx.other
    return (g / b if need[0] else None), (-(g * a) / (b * b) if need[1] else None)


def true_divide(input, other, *, out=None):
    """div without rounding_mode (torch's true_divide has none)."""
    return div(input, other, out=out)


divide = div
multiply = mul
subtract = sub


def _no_bool_kernel(dt, kernel):
    if dt is _dtype.bool_:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _no_complex_kernel(dt, kernel):
    if dt.is_complex:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_type_name(dt)}'")


def _check_integer_zero_division(a, b, dt):
    """Integer // and % by zero raise in torch (floats give inf/nan), when there is work:
    an empty operand gives the empty result."""
    if dt.category >= 2 or any(isinstance(t, Tensor) and t.numel() == 0 for t in (a, b)):
        return
    if isinstance(b, Tensor):
        from .reductions import any as any_
        zero = any_(eq(b, 0)).item()
    else:
        zero = b == 0
    if zero:
        raise RuntimeError("ZeroDivisionError")


def floor_divide(input, other, *, out=None):
    if out is not None:
        return _with_out(floor_divide, out, castable, input, other)
    a, b = input, other
    dt = _binary_dtype(a, b, "//")
    _no_bool_kernel(dt, "div_floor_cpu")
    _no_complex_kernel(dt, "div_floor_cpu")
    _check_integer_zero_division(a, b, dt)
    res = run_elementwise("floor_divide", (a, b), dt, dt)
    # PyTorch records floor_divide with a node whose backward refuses: a gradient through
    # it is an error there, not one that treats the quotient as a constant
    return attach(_floor_divide_backward, res, (a, b))


@derivative("NotImplemented", inputs=("self", "other"))
def _floor_divide_backward(ctx, g):
    raise RuntimeError("derivative for aten::floor_divide is not implemented")


def _bool_number_as_int(a, b):
    """fmod(x, True) and remainder(x, True) divide by 1, as in PyTorch (a bool tensor x
    keeps its bool dtype, which has no kernel)."""
    if isinstance(b, bool) and not (isinstance(a, Tensor) and a.dtype is _dtype.bool_):
        return int(b)
    return b


def remainder(input, other, *, out=None):
    if out is not None:
        return _with_out(remainder, out, castable, input, other)
    a, b = input, _bool_number_as_int(input, other)
    dt = _binary_dtype(a, b, "%")
    _no_bool_kernel(dt, "remainder_cpu")
    _no_complex_kernel(dt, "remainder_cpu")
    _check_integer_zero_division(a, b, dt)
    res = run_elementwise("remainder", (a, b), dt, dt)
    if isinstance(b, Tensor):
        attach(_remainder_backward, res, (a, b))
    else:  # a number divisor: PyTorch's node has input's edge only
        attach(_pass_through_backward, res, (a,), node_name="RemainderBackward0")
    return res


@derivative("RemainderBackward1", inputs=("self", "other"), saves={"other": ("self", "other")})
def _remainder_backward(ctx, g):
    need = ctx.needs_input_grad
    return (g if need[0] else None), (-(g * floor_divide(ctx.self, ctx.other)) if need[1] else None)


@derivative("FmodBackward1", inputs=("self", "other"), saves={"other": ("self", "other")})
def _fmod_backward(ctx, g):
    need = ctx.needs_input_grad
    return (g if need[0] else None), (
        -(g * div(ctx.self, ctx.other, rounding_mode="trunc")) if need[1] else None)


@derivative("FmodBackward0", inputs=("self",))
def _pass_through_backward(ctx, g):
    """fmod or remainder by a number: the gradient passes through unchanged."""
    return (g,)


def fmod(input, other, *, out=None):
    if out is not None:
        return _with_out(fmod, out, castable, input, other)
    a, b = input, _bool_number_as_int(input, other)
    dt = _binary_dtype(a, b, "fmod")
    _no_bool_kernel(dt, "fmod_cpu")
    _no_complex_kernel(dt, "fmod_cpu")
    if dt.category < 2:
        # integers: the remainder with the sign of a (math.fmod is float-only in Numba)
        _check_integer_zero_division(a, b, dt)
        r = remainder(a, b)
        wrong_sign = logical_and(ne(r, 0), ne(lt(r, 0), lt(a, 0)))
        if isinstance(b, Tensor) and b.dtype is _dtype.bool_:  # sub refuses bool operands
            b = b.to(dt)
        return where(wrong_sign, sub(r, b), r).to(dt)
    res = run_elementwise("fmod", (a, b), dt, dt)
    if isinstance(b, Tensor):
        attach(_fmod_backward, res, (a, b))
    else:
        attach(_pass_through_backward, res, (a,))
    return res


_NO_ARGUMENT = object()


def pow(input=_NO_ARGUMENT, exponent=_NO_ARGUMENT, *, out=None, self=_NO_ARGUMENT):
    """input ** exponent.  torch also takes a Number base as `self=` (its parser's name for
    that overload): torch.pow(self=2, exponent=t)."""
    if self is not _NO_ARGUMENT:
        if input is not _NO_ARGUMENT:
            raise TypeError("pow() got multiple values for argument 'input'")
        input = self
    if input is _NO_ARGUMENT or exponent is _NO_ARGUMENT:
        missing = [n for n, v in (("input", input), ("exponent", exponent)) if v is _NO_ARGUMENT]
        # torch's wording, grammar included
        raise TypeError(f"pow() missing {len(missing)} required positional argument"
                        f"{'s' if len(missing) == 1 else ''}: "
                        + ", ".join(f'"{n}"' for n in missing))
    if out is not None:
        return _with_out(_pow, out, castable, input, exponent)
    return _pow(input, exponent)


def _pow(input, exponent):
    """pow without the argument handling (the ** operator and Tensor.pow come here)."""
    a, b = input, exponent
    dt = _binary_dtype(a, b, "**")
    if dt is _dtype.bool_ and isinstance(a, Tensor) and is_scalar(b) and b in (0, 1):
        # PyTorch answers x ** 0 and x ** 1 without a kernel, so these work for bool
        from .._alloc import ones
        return ones(a._shape, dt, a.device) if b == 0 else run_elementwise("identity", (a,), dt, dt)
    _no_bool_kernel(dt, "pow")
    if isinstance(a, Tensor) and dt.category < 2 and isinstance(b, (int,)) and b < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if dt.category < 2 and isinstance(b, Tensor):
        return _integer_pow(a, b, dt)
    if dt.category == 2 and isinstance(a, Tensor) and is_scalar(b) and \
            float(b) in _POW_AS_PYTORCH:
        res = _POW_AS_PYTORCH[float(b)](a, dt)
    elif is_scalar(b) and b == 2:
        res = run_elementwise("square", (a,), dt, dt)
    else:
        res = run_elementwise("pow", (a, b), dt, dt)
    if not isinstance(b, Tensor):          # tensor ** scalar
        attach(_pow_scalar_backward, res, (a,), exponent=b)
    elif not isinstance(a, Tensor):        # scalar ** tensor
        attach(_rpow_backward, res, (b,), base=a)
    else:
        attach(_pow_backward, res, (a, b))
    return res


def _times_itself(a, dt):
    return run_elementwise("square", (a,), dt, dt)


# float ** these exponents as PyTorch's CPU kernels compute them (products, rsqrt and
# reciprocals rather than pow), so that the last bits agree (PyTorch 2.13 takes its
# general pow for 0.5, not sqrt)
_POW_AS_PYTORCH = {
    2.0: _times_itself,
    3.0: lambda a, dt: run_elementwise("mul", (_times_itself(a, dt), a), dt, dt),
    -2.0: lambda a, dt: run_elementwise("reciprocal", (_times_itself(a, dt),), dt, dt),
    -0.5: lambda a, dt: run_elementwise("rsqrt", (a,), dt, dt),
    -1.0: lambda a, dt: run_elementwise("reciprocal", (a,), dt, dt),
}


def _integer_pow(a, b, dt):
    """integer ** integer tensor as PyTorch computes it: the exponent converted to the
    result's dtype first (wrapping: uint8 ** int32 tensor(-9) raises to 247), then a
    negative exponent gives 1 for base 1, +-1 for base -1 (by the exponent's parity) and
    0 for any other base."""
    if b.dtype is not dt:
        b = b.to(dt)
    res = run_elementwise("pow", (a, clamp(b, min=0)), dt, dt)
    odd = ne(remainder(b, 2), 0)
    if isinstance(a, Tensor):
        special = where(eq(a, 1), 1, where(eq(a, -1), where(odd, -1, 1), 0))
    else:
        special = where(odd, -1, 1) if a == -1 else (1 if a == 1 else 0)
    return where(lt(b, 0), special, res).to(dt) if isinstance(special, Tensor) else \
        where(lt(b, 0), special, res)


@derivative("PowBackward0", saves=("self",))
def _pow_scalar_backward(ctx, g):
    b = ctx.exponent
    if b == 0 and type(b) is not bool:  # PyTorch's zeros_like(self) (unsigned zeros);
        from .._alloc import zeros       # False never equals 0.0 there: the formula runs
        return (zeros(ctx.self._shape, ctx.self.dtype, ctx.self.device),)
    # grad * (b * self ** (b - 1)), grouped as PyTorch groups it
    return (g * (b * _pow(ctx.self, b - 1)),)


@derivative("PowBackward2", inputs=("exponent",), saves=("exponent", "result"))
def _rpow_backward(ctx, g):
    return (_pow_exponent_grad(g, ctx.base, ctx.exponent, ctx.result),)


@derivative("PowBackward1", inputs=("self", "exponent"),
            saves={"self": ("self", "exponent"), "exponent": ("self", "exponent", "result")})
def _pow_backward(ctx, g):
    a, b = ctx.self, ctx.exponent
    need = ctx.needs_input_grad
    return ((g * (b * _pow(a, b - 1))) if need[0] else None,
            _pow_exponent_grad(g, a, b, ctx.result) if need[1] else None)


def _pow_exponent_grad(g, base, exponent, res):
    """d(base ** exponent)/d exponent = res * log(base), taken as 0 where base == 0 and
    exponent >= 0 (torch's convention; a negative base gives nan)."""
    if isinstance(base, Tensor):
        grad = g * res * log(base)
        return where(logical_and(eq(base, 0), ge(exponent, 0)), 0.0, grad)
    import math
    log_base = math.log(base) if base > 0 else (-math.inf if base == 0 else math.nan)
    grad = g * res * log_base
    return where(ge(exponent, 0), 0.0, grad) if base == 0 else grad


def _require_tensors(name, input, other):
    """atan2, maximum, minimum and the logical binary ops take no Python number, as in
    PyTorch."""
    require_tensor(name, "input", 1, input)
    require_tensor(name, "other", 2, other)


def atan2(input, other, *, out=None):
    _require_tensors("atan2", input, other)
    if out is not None:
        return _with_out(atan2, out, castable, input, other)
    a, b = input, other
    dt = _float_dtype(_binary_dtype(a, b, "atan2"))
    _no_complex_kernel(dt, "atan2_cpu")
    res = run_elementwise("atan2", (a, b), dt, dt)
    attach(_atan2_backward, res, (a, b))
    return res


@derivative("Atan2Backward0", inputs=("self", "other"), saves=("self", "other"))
def _atan2_backward(ctx, g):
    a, b, need = ctx.self, ctx.other, ctx.needs_input_grad
    return (g * b / (a * a + b * b) if need[0] else None,
            -(g * a) / (a * a + b * b) if need[1] else None)


def maximum(input, other, *, out=None):
    if out is not None:
        return _with_out(maximum, out, castable, input, other)
    a, b = input, other
    _require_tensors("maximum", a, b)
    dt = _binary_dtype(a, b, "maximum")
    if dt.is_complex:
        raise RuntimeError("maximum not implemented for complex tensors.")
    res = run_elementwise("maximum", (a, b), dt, dt)
    attach(_maximum_backward, res, (a, b))
    return res


@derivative("MaximumBackward0", inputs=("self", "other"), saves=("self", "other"))
def _maximum_backward(ctx, g):
    a, b, need = ctx.self, ctx.other, ctx.needs_input_grad
    return (_tie_split(g, a, b, gt) if need[0] else None), (_tie_split(g, b, a, gt) if need[1] else None)


def minimum(input, other, *, out=None):
    if out is not None:
        return _with_out(minimum, out, castable, input, other)
    a, b = input, other
    _require_tensors("minimum", a, b)
    dt = _binary_dtype(a, b, "minimum")
    if dt.is_complex:
        raise RuntimeError("minimum not implemented for complex tensors.")
    res = run_elementwise("minimum", (a, b), dt, dt)
    attach(_minimum_backward, res, (a, b))
    return res


@derivative("MinimumBackward0", inputs=("self", "other"), saves=("self", "other"))
def _minimum_backward(ctx, g):
    a, b, need = ctx.self, ctx.other, ctx.needs_input_grad
    return (_tie_split(g, a, b, lt) if need[0] else None), (_tie_split(g, b, a, lt) if need[1] else None)


def _tie_split(g, mine, other, wins):
    # PyTorch's rule: the winner gets the gradient, a tie splits it in half (selected, not
    # multiplied by a mask, so that the loser's 0 stays 0 under an inf gradient)
    return where(wins(mine, other), g, where(eq(mine, other), g * 0.5, 0.0))


def _emit(op, args, dt, out, params=()):
    """The op's kernel into a fresh tensor, or straight into `out` when its shape fits.

    Writing into out is for callers that need no gradient (in-place ops without
    autograd, out= arguments); dtype rules are checked as for in-place ops.
    """
    if out is None or needs_grad(*args, out):
        return run_elementwise(op, args, dt, dt, params=params)
    check_leaf(out)
    if args[0] is out and run_into_self(op, args, dt, out, params):  # dense in-place ops
        out._storage._version += 1
        return out
    shape = broadcast_shapes(*[x._shape for x in args if isinstance(x, Tensor)])
    if shape != tuple(out._shape):
        return run_elementwise(op, args, dt, dt, params=params)
    check_leaf(out)
    check_fits(out, dt, shape)
    if any(isinstance(x, Tensor) and x is not out and aliases_differently(x, out) for x in args):
        return run_elementwise(op, args, dt, dt, params=params)
    run_elementwise(op, args, dt, out.dtype, out=out, params=params)
    out._storage._version += 1
    return out


# ---- comparisons and logic --------------------------------------------------------
def _compare(op, sym):
    tensors_only = op.startswith("logical_")

    def fn(input, other, *, out=None):
        if tensors_only:
            _require_tensors(op, input, other)
        if out is not None:
            return _with_out(fn, out, castable, input, other)
        a, b = input, other
        dt = _binary_dtype(a, b, sym)
        if dt.is_complex and op in ("lt", "le", "gt", "ge"):
            raise NotImplementedError(f"\"{op}_cpu\" not implemented for '{scalar_type_name(dt)}'")
        return run_elementwise(op, (a, b), dt, _dtype.bool_)
    return _named(fn, op)


eq = _compare("eq", "==")
ne = _compare("ne", "!=")
lt = _compare("lt", "<")
le = _compare("le", "<=")
gt = _compare("gt", ">")
ge = _compare("ge", ">=")
less, less_equal, greater, greater_equal, not_equal = lt, le, gt, ge, ne
logical_and = _compare("logical_and", "logical_and")
logical_or = _compare("logical_or", "logical_or")
logical_xor = _compare("logical_xor", "logical_xor")


def _bitwise(op, sym):
    def fn(input, other, *, out=None):
        if out is not None:
            return _with_out(fn, out, castable, input, other)
        a, b = input, other
        dt = _binary_dtype(a, b, sym)
        if dt.category >= 2:
            raise NotImplementedError(f"\"{op}_cpu\" not implemented for '{scalar_type_name(dt)}'")
        return run_elementwise(op, (a, b), dt, dt)
    return _named(fn, op)


bitwise_and = _bitwise("bitwise_and", "&")
bitwise_or = _bitwise("bitwise_or", "|")
bitwise_xor = _bitwise("bitwise_xor", "^")


def where(condition, input=None, other=None, *, out=None):
    """where(condition, input, other): input where condition holds, else other;
    where(condition) alone is nonzero(condition, as_tuple=True)."""
    x, y = input, other
    if x is None and y is None:
        from .joining import nonzero
        return nonzero(condition, as_tuple=True)
    if out is not None:
        # PyTorch's out= overload takes tensors only (its number overloads have no out=)
        for position, (arg, value) in enumerate((("input", x), ("other", y)), 2):
            if not isinstance(value, Tensor):
                raise TypeError(f"where(): argument '{arg}' (position {position}) must be "
                                f"Tensor, not {type(value).__name__}")
        return _with_out(where, out, where_rule, condition, x, y)
    if not isinstance(condition, Tensor):
        raise TypeError("where(): argument 'condition' must be Tensor")
    if condition.dtype is not _dtype.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {scalar_type_name(condition.dtype)}")
    dt = _dtype.result_type(x, y)
    # the condition stays bool; x and y move to the promoted dtype
    res = run_elementwise("where", (condition, x, y), dt, dt, in_dtypes=(_dtype.bool_, dt, dt))
    attach(_where_backward, res, (x, y), condition=condition)
    return res


@derivative("WhereBackward0", inputs=("self", "other"), saves=("condition",))
def _where_backward(ctx, g):
    need, cond = ctx.needs_input_grad, ctx.condition
    return (where(cond, g, 0.0) if need[0] else None), (where(cond, 0.0, g) if need[1] else None)


# ---- in-place forms ----------------------------------------------------------------
# Each takes exactly torch's parameters.  With no gradient involved, add_/sub_/mul_/div_
# write straight into self through the op's out= path (self is then one of the inputs,
# so a result of another shape is refused rather than resized).
def _inplace_checks(self, other, sym):
    check_operand(other, sym)
    check_no_internal_overlap(self)
    check_no_partial_overlap(self, other)


def _ran_dense_inplace(self, op, other, params=(), float_only=False):
    """self op= other straight into self's buffer, when no check can fail and no
    gradient is involved: other a tensor of self's dtype or a Python number that keeps
    it (a float needs a float self), an integer or float self, and run_into_self's layout
    conditions (self dense, other dense of its shape or of its last dims, or a number; no
    partial aliasing).  The common case of
    optimizer updates and accumulations; anything else returns False and takes the
    checked path.  params: add_scaled's alpha (checked here as add checks it);
    float_only: the op's result is a float (division)."""
    dt = self._storage.dtype
    if not 1 <= dt.category <= 2:  # bool and complex take the checked path
        return False
    kind = type(other)
    if kind is Tensor or isinstance(other, Tensor):
        if other._storage.dtype is not dt:
            return False
    elif not ((kind is float and dt.category >= 2) or (kind is int and dt.category >= 1)):
        return False
    if (float_only and dt.category < 2) or needs_grad(self, other):
        return False
    if params:
        _check_alpha(dt, params[0])
    if not run_into_self(op, (self, other), dt, self, params):
        return False
    self._storage._version += 1
    return True


def add_(self, other, *, alpha=1):
    if alpha is True:  # (not 1: PyTorch's check of a bool alpha runs in add)
        return add(self, other, alpha=alpha, out=self)
    if _ran_dense_inplace(self, "add", other) if alpha == 1 else \
            _ran_dense_inplace(self, "add_scaled", other, (alpha,)):
        return self
    _inplace_checks(self, other, "+=")
    if not needs_grad(self, other):
        return add(self, other, alpha=alpha, out=self)
    return apply_inplace(self, lambda cur: add(cur, other, alpha=alpha), (other,))


def sub_(self, other, *, alpha=1):
    if alpha is True:
        return sub(self, other, alpha=alpha, out=self)
    if _ran_dense_inplace(self, "sub", other) if alpha == 1 else \
            _ran_dense_inplace(self, "add_scaled", other, (-alpha,)):
        return self
    _inplace_checks(self, other, "-=")
    if not needs_grad(self, other):
        return sub(self, other, alpha=alpha, out=self)
    return apply_inplace(self, lambda cur: sub(cur, other, alpha=alpha), (other,))


def mul_(self, other):
    if _ran_dense_inplace(self, "mul", other):
        return self
    _inplace_checks(self, other, "*=")
    if not needs_grad(self, other):
        return mul(self, other, out=self)
    return apply_inplace(self, lambda cur: mul(cur, other), (other,))


def div_(self, other, *, rounding_mode=None):
    if rounding_mode is None and _ran_dense_inplace(self, "div", other, float_only=True):
        return self
    _inplace_checks(self, other, "/=")
    if rounding_mode is None and not needs_grad(self, other):
        return div(self, other, out=self)
    return apply_inplace(self, lambda cur: div(cur, other, rounding_mode=rounding_mode),
                         (other,))


def _inplace_binary(fn, sym):
    """fn_(self, other), computed out of place and written into self."""
    def method(self, other):
        _inplace_checks(self, other, sym)
        return apply_inplace(self, lambda cur: fn(cur, other), (other,))
    return _named(method, fn.__name__ + "_")


def pow_(self, exponent):
    _inplace_checks(self, exponent, "**=")
    return apply_inplace(self, lambda cur: _pow(cur, exponent), (exponent,))


remainder_ = _inplace_binary(remainder, "%=")
floor_divide_ = _inplace_binary(floor_divide, "//=")
bitwise_and_ = _inplace_binary(bitwise_and, "&=")
bitwise_or_ = _inplace_binary(bitwise_or, "|=")
bitwise_xor_ = _inplace_binary(bitwise_xor, "^=")


def _inplace_apply(self, compute, others=()):
    # PyTorch refuses complex inputs of floor_, clamp_ ... before it looks at the
    # memory; for other dtypes the overlap error comes first.  others: the op's other
    # tensor arguments (a bound requiring grad makes the op record history)
    complex_input = isinstance(self, Tensor) and self.dtype.is_complex
    if not complex_input:
        check_no_internal_overlap(self)
    return apply_inplace(self, compute, others, check_overlap=complex_input)


def _inplace_unary(fn):
    """fn_(self): fn computed out of place and written into self."""
    def method(self):
        return _inplace_apply(self, fn)
    return _named(method, fn.__name__ + "_")


neg_, exp_, log_, sqrt_, sin_, cos_, tanh_, sigmoid_, relu_, floor_, ceil_, trunc_, \
    reciprocal_, sign_, square_ = [
        _inplace_unary(f) for f in (neg, exp, log, sqrt, sin, cos, tanh, sigmoid, relu, floor,
                                    ceil, trunc, reciprocal, sign, square)]


def round_(self, *, decimals=0):
    return _inplace_apply(self, lambda cur: round(cur, decimals=decimals))


def clamp_(self, min=None, max=None):
    return _inplace_apply(self, lambda cur: clamp(cur, min, max), (min, max))


clip_ = clamp_


def abs_(self):
    """In-place |x|: a complex tensor cannot hold its real result, so PyTorch refuses it."""
    if isinstance(self, Tensor) and self.dtype.is_complex:
        raise RuntimeError("In-place abs is not supported for complex tensors.")
    return _inplace_apply(self, abs)
