"""scatter_reduce and index_reduce (functions, methods and in-place forms), composed from
numtensor ops that exist already: no kernel of their own.

Each element of src (source) gets the flat position, in a contiguous copy of self, of
the element it is reduced into (index along dim, its own coordinates elsewhere).  Then
  - sum / mean: index_put_(accumulate=True) of the values and of ones (the counts);
  - amax / amin: a stable sort by value, then a stable sort by position, so that each
    position's values lie together in order; the first (or, for NaN, last) of each run
    is its result, written with a plain index_put_ on distinct positions;
  - prod: a segmented inclusive scan by doubling over the values sorted by position,
    whose last element per run is that position's product.
include_self=False fills the reduced positions with the reduction's identity first (or
combines the runs' results with self's elements).  The forward runs on detached tensors;
the gradient is PyTorch's formula (FunctionsManual.cpp: scatter_reduce_backward and
index_reduce_backward), registered as ScatterReduceBackward0 / IndexReduceBackward0.
"""
import operator
import warnings

import numtensor as nt  # the package itself: read only when a function runs

from .. import _dtype
from .._tensor import Tensor
from ..autograd.derivatives import attach, derivative
from ..autograd.grad_mode import no_grad
from ._common import scalar_type_name, shape_str, wrap_dim
from .out_args import check_grad, exact, finish

_SCATTER_REDUCES = ("sum", "prod", "mean", "amax", "amin")
_INDEX_REDUCES = ("prod", "mean", "amax", "amin")
_COMPLEX = (_dtype.complex64, _dtype.complex128)


# ---- argument checks ----------------------------------------------------------------------
def _tensor_arg(fname, argname, position, value):
    if not isinstance(value, Tensor):
        raise TypeError(f"{fname}(): argument '{argname}' (position {position}) must be "
                        f"Tensor, not {type(value).__name__}")


def _check_args(fname, first, input, dim, index, src_name, src, reduce, include_self):
    """PyTorch's argument parser: types of each argument (first: position of input)."""
    if first:
        _tensor_arg(fname, "input", 1, input)
    if isinstance(dim, bool) or isinstance(dim, Tensor) or not hasattr(dim, "__index__"):
        raise TypeError(f"{fname}(): argument 'dim' (position {first + 1}) must be int, "
                        f"not {type(dim).__name__}")
    _tensor_arg(fname, "index", first + 2, index)
    _tensor_arg(fname, src_name, first + 3, src)
    if not isinstance(reduce, str):
        raise TypeError(f"{fname}(): argument 'reduce' (position {first + 4}) must be str, "
                        f"not {type(reduce).__name__}")
    if not isinstance(include_self, bool):
        raise TypeError(f"{fname}(): argument 'include_self' must be bool, not "
                        f"{type(include_self).__name__}")
    return operator.index(dim)


def _not_implemented(kernel, dt):
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_type_name(dt)}'")


def _size(t, j):
    """ensure_nonempty_size: a 0-d tensor counts as shape (1,)."""
    if t.ndim == 0:
        return 1
    if j >= t.ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-t.ndim}, {t.ndim - 1}], but got {j})")
    return t.shape[j]


def _first_bad(idx, bad):
    """The first index value (row-major) where the mask bad holds, or None."""
    bad = bad.reshape(-1)
    if not bool(bad.any().item()):
        return None
    return int(idx.reshape(-1)[bad][0].item())


# ---- the reductions on flat positions ----------------------------------------------------
def _contiguous_strides(shape):
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= n
    return tuple(reversed(strides))


def _work_dtype(dt):
    return _dtype.int64 if dt is _dtype.bool_ else dt


