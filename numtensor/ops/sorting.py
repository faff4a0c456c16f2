"""Sorting and searching: sort, argsort, msort, topk, kthvalue, unique,
unique_consecutive, searchsorted, bucketize, bincount and histc.

Two kernels do the work (_backends/cpu/sort_kernels.py): a stable argsort of rows and
a binary search of rows.  Values follow from the indices by gather, so every dtype is
sorted through a wider working copy (int64, float32 or float64) while the values keep
the input's dtype.  The rest is composed from public ops.
"""
from .. import _dtype
from .. import return_types
from .._backends import backend_for
from ..autograd.grad_mode import no_grad
from ..autograd.derivatives import attach, derivative
from ._common import empty, wrap_dim


def _work_dtype(dt, what="Sort"):
    if dt.is_complex:
        raise RuntimeError(f" {what} does not support complex dtypes on CPU")
    if dt in (_dtype.float16, _dtype.float32):
        return _dtype.float32
    if dt is _dtype.float64:
        return _dtype.float64
    return _dtype.int64  # bool and every integer type fit in int64


def _argsort_last(x, descending):
    """int64 indices that stably sort x along its last dim (x: any layout, ndim >= 1)."""
    work = x.detach().to(_work_dtype(x.dtype)).contiguous()
    n = x._shape[-1]
    out = empty(x._shape, _dtype.int64, x.device)
    nrows = x.numel() // n if n else 0
    backend_for(x.device).argsort_rows((work._storage._buf, work._offset), n, 1, nrows, n,
                                       descending, (out._storage._buf, 0))
    return out


def _sort_indices(x, d, descending):
    """Indices that stably sort x along dim d (x has at least one dim)."""
    with no_grad():
        moved = x.movedim(d, -1)
        return _argsort_last(moved, descending).movedim(-1, d)


def _gathered(x, d, indices, name, squeeze=False):
    """x's values at indices along d (squeeze: then without dim d), with a gradient that
    scatters back, recorded under torch's name."""
    with no_grad():
        values = x.gather(d, indices)
        if squeeze:
            values = values.squeeze(d)
    return attach(_SELECTED[name], values, (x,), indices=indices, shape=x._shape, dim=d,
                  squeeze=squeeze)


def _selected_backward(ctx, g):
    """The gradient of values picked by indices along dim: scattered back, zero elsewhere."""
    from .._alloc import zeros
    if ctx.squeeze:
        g = g.unsqueeze(ctx.dim)
    return (zeros(ctx.shape, g.dtype, g.device).scatter(ctx.dim, ctx.indices, g),)


_SELECTED = {name: derivative(name, saves=("indices",))(_selected_backward)
             for name in ("SortBackward0", "TopkBackward0", "KthvalueBackward0")}


def _write_pair(result, out):
    if out is None:
        return result
    from .copy import write_out
    values, indices = out
    write_out(result[0], values)
    write_out(result[1], indices)
    return type(result)(values, indices)


def _as_1d(x):
    """A 0-d tensor is sorted as one element; the results are 0-d again."""
    return x.reshape(1) if x.ndim == 0 else x


def sort(input, dim=-1, descending=False, *, stable=False, out=None):
    """Sorts input along dim: (values, indices). Stable; NaN sorts as the largest value."""
    x = _as_1d(input)
    d = wrap_dim(dim, x.ndim)
    indices = _sort_indices(x, d, descending)
    values = _gathered(x, d, indices, "SortBackward0")
    if input.ndim == 0:
        values, indices = values.reshape(()), indices.reshape(())
    return _write_pair(return_types.sort(values, indices), out)


def argsort(input, dim=-1, descending=False, *, stable=False):
    """The indices that sort input along dim (stable)."""
    x = _as_1d(input)
    indices = _sort_indices(x, wrap_dim(dim, x.ndim), descending)
    return indices.reshape(()) if input.ndim == 0 else indices


def msort(input, *, out=None):
    """input sorted along its first dim."""
    from .copy import write_out
    return write_out(sort(input, 0).values, out)


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """The k largest (or smallest) elements along dim, in order: (values, indices)."""
    if input.dtype is _dtype.bool_ or input.dtype.is_complex:
        kind = "bool" if input.dtype is _dtype.bool_ else "complex"
        raise RuntimeError(f"{'' if kind == 'bool' else ' '}topk does not support {kind} dtypes on CPU")
    x = _as_1d(input)
    d = wrap_dim(dim, x.ndim)
    if not 0 <= k <= x._shape[d]:
        raise RuntimeError("selected index k out of range")
    indices = _sort_indices(x, d, largest).narrow(d, 0, k).contiguous()
    values = _gathered(x, d, indices, "TopkBackward0")
    if input.ndim == 0:
        values, indices = values.reshape(()), indices.reshape(())
    return _write_pair(return_types.topk(values, indices), out)


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """The k-th smallest element along dim (k counts from 1): (values, indices)."""
    if input.dtype is _dtype.bool_ or input.dtype.is_complex:
        raise NotImplementedError(f"\"kthvalue_cpu\" not implemented for "
                                  f"'{input.dtype._tensor_type.replace('Tensor', '')}'")
    x = _as_1d(input)
    d = wrap_dim(dim, x.ndim)
    if not 1 <= k <= x._shape[d]:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    indices = _sort_indices(x, d, False).narrow(d, k - 1, 1).contiguous()
    squeeze = not keepdim or input.ndim == 0
    values = _gathered(x, d, indices, "KthvalueBackward0", squeeze)
    if squeeze:
        indices = indices.squeeze(d)
    if input.ndim == 0:
        values, indices = values.reshape(()), indices.reshape(())
    return _write_pair(return_types.kthvalue(values, indices), out)


