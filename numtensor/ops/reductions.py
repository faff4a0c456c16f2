"""Reductions and scans, each with its dtype rule and gradient.

_reduce maps any choice of dims onto the backend's reduce primitive: kept dims and
reduced dims are listed with their strides (largest stride first, so the innermost
loop walks the smallest one), and the output is a fresh contiguous tensor.
"""
import builtins

import numpy as np

from .. import _dtype, return_types
from .out_args import castable, check_grad, exact, finish, logical, same_as_input
from .._tensor import Tensor, make_tensor, operand
from .._storage import TypedStorage
from ..autograd.grad_mode import no_grad
from ..autograd.derivatives import attach, derivative
from .._backends import backend_for, plan
from .._backends.plan import contiguous_strides
from ._common import empty, require_tensor, scalar_type_name, wrap_dim, wrap_dims
from .dispatch import cast, whole_sum
from . import elementwise as ew
from .views import expand, make_view, reshape, unsqueeze
from ..amp.autocast_mode import full_precision

def _dims_arg(dim, axis, nd):
    """None (all dims) or a sorted tuple; also accepts NumPy's axis spelling."""
    if axis is not None:
        dim = axis
    if dim is None:
        return None
    if isinstance(dim, str):
        raise TypeError(f"reduction received an invalid combination of arguments - got (dim=str)")
    if isinstance(dim, (list, tuple)) and len(dim) == 0:
        return None
    if type(dim) is int:  # the common case, looked up: wrap_dims costs half a microsecond
        dims = _int_dims.get((dim, nd))
        if dims is not None:
            return dims
    dims = wrap_dims(dim, nd)
    dims = () if nd == 0 else dims  # a 0-d tensor accepts dim 0/-1 and reduces nothing
    if type(dim) is int and len(_int_dims) < 4096:
        _int_dims[(dim, nd)] = dims
    return dims


_int_dims = {}  # (dim, ndim) -> _dims_arg's answer for an int dim in range


def _keepdim(keepdim, keepdims):
    return bool(keepdim or keepdims)


_out_shapes = {}  # (shape, dims, keepdim) -> the reduction's shape: few in practice


def _out_shape(shape, dims, keepdim):
    key = (shape, tuple(dims), keepdim)
    out = _out_shapes.get(key)
    if out is None:
        if len(_out_shapes) > 4096:  # keep it bounded
            _out_shapes.clear()
        if keepdim:
            out = tuple(1 if d in dims else s for d, s in enumerate(shape))
        else:
            out = tuple(s for d, s in enumerate(shape) if d not in dims)
        _out_shapes[key] = out
    return out


_EVERY_DIM = [tuple(range(nd)) for nd in range(65)]


def _reduce(x, op, dims, keepdim, out_dtype):
    """The raw reduction (no autograd): dims None means every dim."""
    storage = x._storage
    key = (op, x._shape, x._strides, dims, keepdim, storage.dtype, out_dtype, storage.device)
    known = _planned.get(key)
    if known is not None:  # this geometry's shape and backend route, worked out before
        shape, strides, route = known
        if route is None:  # nothing to reduce: an empty result
            return empty(shape, out_dtype, storage.device)
        buf = route(storage._buf, x._offset, storage.plain)
        return make_tensor(TypedStorage(buf, out_dtype, storage.device, True), 0, shape,
                           strides)
    given = x
    nd = len(x._shape)
    if dims is None:
        dims = _EVERY_DIM[nd] if nd < len(_EVERY_DIM) else tuple(range(nd))
    be = backend_for(x._storage.device)
    acc_dtype = be.compute_dtype("reduce", out_dtype)
    # sum/prod with dtype= convert each element first (sum(dtype=int64) of 1.5 and 2.5 is 3)
    if op in ("sum", "prod", "amax", "amin") and x.dtype is not acc_dtype:
        x = cast(x, acc_dtype)
    elif op in ("all", "any") and be.compute_dtype("reduce", x.dtype) is not x.dtype:
        x = cast(x, be.compute_dtype("reduce", x.dtype))
    kept_shape = () if len(dims) == nd else _out_shape(x._shape, dims, False)
    out = empty(kept_shape, acc_dtype, x._storage.device)
    p = None
    if out.numel():
        p = plan.reduce(x._shape, x._strides, dims)
        be.reduce(op, p, operand(x), operand(out))
    if out_dtype is not acc_dtype:
        out = cast(out, out_dtype)
    if keepdim:
        shape = _out_shape(x._shape, dims, True)
        out = make_tensor(out._storage, 0, shape, contiguous_strides(shape))
    if x is given and out_dtype is acc_dtype:  # no conversion either way: keep the work
        if len(_planned) > 4096:  # geometries seen are few in practice; keep it bounded
            _planned.clear()
        route = None if p is None else be.reduce_route(op, p, x.dtype.np, out_dtype.np)
        _planned[key] = (out._shape, out._strides, route)
    return out