def _reduce_flat(self, pos, vals, reduce, include_self):
    """self's values (a fresh contiguous tensor of self's shape) with vals reduced into the
    flat positions pos (int64, one per value).  No autograd: detached inputs."""
    dt, dev = self.dtype, self.device
    wdt = _work_dtype(dt)
    out = self.reshape(-1).to(wdt).clone()
    vals = vals.to(wdt)
    if pos.numel():
        if reduce in ("sum", "mean"):
            if not include_self:
                out.index_put_((pos,), nt.zeros((), dtype=wdt, device=dev))
            out.index_put_((pos,), vals, accumulate=True)
        elif reduce == "prod":
            dest, red = _segment_products(pos, vals)
            if include_self:
                red = out[dest] * red
            out.index_put_((dest,), red)
        else:
            dest, red = _segment_extreme(pos, vals, reduce == "amax")
            if include_self:
                cur = out[dest]
                better = red > cur if reduce == "amax" else red < cur
                if wdt.is_floating_point:
                    better = better | nt.isnan(red)
                red = nt.where(better, red, cur)
            out.index_put_((dest,), red)
    if reduce == "mean":  # PyTorch divides even where nothing was scattered (by 1)
        if dt is _dtype.bool_:
            _not_implemented("div_floor_cpu", dt)
        count = (nt.ones if include_self else nt.zeros)(out.shape, dtype=wdt, device=dev)
        if pos.numel():
            one = nt.ones((), dtype=wdt, device=dev)
            count.index_put_((pos,), one.expand(pos.shape), accumulate=True)
        count = count.masked_fill(count == 0, 1)
        if wdt.is_floating_point or wdt in _COMPLEX:
            out = out / count
        else:
            out = nt.div(out, count, rounding_mode="floor")
    if wdt is not dt:
        out = out.to(dt)
    return out.reshape(self.shape)


def _sorted_by_position(pos, vals, by_value=False, descending=False):
    """pos and vals reordered by position (ascending), the values of one position in the
    order of their values (by_value: stable, ascending or descending) or as given."""
    if by_value:
        perm = nt.argsort(vals, descending=descending, stable=True)
        pos, vals = pos[perm], vals[perm]
    order = nt.argsort(pos, stable=True)
    return pos[order], vals[order]


def _run_edges(sp):
    """Masks of the first and the last element of each run of equal positions."""
    if sp.numel() == 1:
        one = nt.ones(1, dtype=nt.bool, device=sp.device)
        return one, one
    change = sp[1:] != sp[:-1]
    one = nt.ones(1, dtype=nt.bool, device=sp.device)
    return nt.cat([one, change]), nt.cat([change, one])


def _segment_extreme(pos, vals, maximum):
    """(positions, max or min of each position's values); NaN wins, as in PyTorch."""
    sp, sv = _sorted_by_position(pos, vals, by_value=True, descending=maximum)
    first, last = _run_edges(sp)
    red = sv[first]
    if not maximum and sv.dtype.is_floating_point:  # ascending sort: NaN comes last
        tail = sv[last]
        red = nt.where(nt.isnan(tail), tail, red)
    return sp[first], red


def _segment_products(pos, vals):
    """(positions, product of each position's values): a segmented inclusive scan by
    doubling over the values grouped by position; each run's last element is its product."""
    sp, sv = _sorted_by_position(pos, vals)
    n, shift = sv.numel(), 1
    while shift < n:
        same = sp[shift:] == sp[:-shift]
        if not bool(same.any().item()):  # every run is shorter than shift: done
            break
        tail = nt.where(same, sv[:-shift] * sv[shift:], sv[shift:])
        sv = nt.cat([sv[:shift], tail])
        shift *= 2
    _, last = _run_edges(sp)
    return sp[last], sv[last]


# ---- scatter_reduce -----------------------------------------------------------------------
def _scatter_checks(x, d, index, src):
    """scatter_meta_impl: dtypes, then shapes (index no larger than self and src)."""
    if index.dtype not in (_dtype.int64, _dtype.int32):
        raise RuntimeError("scatter(): Expected dtype int32/int64 for index")
    if src.dtype is not x.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    if index.numel() == 0:
        return
    n = max(x.ndim, 1)
    if max(index.ndim, 1) != n:
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    wrong = any(j != d and _size(index, j) > _size(x, j) for j in range(n))
    if not wrong:
        wrong = any(_size(index, j) > _size(src, j) for j in range(n))
    if wrong:
        raise RuntimeError(f"Expected index {shape_str(index.shape)} to be no larger than self "
                           f"{shape_str(x.shape)} apart from dimension {d} and to be no larger "
                           f"size than src {shape_str(src.shape)}")