# ---- unique --------------------------------------------------------------------------
def _runs(sorted_rows, return_inverse, return_counts, order, n):
    """Unique runs of the (n, ...) tensor sorted_rows whose row i came from row order[i]
    (order None: unsorted input, consecutive runs); returns (first rows, inverse, counts)."""
    from .._alloc import ones, zeros
    from .elementwise import ne
    from .joining import cat
    starts = ones((n,), _dtype.bool_, sorted_rows.device)
    if n > 1:
        differs = ne(sorted_rows[1:], sorted_rows[:-1])
        if differs.ndim > 1:
            differs = differs.reshape(n - 1, -1).any(dim=1)
        starts[1:] = differs
    uniques = sorted_rows[starts]
    inverse = counts = None
    if return_inverse:
        group = starts.cumsum(0) - 1
        inverse = group if order is None else zeros((n,), _dtype.int64, sorted_rows.device).scatter_(0, order, group)
    if return_counts:
        first = starts.nonzero().reshape(-1)
        ends = cat([first[1:], first.new_tensor([n])])
        counts = ends - first
    return uniques, inverse, counts


def _lexsort_rows(rows):
    """Indices that sort the rows of a 2-D tensor lexicographically (stable): a stable
    sort by each column, from the last column to the first."""
    from .._alloc import arange
    order = arange(rows._shape[0], _dtype.int64, rows.device)
    for c in range(rows._shape[1] - 1, -1, -1):
        key = rows[:, c][order]
        order = order[_argsort_last(key, False)]
    return order