# (op, shape, strides, dims, keepdim, dtypes, device) -> what _reduce worked out: the
# result's shape and strides, and the backend's route for its plan (None: nothing to
# reduce)
_planned = {}


def _expand_back(g, shape, dims, keepdim):
    """Broadcast a reduced gradient back over the reduced dims."""
    if dims is None:
        if g.ndim == 0 and not g._requires_grad:
            # the gradient of a full reduction: every element gets it (all-zero strides)
            return make_view(g, shape, (0,) * len(shape))
        if g.ndim == 0 or g.ndim == len(shape):  # a 0-d or all-ones g expands directly
            return expand(g, shape)
        return expand(reshape(g, (1,) * len(shape)), shape)
    if not keepdim:
        for d in dims:
            g = unsqueeze(g, d)
    return expand(g, shape)


def sum_to_shape(g, shape):
    """Sum g down to shape (undoing broadcasting): leading dims and size-1 dims."""
    shape = tuple(shape)
    if tuple(g._shape) == shape:
        return g
    lead = g.ndim - len(shape)
    dims = list(range(lead)) + [lead + i for i, s in enumerate(shape)
                                if s == 1 and g._shape[lead + i] != 1]
    out = sum(g, dims, keepdim=True) if dims else g
    if lead:
        out = reshape(out, shape)
    return out


def _int_to_long(dt):
    return _dtype.int64 if dt.category < 2 else dt


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None, keepdims=False):
    x = input  # torch's parameter name, short local
    if out is not None:
        if dim is None and axis is None:  # torch's sum(input) overload has no out=
            raise TypeError("sum() received an invalid combination of arguments - got (Tensor, "
                            "out=Tensor), but expected one of:\n"
                            " * (Tensor input, *, torch.dtype dtype = None)\n"
                            " * (Tensor input, tuple of ints dim, bool keepdim = False, *, "
                            "torch.dtype dtype = None, Tensor out = None)\n")
        from .out_args import any_dtype  # out may have any dtype: the sum is taken in it
        dtype = out.dtype if dtype is None else dtype
        return _into("sum", out, any_dtype, sum, x, dim, keepdim, dtype=dtype, axis=axis,
                     keepdims=keepdims)
    # sum() of a dense float tensor: straight to its kernel (None: any other sum)
    out = whole_sum(x) if (dim is None and axis is None and dtype is None and
                           keepdim is False and keepdims is False) else None
    if out is None:
        require_tensor("sum", "input", 1, x)
        dims = _dims_arg(dim, axis, x.ndim)
        keepdim = _keepdim(keepdim, keepdims)
        out_dt = _dtype.as_dtype(dtype) if dtype is not None else _int_to_long(x.dtype)
        out = _reduce(x, "sum", dims, keepdim, out_dt)
    else:
        dims = None
    if x.requires_grad:
        attach(_SUM_ALL if dims is None else _SUM_DIMS, out, (x,), shape=x._shape, dims=dims,
               keepdim=keepdim)
    return out


def _sum_backward(ctx, g):
    return (_expand_back(g, ctx.shape, ctx.dims, ctx.keepdim),)


_SUM_ALL = derivative("SumBackward0")(_sum_backward)
_SUM_DIMS = derivative("SumBackward1")(_sum_backward)


def mean_method(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=False):
    x = input  # torch's parameter name, short local
    dt = _dtype.as_dtype(dtype) if dtype is not None else x.dtype
    if dt.category < 2:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {scalar_type_name(dt)}")
    # mean() of a dense float tensor: its sum straight to the kernel, as in sum()
    total = whole_sum(x) if (dim is None and axis is None and dtype is None and
                             keepdim is False and keepdims is False) else None
    if total is not None:  # (a tensor without history: the division records nothing)
        dims, n = None, _count(x, None)
        out = ew.div(total, n)
    else:
        dims = _dims_arg(dim, axis, x.ndim)
        keepdim = _keepdim(keepdim, keepdims)
        n = _count(x, dims)
        if x.requires_grad:  # one MeanBackward node, not the sum's and the division's
            with no_grad():
                out = _sum_over_count(x, dims, keepdim, dt, n)
        else:
            out = _sum_over_count(x, dims, keepdim, dt, n)
    if x.requires_grad:
        attach(_MEAN_ALL if dims is None else _MEAN_DIMS, out, (x,), shape=x._shape, dims=dims,
               keepdim=keepdim, count=n)
    return out


def _sum_over_count(x, dims, keepdim, dt, n):
    """mean's value over dims: the sum (a fresh tensor) divided by the count in place."""
    out = _reduce(x, "sum", dims, keepdim, dt)
    out = out.div_(n) if n else ew.mul(out, np.nan)
    return cast(out, dt)