def _scatter_positions(x, d, index):
    """Flat positions in a contiguous x of the elements index addresses."""
    shape = tuple(x.shape) or (1,)
    idx = index.reshape(-1) if index.ndim == 0 else index
    ishape = tuple(idx.shape)
    strides = _contiguous_strides(shape)
    pos = idx.to(nt.int64) * strides[d]
    for j, n in enumerate(ishape):
        if j != d and n > 1:
            view = [1] * len(ishape)
            view[j] = n
            pos = pos + nt.arange(n, device=x.device).reshape(view) * strides[j]
    return pos.reshape(-1)


def _scatter_reduce(x, d, index, src, reduce, include_self):
    """The values of scatter_reduce (checked arguments, detached tensors)."""
    dt = x.dtype
    empty = index.numel() == 0
    if not empty:
        if max(src.ndim, 1) != max(index.ndim, 1):
            raise RuntimeError("Index tensor must have the same number of dimensions as src "
                               "tensor")
        size = x.shape[d] if x.ndim else 1
        bad = _first_bad(index, (index < 0) | (index >= size))
        unsupported = ((reduce == "mean" and dt is _dtype.bool_)
                       or (reduce in ("amax", "amin") and dt in _COMPLEX))
        if unsupported and include_self:
            _not_implemented(f"scatter_gather_tensor_cpu_reduce_{reduce}", dt)
        if bad is not None:
            raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {size}")
        if unsupported:
            _not_implemented(f"scatter_gather_tensor_cpu_reduce_{reduce}", dt)
        pos = _scatter_positions(x, d, index)
        idx_shape = tuple(index.shape) or (1,)
        s = src.reshape(1) if src.ndim == 0 else src
        if tuple(s.shape) != idx_shape:
            s = s[tuple(slice(0, n) for n in idx_shape)]
        vals = s.reshape(-1)
    else:
        pos = nt.zeros(0, dtype=nt.int64, device=x.device)
        vals = nt.zeros(0, dtype=dt, device=x.device)
    return _reduce_flat(x, pos, vals, reduce, include_self)


def _scatter_reduce_impl(fname, first, input, dim, index, src, reduce, include_self):
    dim = _check_args(fname, first, input, dim, index, "src", src, reduce, include_self)
    d = wrap_dim(dim, input.ndim)
    _scatter_checks(input, d, index, src)
    if reduce not in _SCATTER_REDUCES + ("max", "min"):  # PyTorch takes max/min, undocumented
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, "
                           f"got {reduce}")
    with no_grad():
        res = _scatter_reduce(input.detach(), d, index, src.detach(),
                              {"max": "amax", "min": "amin"}.get(reduce, reduce), include_self)
    return attach(_scatter_reduce_backward, res, (input, src), index=index.to(nt.int64),
                  dim=d, reduce=reduce, include_self=include_self)


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    """Out-of-place version of Tensor.scatter_reduce_: src's values reduced ("sum", "prod",
    "mean", "amax" or "amin") into a copy of input at the positions index gives along
    dim; include_self=False leaves input's values out of the reduced positions."""
    if out is not None:
        check_grad("scatter_reduce", out, input, src)
        res = _scatter_reduce_impl("scatter_reduce", 1, input, dim, index, src, reduce,
                                   include_self)
        return finish("scatter_reduce", res, out, (input,), exact)
    return _scatter_reduce_impl("scatter_reduce", 1, input, dim, index, src, reduce,
                                include_self)


def _scatter_reduce_method(self, dim, index, src, reduce, *, include_self=True):
    return _scatter_reduce_impl("scatter_reduce", 0, self, dim, index, src, reduce,
                                include_self)


def _scatter_reduce__method(self, dim, index, src, reduce, *, include_self=True):
    from .inplace import apply_inplace
    fname = "scatter_reduce_"
    _check_args(fname, 0, self, dim, index, "src", src, reduce, include_self)
    return apply_inplace(self, lambda s: _scatter_reduce_impl(fname, 0, s, dim, index, src,
                                                              reduce, include_self),
                         others=(src,), check_overlap=True)