def _unique(input, sort_first, return_inverse, return_counts, dim, fname):
    if input.dtype.is_complex:
        raise NotImplementedError(f"\"{'unique' if dim is None else 'unique_dim'}\" not "
                                  f"implemented for '{input.dtype._tensor_type.replace('Tensor', '')}'")
    with no_grad():
        if dim is None:
            flat = input.reshape(-1)
            n = flat.numel()
            order = _argsort_last(flat, False) if sort_first and n else None
            rows = flat[order] if order is not None else flat
            uniques, inverse, counts = _runs(rows, return_inverse, return_counts, order, n)
            if inverse is not None:
                inverse = inverse.reshape(input._shape)
        else:
            d = wrap_dim(dim, max(input.ndim, 1))
            moved = _as_1d(input).movedim(d, 0)
            n = moved._shape[0]
            rows = moved.reshape(n, -1)
            order = _lexsort_rows(rows) if sort_first and n and rows._shape[1] else None
            srt = moved[order] if order is not None else moved
            uniques, inverse, counts = _runs(srt, return_inverse, return_counts, order, n)
            uniques = uniques.movedim(0, d)
    if not return_inverse and not return_counts:
        return uniques
    result = (uniques,)
    if return_inverse:
        result += (inverse,)
    if return_counts:
        result += (counts,)
    return result


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The unique elements of input (or unique slices along dim), sorted; optionally the
    index of each input element's unique value, and how often each one occurs."""
    # torch sorts on the CPU whatever `sorted` says; so does numtensor
    return _unique(input, True, return_inverse, return_counts, dim, "unique")


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapses each run of equal consecutive elements (or slices along dim) into one."""
    return _unique(input, False, return_inverse, return_counts, dim, "unique_consecutive")


# ---- searching -------------------------------------------------------------------------
def searchsorted(sorted_sequence, values, *, out_int32=False, right=False, side=None, out=None,
                 sorter=None):
    """Indices where values would be inserted into the last dim of sorted_sequence to keep
    it sorted (the first such place, or the last with right=True / side='right')."""
    from .._from_data import from_data
    from .._tensor import Tensor
    from .copy import write_out
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but "
                               f"got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, "
                               "got side of left while right was True")
        right = side == "right"
    scalar = not isinstance(values, Tensor)
    if scalar:
        values = from_data(values, None, sorted_sequence.device)
    seq = sorted_sequence
    if sorter is not None:
        seq = seq.gather(-1, sorter)
    if seq.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the "
                           "first N-1 dimensions of boundaries tensor and input value tensor must "
                           "match, but we got boundaries tensor [] and input value tensor "
                           f"{list(values._shape)}")
    if seq.ndim > 1 and tuple(seq._shape[:-1]) != tuple(values._shape[:-1]):
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the "
                           "first N-1 dimensions of boundaries tensor and input value tensor must "
                           f"match, but we got boundaries tensor {list(seq._shape)} and input "
                           f"value tensor {list(values._shape)}")
    common = _dtype.promote_types(seq.dtype, values.dtype)
    if common is _dtype.bool_ and values.numel():  # torch checks only when there is work
        raise NotImplementedError("\"searchsorted_out_cpu\" not implemented for 'Bool'")
    wd = _work_dtype(common, "searchsorted")
    with no_grad():
        seq_w = seq.detach().to(wd).contiguous()
        val_w = values.detach().to(wd).contiguous()
    m = seq._shape[-1]
    result = empty(values._shape, _dtype.int64, values.device)
    if seq.ndim == 1:
        nrows, nv, srow, vrow = 1, values.numel(), 0, 0
    else:
        nv = values._shape[-1]
        nrows = values.numel() // nv if nv else 0
        srow, vrow = m, nv
    backend_for(values.device).searchsorted_rows(
        (seq_w._storage._buf, seq_w._offset), srow, m, (val_w._storage._buf, val_w._offset), vrow,
        nv, nrows, right, (result._storage._buf, 0))
    if out_int32:
        result = result.to(_dtype.int32)
    return write_out(result, out)


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The index of the bucket of each input value, the buckets bounded by the 1-D boundaries."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


# ---- counting --------------------------------------------------------------------------
def bincount(input, weights=None, minlength=0):
    """Counts each non-negative integer in the 1-D input (or sums its weights)."""
    from .._alloc import ones, zeros
    if input.dtype.category >= 2 or input.dtype is _dtype.bool_:
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for "
                                  f"'{input.dtype._tensor_type.replace('Tensor', '')}'")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if input.ndim != 1 or (input.numel() and int(input.min().item()) < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights.ndim != 1 or weights._shape[0] != input._shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    size = max(int(input.max().item()) + 1 if input.numel() else 0, minlength)
    if weights is None:
        dt, source = _dtype.int64, ones((input._shape[0],), _dtype.int64, input.device)
    else:
        dt = weights.dtype if weights.dtype in (_dtype.float32, _dtype.float64) else _dtype.float64
        source = weights.detach().to(dt)
    with no_grad():
        return zeros((size,), dt, input.device).index_add_(0, input.long(), source)


def histc(input, bins=100, min=0, max=0, *, out=None):
    """A histogram of input's values in bins equal-width bins between min and max (the
    data's range when both are 0); values outside are ignored."""
    from .copy import write_out
    if input.dtype.category != 2:
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for "
                                  f"'{input.dtype._tensor_type.replace('Tensor', '')}'")
    if bins <= 0:
        raise RuntimeError("torch.histc(): bins must be > 0, but got " + str(bins))
    with no_grad():
        x = input.detach().reshape(-1).double()
        lo, hi = float(min), float(max)
        if lo == hi and x.numel():
            lo, hi = float(x.min().item()), float(x.max().item())
        if lo == hi:
            lo, hi = lo - 1, hi + 1
        if lo > hi or lo != lo or hi != hi or abs(lo) == float("inf") or abs(hi) == float("inf"):
            raise RuntimeError(f"torch.histc(): max must be larger than min, but got min {lo} "
                               f"max {hi}" if lo > hi else
                               f"torch.histc(): range of [{lo}, {hi}] is not finite")
        inside = x[(x >= lo) & (x <= hi)]
        idx = ((inside - lo) * (bins / (hi - lo))).floor().long().clamp(0, bins - 1)
        counts = bincount(idx, minlength=bins).to(input.dtype)
    return write_out(counts, out)


# ---- the Tensor method forms: self is the input, and no out= ----------------------------
def sort_method(self, dim=-1, descending=False, *, stable=False):
    """Sorts self along dim: (values, indices)."""
    return sort(self, dim, descending, stable=stable)


def msort_method(self):
    """self sorted along its first dim."""
    return msort(self)


def topk_method(self, k, dim=-1, largest=True, sorted=True):
    """The k largest (or smallest) elements of self along dim: (values, indices)."""
    return topk(self, k, dim, largest, sorted)


def kthvalue_method(self, k, dim=-1, keepdim=False):
    """The k-th smallest element of self along dim: (values, indices)."""
    return kthvalue(self, k, dim, keepdim)


def histc_method(self, bins=100, min=0, max=0):
    """A histogram of self's values (see torch.histc)."""
    return histc(self, bins, min, max)