def _mean_backward(ctx, g):
    return (ew.div(_expand_back(g, ctx.shape, ctx.dims, ctx.keepdim), ctx.count),)


_MEAN_ALL = derivative("MeanBackward0")(_mean_backward)
_MEAN_DIMS = derivative("MeanBackward1")(_mean_backward)


def _count(x, dims):
    n = 1
    for d in (range(x.ndim) if dims is None else dims):
        n *= x._shape[d]
    return n


def prod(input, dim=None, keepdim=False, *, dtype=None):
    input, = full_precision(input)  # (autocast)
    x = input  # torch's parameter name, short local
    dims = None if dim is None else _dims_arg(wrap_dim(dim, x.ndim), None, x.ndim)
    out_dt = _dtype.as_dtype(dtype) if dtype is not None else _int_to_long(x.dtype)
    out = _reduce(x, "prod", dims, keepdim, out_dt)
    if x.requires_grad:
        attach(_PROD_ALL if dims is None else _PROD_DIMS, out, (x,), dims=dims, keepdim=keepdim)
    return out


def _prod_backward(ctx, g):
    # the product of the others, also right when some entries are zero
    x, out, dims, keepdim = ctx.self, ctx.result, ctx.dims, ctx.keepdim
    shape = x._shape
    ge = _expand_back(g, shape, dims, keepdim)
    oe = _expand_back(out, shape, dims, keepdim)
    zero = ew.eq(x, 0)
    safe = ew.where(zero, 1.0, x)
    others_nz = ew.div(oe, safe)
    n_zero = sum(zero, dims if dims else None, keepdim=True) if dims else sum(zero)
    prod_nz = _reduce(safe, "prod", dims, True, x.dtype) if dims else \
        _reduce(safe, "prod", None, False, x.dtype)
    only_zero = ew.logical_and(zero, ew.eq(n_zero, 1))
    val = ew.where(only_zero, expand(prod_nz, shape), ew.where(ew.gt(n_zero, 0), 0.0, others_nz))
    return (ew.mul(ge, val),)


_PROD_ALL = derivative("ProdBackward0", saves=("self", "result"))(_prod_backward)
_PROD_DIMS = derivative("ProdBackward1", saves=("self", "result"))(_prod_backward)


def _check_nonempty(x, dims, name):
    if x.numel() == 0 and (dims is None or 0 in [x._shape[d] for d in dims]):
        if dims is None:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
        raise IndexError(f"{name}(): Expected reduction dim {dims[0]} to have non-zero size.")


_COMPLEX_KERNEL = {"amax": "max_values_cpu", "amin": "min_values_cpu", "max": "max_all",
                   "min": "min_all"}


def _minmax_reduce(x, op, dims, keepdim, name, grad_name):
    _check_nonempty(x, dims, name)
    if x.dtype.is_complex and _count(x, None) // builtins.max(_count(x, dims), 1):
        # complex numbers have no order (an empty result has nothing to compare)
        raise NotImplementedError(f"\"{_COMPLEX_KERNEL[name]}\" not implemented for "
                                  f"'{scalar_type_name(x.dtype)}'")
    out = _reduce(x, op, dims, keepdim, x.dtype)
    if x.requires_grad:
        attach(_MINMAX_REDUCE[grad_name], out, (x,), dims=dims, keepdim=keepdim,
               selects=grad_name in ("MaxBackward1", "MinBackward1"))
    return out


def _minmax_reduce_backward(ctx, g):
    # ties share the gradient evenly (PyTorch's rule for amax/amin/max()); amax and amin
    # multiply by the 0/1 mask (an inf gradient gives NaN elsewhere, as in PyTorch), max()
    # and min() put the share where the mask is and 0 elsewhere
    x, dims, keepdim = ctx.self, ctx.dims, ctx.keepdim
    shape = x._shape
    oe = _expand_back(ctx.result, shape, dims, keepdim)
    mask = ew.eq(x, oe)
    if ctx.selects:  # a NaN maximum is every NaN of the input
        mask = ew.logical_or(mask, ew.logical_and(ew.isnan(x), ew.isnan(oe)))
    count = _expand_back(sum(mask, dims, keepdim) if dims else sum(mask), shape, dims, keepdim)
    share = ew.div(_expand_back(g, shape, dims, keepdim), count)
    return (ew.where(mask, share, 0.0) if ctx.selects else ew.mul(share, mask),)


_MINMAX_REDUCE = {name: derivative(name, saves=("self", "result"))(_minmax_reduce_backward)
                  for name in ("AmaxBackward0", "AminBackward0", "MaxBackward1", "MinBackward1")}


def amax_method(input, dim=(), keepdim=False):
    x = input  # torch's parameter name, short local
    dims = _dims_arg(dim, None, x.ndim)
    return _minmax_reduce(x, "amax", dims, keepdim, "amax", "AmaxBackward0")