def _grad_for_src(name, grad, src):
    """The engine's check of a gradient against its input's shape (validate_outputs)."""
    if tuple(grad.shape) == tuple(src.shape):
        return grad
    fits = len(src.shape) <= len(grad.shape) and all(
        a == b or a == 1 for a, b in zip(reversed(src.shape), reversed(grad.shape)))
    if not fits:
        raise RuntimeError(f"Function {name} returned an invalid gradient at index 1 - got "
                           f"{shape_str(grad.shape)} but expected shape compatible with "
                           f"{shape_str(src.shape)}")
    return grad.sum_to_size(tuple(src.shape))


@derivative("Error", inputs=("self",))
def _delayed_error(ctx, grad):
    raise RuntimeError(ctx.msg)


def _delay_error(grad_src, src_num_zeros, fname, what):
    """PyTorch's DelayedError: prod's gradient for src cannot be differentiated again
    where two or more zeros meet at one position."""
    if not bool((src_num_zeros > 1).any().item()):
        return grad_src
    return attach(_delayed_error, grad_src.detach(), (grad_src,),
                  msg=f"{fname}(): Double backward is unsupported for {what} when >1 zeros in "
                      f"{what} are scattered to the same position in self")


@derivative("ScatterReduceBackward0", inputs=("self", "src"),
            saves=("self", "index", "src", "result"))
def _scatter_reduce_backward(ctx, grad):
    self, src, index, result = ctx.self, ctx.src, ctx.index, ctx.result
    dim, reduce, include_self = ctx.dim, ctx.reduce, ctx.include_self
    if reduce == "sum":
        grad_self = grad
        grad_src = _grad_for_src("ScatterReduceBackward0", grad.gather(dim, index), src)
    elif reduce == "prod":
        # the exclusive products, computed explicitly where self or src holds a zero
        masked_self = self.masked_fill(self == 0, 1)
        masked_self_result = masked_self.scatter_reduce(dim, index, src, reduce,
                                                        include_self=include_self)
        grad_self = grad * masked_self_result / masked_self
        src_zero = src == 0
        src_num_zeros = nt.zeros_like(self).scatter_add(
            dim, index, src_zero.to(self.dtype)).gather(dim, index)
        src_single_zero = src_zero & (src_num_zeros == 1)
        masked_src = src.masked_fill(src_single_zero, 1)
        masked_src_result = self.scatter_reduce(dim, index, masked_src, reduce,
                                                include_self=include_self)
        grad_src = nt.where(src_single_zero, (grad * masked_src_result).gather(dim, index),
                            (grad * result).gather(dim, index) / src.masked_fill(src_zero, 1))
        grad_src = _delay_error(grad_src, src_num_zeros, "scatter_reduce", "src")
    elif reduce == "mean":
        n = nt.ones_like(grad) if include_self else nt.zeros_like(grad)
        n = n.scatter_add(dim, index, nt.ones_like(src))
        n = n.masked_fill(n == 0, 1)
        grad_self = grad / n
        grad_src = _grad_for_src("ScatterReduceBackward0",
                                 grad.gather(dim, index) / n.gather(dim, index), src)
    elif reduce in ("amax", "amin"):  # the gradient is shared evenly among the maxima
        value = result.gather(dim, index)
        self_is_result = (self == result).to(self.dtype)
        src_is_result = (src == value).to(self.dtype)
        n_to_distribute = self_is_result.scatter_add(dim, index, src_is_result)
        grad_distributed = grad / n_to_distribute
        grad_self = (self == result) * grad_distributed
        grad_src = (src == value) * grad_distributed.gather(dim, index)
    else:  # "max" and "min" run forward only
        raise RuntimeError(f"Expected 'reduce' to be one of 'sum', 'prod', 'mean', 'amax', "
                           f"'amin' but got {reduce}.")
    if not include_self:
        grad_self = grad_self.scatter(dim, index, 0)
    need = ctx.needs_input_grad
    return (grad_self if need[0] else None), (grad_src if need[1] else None)


# ---- index_reduce -------------------------------------------------------------------------
_warned = []