def amin_method(input, dim=(), keepdim=False):
    x = input  # torch's parameter name, short local
    dims = _dims_arg(dim, None, x.ndim)
    return _minmax_reduce(x, "amin", dims, keepdim, "amin", "AminBackward0")


def _arg_reduce(x, op, dim, keepdim):
    """(values, indices) of the max/min along one dim; dim None flattens."""
    if dim is None:
        flat = reshape(x, -1) if x.ndim else reshape(x, 1)
        v, i = _arg_reduce(flat.contiguous() if not flat.is_contiguous() else flat, op, 0, False)
        if keepdim:
            v = reshape(v, (1,) * x.ndim)
            i = reshape(i, (1,) * x.ndim)
        return v, i
    nd = x.ndim
    d = wrap_dim(dim, nd)
    if nd == 0:
        from .copy import clone
        from .._alloc import zeros
        return clone(x.detach()), zeros((), _dtype.int64, x.device)
    if x._shape[d] == 0:
        raise IndexError(f"{'argmax' if op == 'max' else 'argmin'}(): Expected reduction dim {d} to have non-zero size.")
    be = backend_for(x.device)
    src = cast(x, be.compute_dtype("arg_reduce", x.dtype))
    kshape = tuple(x._shape[k] for k in range(nd) if k != d)
    values = empty(kshape, src.dtype, x.device)
    indices = empty(kshape, _dtype.int64, x.device)
    if values.numel():
        be.arg_reduce(op, plan.arg_reduce(src._shape, src._strides, d),
                      operand(src), operand(values),
                      operand(indices))
    if src is not x:
        values = cast(values, x.dtype)
    if keepdim:
        values = unsqueeze(values, d)
        indices = unsqueeze(indices, d)
    return values, indices


def _check_arg_input(x, dim, name):
    if x.dtype is _dtype.bool_ or x.dtype.is_complex:
        kind = "bool" if x.dtype is _dtype.bool_ else "complex"
        raise RuntimeError(f"{name}(): does not support {kind} input")
    if dim is None and x.numel() == 0:
        raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")


def argmax(input, dim=None, keepdim=False):
    x = input  # torch's parameter name, short local
    _check_arg_input(x, dim, "argmax")
    return _arg_reduce(x, "max", dim, keepdim)[1]


def argmin(input, dim=None, keepdim=False):
    x = input  # torch's parameter name, short local
    _check_arg_input(x, dim, "argmin")
    return _arg_reduce(x, "min", dim, keepdim)[1]


def _max_min(x, dim, keepdim, op, other_fn, tuple_type, grad_name):
    if isinstance(dim, Tensor):
        return other_fn(x, dim)
    if dim is None:
        return _minmax_reduce(x, "a" + op, None, False, op, grad_name + "1")
    if x.dtype.is_complex and not (x.ndim and x._shape[wrap_dim(dim, x.ndim)] == 0):
        # (an empty reduction dim is reported first, as in PyTorch)
        raise RuntimeError(f"{op}(): does not support complex input")
    values, indices = _arg_reduce(x, op, dim, keepdim)
    if x.requires_grad:
        attach(_MAX_MIN_DIM[grad_name + "0"], (values, indices), (x,), indices=indices,
               dim=wrap_dim(dim, x.ndim), keepdim=keepdim, shape=x._shape)
    return tuple_type(values, indices)


def _max_min_dim_backward(ctx, g, _g_indices=None):
    # only the selected index receives the gradient
    from .. import _alloc
    shape, d, keepdim = ctx.shape, ctx.dim, ctx.keepdim
    if not shape:  # a 0-d input is its own maximum
        return (g,)
    idx = ctx.indices if keepdim else unsqueeze(ctx.indices, d)
    pos = _alloc.arange_(empty((shape[d],), _dtype.int64, g.device), 0, 1)
    pos = reshape(pos, tuple(shape[d] if k == d else 1 for k in range(len(shape))))
    mask = ew.eq(pos, idx)
    ge = g if keepdim else unsqueeze(g, d)
    # selected, not multiplied: the other positions get 0 even under an inf gradient
    return (ew.where(mask, ge, 0.0),)


_MAX_MIN_DIM = {name: derivative(name, saves=("indices",))(_max_min_dim_backward)
                for name in ("MaxBackward0", "MinBackward0")}


def max_method(input, dim=None, keepdim=False):
    x = input  # torch's parameter name, short local
    return _max_min(x, dim, keepdim, "max", ew.maximum, return_types.max, "MaxBackward")


def min_method(input, dim=None, keepdim=False):
    x = input  # torch's parameter name, short local
    return _max_min(x, dim, keepdim, "min", ew.minimum, return_types.min, "MinBackward")


def var_method(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None,
               keepdims=False):
    return _var_std(input, dim, unbiased, keepdim, correction, axis, keepdims, False)