def _index_checks(x, d, index, source):
    """index_func_meta_impl."""
    if index.ndim > 1:
        raise IndexError(f"index_reduce_(): Index is supposed to be a vector, but got dim: "
                         f"{index.ndim} with type: {scalar_type_name(index.dtype)} and size: "
                         f"{shape_str(index.shape)}")
    if index.dtype not in (_dtype.int64, _dtype.int32):
        raise RuntimeError(f"index_reduce_(): Expected dtype int32/int64 for index but got: "
                           f"{scalar_type_name(index.dtype)}")
    if source.dtype is not x.dtype:
        raise RuntimeError(f"index_reduce_(): self ({scalar_type_name(x.dtype)}) and source "
                           f"({scalar_type_name(source.dtype)}) must have the same scalar type")
    if not (d == 0 or d < source.ndim):
        raise RuntimeError(f"index_reduce_(): Indexing dim {d} is out of bounds of the source "
                           f"tensor with dim {source.ndim}")
    numel = index.numel()
    if source.ndim == 0 and numel != 1:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if numel != (1 if source.ndim == 0 else source.shape[d]):
        raise RuntimeError(f"index_reduce_(): Number of indices ({numel}) should be equal to "
                           f"source.size(dim): ({source.shape[d]}), for dim: {d}")
    xs, ss = list(x.shape), list(source.shape)
    if source.ndim and x.ndim:
        del xs[d], ss[d]
    if xs != ss:
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {shape_str(x.shape)} "
                           f"source.shape = {shape_str(source.shape)}")


def _index_reduce(x, d, index, source, reduce, include_self):
    """The values of index_reduce (checked arguments, detached tensors)."""
    dt = x.dtype
    idx = index.reshape(-1).to(nt.int64)
    size = x.shape[d] if x.ndim else 1
    unsupported = dt is _dtype.bool_ or dt in _COMPLEX  # by the kernel of 0-d and 1-d self
    if unsupported and not include_self:
        _not_implemented("index_reduce_func_exclude_input_init", dt)
    if not include_self:  # index_fill_ with the identity comes first, with its own check
        bad = _first_bad(idx, (idx < -size) | (idx >= size))
        if bad is not None:
            raise IndexError(f"index {bad} is out of bounds for dimension {d} with size {size}")
    if x.ndim > 1:  # PyTorch reduces slice by slice, each index checked before its slice
        if idx.numel() == 0:
            return x.contiguous().clone()
        if dt in _COMPLEX and reduce in ("amax", "amin"):
            if not 0 <= int(idx[0].item()) < size:
                raise IndexError("index out of range in self")
            _not_implemented("maximum_cpu" if reduce == "amax" else "minimum_cpu", dt)
        if _first_bad(idx, (idx < 0) | (idx >= size)) is not None:
            raise IndexError("index out of range in self")
        if dt is _dtype.bool_ and reduce == "mean":
            _not_implemented("div_floor_cpu", dt)
    else:
        if unsupported:
            _not_implemented("index_func_", dt)
        if _first_bad(idx, (idx < 0) | (idx >= size)) is not None:
            raise IndexError("index out of range in self")
    shape = tuple(x.shape) or (1,)
    strides = _contiguous_strides(shape)
    view = [1] * len(shape)
    view[d] = idx.numel()
    pos = idx.reshape(view) * strides[d]
    for j, n in enumerate(shape):
        if j != d and n > 1:
            v = [1] * len(shape)
            v[j] = n
            pos = pos + nt.arange(n, device=x.device).reshape(v) * strides[j]
    src_shape = list(shape)
    src_shape[d] = idx.numel()
    pos = pos.expand(src_shape).reshape(-1)
    vals = source.reshape(src_shape).reshape(-1)
    return _reduce_flat(x, pos, vals, reduce, include_self)


def _index_reduce_impl(fname, first, input, dim, index, source, reduce, include_self):
    dim = _check_args(fname, first, input, dim, index, "source", source, reduce, include_self)
    if reduce not in _INDEX_REDUCES:
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    d = wrap_dim(dim, input.ndim)
    _index_checks(input, d, index, source)
    if not _warned:  # TORCH_WARN_ONCE
        _warned.append(True)
        warnings.warn("index_reduce() is in beta and the API may change at any time.",
                      UserWarning, stacklevel=3)
    with no_grad():
        res = _index_reduce(input.detach(), d, index, source.detach(), reduce, include_self)
    return attach(_index_reduce_backward, res, (input, source), index=index.to(nt.int64),
                  dim=d, reduce=reduce, include_self=include_self)