def _var_std(x, dim, unbiased, keepdim, correction, axis, keepdims, take_sqrt, name=None):
    """var, or with take_sqrt its square root, std (each with its own backward); name:
    the function that warns of no degrees of freedom (var_mean, std_mean)."""
    if isinstance(dim, bool):  # var(unbiased) positional form
        unbiased, dim = dim, None
    if x.dtype.category < 2:
        raise RuntimeError(f"std and var only support floating point and complex dtypes")
    dims = _dims_arg(dim, axis, x.ndim)
    keepdim = _keepdim(keepdim, keepdims)
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    n = _count(x, dims)
    with no_grad():
        # float16 is computed in float32 (squares overflow float16 early), like torch;
        # a complex tensor's variance is the real mean of |x - mean|^2
        xc = cast(x, _dtype.float32) if x.dtype is _dtype.float16 else x
        m = mean(xc, dims, keepdim=True) if dims else mean(xc)
        centered = ew.sub(xc, m)
        if xc.dtype.is_complex:
            centered = ew.abs(centered)
        ss = _reduce(ew.mul(centered, centered), "sum", dims, keepdim, centered.dtype)
        if not xc.dtype.is_complex and n > 0:
            # the corrected two-pass sum: less the rounded mean's residue, (sum of the
            # deviations)^2 / N, so that equal values have a variance of exactly 0, as
            # PyTorch's Welford gives (the mean of three 0.86f is one ulp off 0.86f)
            residue = _reduce(centered, "sum", dims, keepdim, centered.dtype)
            ss = ew.clamp(ew.sub(ss, ew.div(ew.mul(residue, residue), n)), 0)
        # torch divides by max(0, N - correction): a zero divisor gives inf (or nan)
        denom = builtins.max(0, n - correction)
        if denom == 0:
            import warnings
            warnings.warn(f"{name or ('std' if take_sqrt else 'var')}(): degrees of freedom "
                          f"is <= 0. Correction should be strictly less than the reduction "
                          f"factor (input numel divided by output numel).", UserWarning,
                          stacklevel=3)
        out = ew.div(ss, denom)
        if take_sqrt:
            out = ew.sqrt(out)
        out = cast(out, x.dtype.to_real())
    if x.requires_grad:
        attach(_std_backward if take_sqrt else _var_backward, out, (x,), dims=dims,
               keepdim=keepdim, denom=denom)
    return out


@derivative("VarBackward0", saves=("self",))
def _var_backward(ctx, g):
    x, dims, keepdim = ctx.self, ctx.dims, ctx.keepdim
    ge = _expand_back(g, x._shape, dims, keepdim)
    c = ew.sub(x, mean(x, dims, keepdim=True) if dims else mean(x))
    return (ew.mul(ge, ew.div(ew.mul(c, 2.0), ctx.denom)),)  # denom may be 0


@derivative("StdBackward0", saves=("self", "result"))
def _std_backward(ctx, g):
    x, dims, keepdim = ctx.self, ctx.dims, ctx.keepdim
    ge = _expand_back(g, x._shape, dims, keepdim)
    c = ew.sub(x, mean(x, dims, keepdim=True) if dims else mean(x))
    oe = _expand_back(ctx.result, x._shape, dims, keepdim)
    # where the deviation is 0 every element equals the mean: PyTorch's gradient is 0
    return (ew.where(ew.eq(oe, 0), 0.0, ew.div(ew.mul(ge, c), ew.mul(oe, ctx.denom))),)


def std_method(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None,
               keepdims=False):
    return _var_std(input, dim, unbiased, keepdim, correction, axis, keepdims, True)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """torch.norm; out must have the result's dtype exactly, as in PyTorch."""
    if out is not None:
        check_grad("linalg_vector_norm", out, input)
        return finish("linalg_vector_norm", norm_method(input, p, dim, keepdim, dtype), out,
                      (input,), exact)
    return norm_method(input, p, dim, keepdim, dtype)


def norm_method(input, p="fro", dim=None, keepdim=False, dtype=None):
    x = input  # torch's parameter name, short local
    if x.dtype.category < 2:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {scalar_type_name(x.dtype)}")
    if p == "fro" or p is None:
        p = 2
    if p == "nuc":
        raise NotImplementedError("nuclear norm needs linalg.svd")
    dims = _dims_arg(dim, None, x.ndim)
    p = float(p)
    with no_grad():
        # float16 is computed in float32 (squares overflow float16 early), like torch
        xc = cast(x, _dtype.float32) if x.dtype is _dtype.float16 else x
        real = xc.dtype.to_real()
        a = ew.abs(xc)
        if p == float("inf"):
            out = _reduce(a, "amax", dims, keepdim, real)
        elif p == float("-inf"):
            out = _reduce(a, "amin", dims, keepdim, real)
        elif p == 0:
            out = _reduce(cast(ew.ne(xc, 0), real), "sum", dims, keepdim, real)
        elif p == 1:
            out = _reduce(a, "sum", dims, keepdim, real)
        elif p == 2:
            out = ew.sqrt(_reduce(ew.mul(a, a), "sum", dims, keepdim, real))
        else:
            out = ew.pow(_reduce(ew.pow(a, p), "sum", dims, keepdim, real), 1.0 / p)
        out = cast(out, x.dtype.to_real())
    if x.requires_grad:
        attach(_vector_norm_backward, out, (x,), p=p, dims=dims, keepdim=keepdim)
    return out


@derivative("LinalgVectorNormBackward0", saves=("self", "result"))
def _vector_norm_backward(ctx, g):
    return (_norm_backward(g, ctx.self, ctx.result, ctx.p, ctx.dims, ctx.keepdim),)


def _norm_backward(g, x, out, p, dims, keepdim):
    shape = x._shape
    ge = _expand_back(g, shape, dims, keepdim)
    oe = _expand_back(out, shape, dims, keepdim)
    if p == 2:
        return ew.where(ew.eq(oe, 0), 0.0, ew.div(ew.mul(ge, x), oe))
    if p == 1:
        return ew.mul(ge, ew.sign(x))
    if p in (float("inf"), float("-inf")):
        mask = ew.eq(ew.abs(x), oe)
        count = _expand_back(sum(mask, dims, keepdim) if dims else sum(mask), shape, dims, keepdim)
        return ew.div(ew.mul(ew.mul(ge, ew.sign(x)), mask), count)
    if p == 0:
        return ew.mul(ge, 0.0)
    scale = ew.mul(x, ew.pow(ew.abs(x), p - 2))
    return ew.where(ew.eq(oe, 0), 0.0, ew.div(ew.mul(ge, scale), ew.pow(oe, p - 1)))


def dist(input, other, p=2):
    a, b = input, other  # torch's parameter names, short locals
    with no_grad():
        diff = ew.sub(a, b)
        out = norm(diff, p)
    attach(_dist_backward, out, (a, b), difference=diff, p=float(p if p != "fro" else 2))
    return out


@derivative("DistBackward0", inputs=("self", "other"), saves=("self", "other", "difference", "result"))
def _dist_backward(ctx, g):
    gd = _norm_backward(g, ctx.difference, ctx.result, ctx.p, None, False)
    return gd, ew.neg(gd)


def logsumexp(input, dim, keepdim=False):
    x = input  # torch's parameter name, short local
    dims = _dims_arg(dim, None, x.ndim)
    if x.dtype.category < 2:
        x = cast(x, _dtype.get_default_dtype())
    with no_grad():
        # the largest (real part) is taken out before exp, so that exp cannot overflow
        if x.numel() == 0:
            m = None
        elif x.dtype.is_complex:
            from .complex_views import real
            m = _reduce(real(x), "amax", dims, True, x.dtype.to_real())
        else:
            m = _reduce(x, "amax", dims, True, x.dtype)
        if m is None:
            out = ew.log(_reduce(ew.exp(x), "sum", dims, keepdim, x.dtype))
        else:
            m = ew.where(ew.isinf(m), 0.0, m)
            s = _reduce(ew.exp(ew.sub(x, m)), "sum", dims, True, x.dtype)
            out = ew.add(ew.log(s), m)
            if not keepdim:
                out = reshape(out, _out_shape(x._shape, dims, False))
    if x.requires_grad:
        attach(_logsumexp_backward, out, (x,), dims=dims, keepdim=keepdim)
    return out


@derivative("LogsumexpBackward0", saves=("self", "result"))
def _logsumexp_backward(ctx, g):
    x, dims, keepdim = ctx.self, ctx.dims, ctx.keepdim
    shape = x._shape
    return (ew.mul(_expand_back(g, shape, dims, keepdim),
                   ew.exp(ew.sub(x, _expand_back(ctx.result, shape, dims, keepdim)))),)


def _scan(x, op, dim, out_dtype):
    d = wrap_dim(dim, x.ndim)
    be = backend_for(x.device)
    # the input takes out_dtype first (PyTorch's dtype=): float32 data scanned into float16
    # adds float16 values, in the backend's compute dtype
    src = cast(cast(x, out_dtype), be.compute_dtype("scan", out_dtype))
    out = empty(x._shape, src.dtype, x.device)
    if out.numel():
        if x.ndim == 0:
            from .dispatch import copy_into
            copy_into(out, src)
            return cast(out, out_dtype)
        be.scan(op, plan.scan(src._shape, src._strides, out._strides, d),
                operand(src), operand(out))
    return cast(out, out_dtype)