def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None):
    """Out-of-place version of Tensor.index_reduce_: the slices of source reduced ("prod",
    "mean", "amax" or "amin") into a copy of input at the positions index (a vector)
    gives along dim; include_self=False leaves input's values out of them."""
    if out is not None:
        check_grad("index_reduce", out, input, source)
        res = _index_reduce_impl("index_reduce", 1, input, dim, index, source, reduce,
                                 include_self)
        return finish("index_reduce", res, out, (input,), exact)
    return _index_reduce_impl("index_reduce", 1, input, dim, index, source, reduce,
                              include_self)


def _index_reduce_method(self, dim, index, source, reduce, *, include_self=True):
    return _index_reduce_impl("index_reduce", 0, self, dim, index, source, reduce,
                              include_self)


def _index_reduce__method(self, dim, index, source, reduce, *, include_self=True):
    from .inplace import apply_inplace
    fname = "index_reduce_"
    _check_args(fname, 0, self, dim, index, "source", source, reduce, include_self)
    return apply_inplace(self, lambda s: _index_reduce_impl(fname, 0, s, dim, index, source,
                                                            reduce, include_self),
                         others=(source,), check_overlap=True)


@derivative("IndexReduceBackward0", inputs=("self", "source"),
            saves=("self", "index", "source", "result"))
def _index_reduce_backward(ctx, grad):
    self, source, index, result = ctx.self, ctx.source, ctx.index, ctx.result
    dim, reduce, include_self = ctx.dim, ctx.reduce, ctx.include_self
    if reduce == "prod":
        masked_self = self.masked_fill(self == 0, 1)
        masked_self_result = masked_self.index_reduce(dim, index, source, reduce,
                                                      include_self=include_self)
        grad_self = grad * masked_self_result / masked_self
        src_zero = source == 0
        src_num_zeros = nt.zeros_like(self).index_add(
            dim, index, src_zero.to(self.dtype)).index_select(dim, index)
        src_single_zero = src_zero & (src_num_zeros == 1)
        masked_src = source.masked_fill(src_single_zero, 1)
        masked_src_result = self.index_reduce(dim, index, masked_src, reduce,
                                              include_self=include_self)
        grad_src = nt.where(src_single_zero,
                            (grad * masked_src_result).index_select(dim, index),
                            (grad * result).index_select(dim, index)
                            / source.masked_fill(src_zero, 1))
        grad_src = _delay_error(grad_src, src_num_zeros, "index_reduce", "source")
    elif reduce == "mean":
        n = nt.ones_like(grad) if include_self else nt.zeros_like(grad)
        n = n.index_add(dim, index, nt.ones_like(source))
        n = n.masked_fill(n == 0, 1)
        grad_self = grad / n
        grad_src = grad.index_select(dim, index) / n.index_select(dim, index)
    else:  # amax, amin
        value = result.index_select(dim, index)
        self_is_result = (self == result).to(self.dtype)
        source_is_result = (source == value).to(self.dtype)
        n_to_distribute = self_is_result.index_add(dim, index, source_is_result)
        grad_distributed = grad / n_to_distribute
        grad_self = self_is_result * grad_distributed
        grad_src = source_is_result * grad_distributed.index_select(dim, index)
    if not include_self:
        grad_self = grad_self.index_fill(dim, index, 0)
    if tuple(grad_src.shape) != tuple(source.shape):  # a 0-d source read as one slice
        grad_src = grad_src.reshape(source.shape)
    need = ctx.needs_input_grad
    return (grad_self if need[0] else None), (grad_src if need[1] else None)


# ---- installation -------------------------------------------------------------------------
METHODS = {
    "scatter_reduce": _scatter_reduce_method, "scatter_reduce_": _scatter_reduce__method,
    "index_reduce": _index_reduce_method, "index_reduce_": _index_reduce__method,
}
for _name, _fn in METHODS.items():
    _fn.__name__ = _fn.__qualname__ = _name
    _fn.__doc__ = (f"In-place version of Tensor.{_name[:-1]}()." if _name.endswith("_")
                   else f"See torch.{_name}().")

FUNCTIONS = {"scatter_reduce": scatter_reduce, "index_reduce": index_reduce}