def cumsum_method(input, dim=None, *, dtype=None, axis=None):
    x = input  # torch's parameter name, short local
    dim = axis if dim is None else dim
    if dim is None:
        raise TypeError("cumsum() missing required argument 'dim'")
    out_dt = _dtype.as_dtype(dtype) if dtype is not None else _int_to_long(x.dtype)
    out = _scan(x, "sum", dim, out_dt)
    if x.requires_grad:
        attach(_cumsum_backward, out, (x,), dim=wrap_dim(dim, x.ndim))
    return out


def _reversed_cumsum(t, d):
    """out_i = sum over j >= i of t_j along d: flip, cumsum, flip back (not total - cumsum,
    which cancels catastrophically and turns an infinite term into NaN)."""
    from .joining import flip
    return flip(cumsum(flip(t, d), d), d)


@derivative("CumsumBackward0")
def _cumsum_backward(ctx, g):
    return (_reversed_cumsum(g, ctx.dim),)


def cumprod_method(input, dim, *, dtype=None):
    x = input  # torch's parameter name, short local
    out_dt = _dtype.as_dtype(dtype) if dtype is not None else _int_to_long(x.dtype)
    out = _scan(x, "prod", dim, out_dt)
    if x.requires_grad:
        attach(_cumprod_backward, out, (x,), dim=wrap_dim(dim, x.ndim))
    return out


@derivative("CumprodBackward0", saves=("self", "result"))
def _cumprod_backward(ctx, g):
    """grad_i = sum over j >= i of g_j * (product of x_k, k <= j, k != i), exact with zeros:
    before the first zero of a line it is (reversed cumsum of g * out) / x_i; at the first
    zero it is the reversed cumsum of g * cumprod(x with that zero set to 1); after it, 0."""
    x, out, d = ctx.self, ctx.result, ctx.dim

    def reversed_cumsum(t):
        return _reversed_cumsum(t, d)
    zero = ew.eq(x, 0)
    zeros_so_far = cumsum(zero, d)
    first_zero = ew.logical_and(zero, ew.eq(zeros_so_far, 1))
    before = ew.div(reversed_cumsum(ew.mul(g, out)), ew.where(zero, 1.0, x))
    at_first_zero = reversed_cumsum(ew.mul(g, cumprod(ew.where(first_zero, 1.0, x), d)))
    return (ew.where(ew.eq(zeros_so_far, 0), before, ew.where(first_zero, at_first_zero, 0.0)),)


def all_method(input, dim=None, keepdim=False):
    return _all_or_any("all", input, dim, keepdim)


def any_method(input, dim=None, keepdim=False):
    return _all_or_any("any", input, dim, keepdim)


def _all_or_any(op, x, dim, keepdim):
    if isinstance(dim, (list, tuple)) and len(dim) == 0:
        # an empty dim list reduces no dim here (unlike sum's, which reduces all)
        return ew.ne(x, 0).to(_logical_result(x))
    dims = None if dim is None else _dims_arg(dim, None, x.ndim)
    return _reduce(x, op, dims, keepdim, _logical_result(x))


def _logical_result(x):
    # torch keeps uint8 for all/any of a uint8 tensor (a legacy of byte masks)
    return _dtype.uint8 if x.dtype is _dtype.uint8 else _dtype.bool_


def equal(input, other):
    a, b = input, other  # torch's parameter names, short locals
    if tuple(a._shape) != tuple(b._shape):
        return False
    return bool(all(ew.eq(a, b)).item())


def count_nonzero(input, dim=None):
    x = input  # torch's parameter name, short local
    return sum(ew.ne(x, 0), dim)


def aminmax(input, *, dim=None, keepdim=False, out=None):
    x = input  # torch's parameter name, short local
    if out is not None:
        from .out_args import finish_pair
        check_grad("aminmax", out[0] if isinstance(out, (tuple, list)) and out else None, x)
        return finish_pair("aminmax", aminmax(x, dim=dim, keepdim=keepdim), out)
    return return_types.aminmax(amin(x, () if dim is None else dim, keepdim),
                                amax(x, () if dim is None else dim, keepdim))


# ---- the torch.<fn> forms, which take out= (Tensor methods take none) -------------
def _into(fname, out, rule, method, input, *args, **kwargs):
    """method(input, ...) stored into out by PyTorch's out= contract (out_args.py)."""
    check_grad(fname, out, input)
    return finish(fname, method(input, *args, **kwargs), out, (input,), rule)


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None, keepdims=False):
    if out is not None:
        return _into("mean", out, castable, mean_method, input, dim, keepdim, dtype=dtype,
                     axis=axis, keepdims=keepdims)
    return mean_method(input, dim, keepdim, dtype=dtype, axis=axis, keepdims=keepdims)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None, axis=None,
        keepdims=False):
    if out is not None:
        return _into("var", out, castable, var_method, input, dim, unbiased, keepdim,
                     correction=correction, axis=axis, keepdims=keepdims)
    return _var_std(input, dim, unbiased, keepdim, correction, axis, keepdims, False)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None, axis=None,
        keepdims=False):
    if out is not None:
        return _into("std", out, castable, std_method, input, dim, unbiased, keepdim,
                     correction=correction, axis=axis, keepdims=keepdims)
    return _var_std(input, dim, unbiased, keepdim, correction, axis, keepdims, True)


def _spread_and_mean(name, x, dim, unbiased, keepdim, correction, out, axis, take_sqrt):
    """(var or std, mean) over the same dims: torch.var_mean / torch.std_mean."""
    if out is not None:  # documented by PyTorch, refused by its argument parser
        raise TypeError(f"{name}() received an invalid combination of arguments - got "
                        f"out={type(out).__name__}")
    if isinstance(x, Tensor) and x.dtype.category < 2:
        raise RuntimeError(f"{name} only support floating point and complex dtypes")
    spread = _var_std(x, dim, unbiased, keepdim, correction, axis, False, take_sqrt, name)
    dims = _dims_arg(None if isinstance(dim, bool) else dim, axis, x.ndim)
    if dims is None and keepdim:
        dims = tuple(range(x.ndim))
    return spread, (mean(x, dims, keepdim=keepdim) if dims else mean(x))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None,
             axis=None):
    """(var, mean) of input over dim (all dims by default), as torch.var_mean."""
    return _spread_and_mean("var_mean", input, dim, unbiased, keepdim, correction, out, axis,
                            False)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None,
             axis=None):
    """(std, mean) of input over dim (all dims by default), as torch.std_mean."""
    return _spread_and_mean("std_mean", input, dim, unbiased, keepdim, correction, out, axis,
                            True)


def amax(input, dim=(), keepdim=False, *, out=None):
    if out is not None:
        return _into("amax", out, same_as_input, amax_method, input, dim, keepdim)
    return amax_method(input, dim, keepdim)


def amin(input, dim=(), keepdim=False, *, out=None):
    if out is not None:
        return _into("amin", out, same_as_input, amin_method, input, dim, keepdim)
    return amin_method(input, dim, keepdim)


def all(input, dim=None, keepdim=False, *, out=None):
    if out is not None:
        return _into("all", out, logical, all_method, input, dim, keepdim)
    return all_method(input, dim, keepdim)


def any(input, dim=None, keepdim=False, *, out=None):
    if out is not None:
        return _into("any", out, logical, any_method, input, dim, keepdim)
    return any_method(input, dim, keepdim)


def _scan_out_dtype(fname, input, dtype, out):
    """cumsum/cumprod with out= accumulate in out's dtype (torch has no bool kernel)."""
    if out.dtype is _dtype.bool_ and input.numel() and input.ndim:  # empty or 0-d: no kernel
        raise NotImplementedError(f"\"{fname}_out_cpu\" not implemented for 'Bool'")
    return out.dtype if dtype is None else dtype


def cumsum(input, dim=None, *, dtype=None, out=None, axis=None):
    if out is not None:
        dtype = _scan_out_dtype("cumsum", input, dtype, out)
        return _into("cumsum", out, castable, cumsum_method, input, dim, dtype=dtype, axis=axis)
    return cumsum_method(input, dim, dtype=dtype, axis=axis)


def cumprod(input, dim, *, dtype=None, out=None):
    if out is not None:
        dtype = _scan_out_dtype("cumprod", input, dtype, out)
        return _into("cumprod", out, castable, cumprod_method, input, dim, dtype=dtype)
    return cumprod_method(input, dim, dtype=dtype)


def max(input, dim=None, keepdim=False, *, other=None, out=None):
    """max(input), max(input, dim, keepdim) -> (values, indices), or max(input, other)
    (element-wise maximum)."""
    if other is not None:
        return ew.maximum(input, other, out=out)
    if isinstance(dim, Tensor):
        return ew.maximum(input, dim, out=out)
    if out is not None:
        return _into_pair("max", out, max_method, input, dim, keepdim)
    return max_method(input, dim, keepdim)


def min(input, dim=None, keepdim=False, *, other=None, out=None):
    """min(input), min(input, dim, keepdim) -> (values, indices), or min(input, other)."""
    if other is not None:
        return ew.minimum(input, other, out=out)
    if isinstance(dim, Tensor):
        return ew.minimum(input, dim, out=out)
    if out is not None:
        return _into_pair("min", out, min_method, input, dim, keepdim)
    return min_method(input, dim, keepdim)


def _into_pair(fname, out, method, input, dim, keepdim):
    from .out_args import finish_pair
    check_grad(fname, out, input)
    if dim is None:  # max(input) has no out= form with a pair
        raise TypeError(f"{fname}(): argument 'out' must be Tensor when dim is not given")
    return finish_pair(fname, method(input, dim, keepdim), out)
