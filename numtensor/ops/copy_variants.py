"""PyTorch's *_copy ops (view_copy, t_copy ... view_as_complex_copy), diagonal_scatter and
as_strided_scatter, the window functions (hann, hamming, blackman, bartlett, kaiser), and
small helpers: is_signed, scalar_tensor, get_device, typename, put / put_ and frexp.

Everything is composed from existing ops.  A *_copy op is its view followed by a fresh
contiguous copy, recorded as one node under PyTorch's name (ViewBackward0_copy ...) with
`composite`, so its gradient is exactly the view's; the multi-output ones reuse the split
and unbind derivatives under their *_copy names.
"""
import math
import numbers

import numtensor as nt  # the package itself: read only when a function runs

from .. import _dtype, return_types
from .._layout import check_pin_memory, strided
from .._tensor import Tensor
from ..autograd.derivatives import attach, composite, derivative
from ..autograd.grad_mode import is_grad_enabled, no_grad
from . import joining, views
from ._common import require_tensor as _require_tensor, scalar_type_name, wrap_dim
from .inplace import apply_inplace
from .out_args import CPP_TYPE_NAME, check_grad, exact, finish


def _fresh(v):
    """A new contiguous tensor with v's values (differentiable): contiguous() hands back
    v itself when v is already contiguous, and then a clone is needed."""
    out = v.contiguous()
    return out.clone() if out is v or out._storage is v._storage else out


def _with_out(fname, fn, input, out, *args):
    """The out= form of a single-output *_copy op: exact dtype; PyTorch refuses an out
    that requires grad, but not an input that does."""
    check_grad(f"aten::{fname}", out)
    return finish(fname, fn(input, *args), out, (input,), exact)


def _copy_op(fname, node_name, view_fn):
    """torch.<fname>(input, *args, out=None): view_fn(input, *args), copied, as one node."""
    @composite(node_name)
    def run(input, *args):
        return _fresh(view_fn(input, *args))

    def op(input, *args, out=None):
        _require_tensor(fname, "input", 1, input)
        if out is not None:
            return _with_out(fname, run, input, out, *args)
        return run(input, *args)
    return op


# ---- the single-output *_copy ops --------------------------------------------------------
_t_copy = _copy_op("t_copy", "TBackward0_copy", lambda x: x.t())
_transpose_copy = _copy_op("transpose_copy", "TransposeBackward0_copy",
                           lambda x, d0, d1: x.transpose(d0, d1))
_permute_copy = _copy_op("permute_copy", "PermuteBackward0_copy", lambda x, dims: x.permute(dims))
_unsqueeze_copy = _copy_op("unsqueeze_copy", "UnsqueezeBackward0_copy",
                           lambda x, d: x.unsqueeze(d))
_diagonal_copy = _copy_op("diagonal_copy", "DiagonalBackward0_copy",
                          lambda x, o, d1, d2: x.diagonal(o, d1, d2))
_select_copy = _copy_op("select_copy", "SelectBackward0_copy", lambda x, d, i: x.select(d, i))
_slice_copy = _copy_op("slice_copy", "SliceBackward0_copy", lambda x, d, a, b, s: x[
    (slice(None),) * wrap_dim(d, x.ndim) + (slice(a, b, s),)])
_unfold_copy = _copy_op("unfold_copy", "UnfoldBackward0_copy",
                        lambda x, d, size, step: x.unfold(d, size, step))
_alias_copy = _copy_op("alias_copy", "AliasBackward0_copy", lambda x: x.view_as(x))
_as_strided_copy = _copy_op("as_strided_copy", "AsStridedBackward0_copy",
                            lambda x, size, stride, off: views.as_strided(x, size, stride, off))
_view_as_real_copy = _copy_op("view_as_real_copy", "ViewAsRealBackward0_copy",
                              lambda x: nt.view_as_real(x))
_view_size_copy = _copy_op("view_copy", "ViewBackward0_copy", lambda x, size: x.reshape(size))
_expand = _copy_op("expand_copy", "ExpandBackward0_copy", lambda x, size: x.expand(size))
_SQUEEZE = {n: _copy_op("squeeze_copy", f"SqueezeBackward{n}_copy",
                        lambda x, *d: x.squeeze(*d)) for n in range(3)}


def t_copy(input, *, out=None):
    return _t_copy(input, out=out)


def transpose_copy(input, dim0, dim1, *, out=None):
    return _transpose_copy(input, dim0, dim1, out=out)


def permute_copy(input, dims, *, out=None):
    return _permute_copy(input, tuple(dims), out=out)


def unsqueeze_copy(input, dim, *, out=None):
    return _unsqueeze_copy(input, dim, out=out)


def diagonal_copy(input, offset=0, dim1=0, dim2=1, *, out=None):
    return _diagonal_copy(input, offset, dim1, dim2, out=out)


def select_copy(input, dim, index, *, out=None):
    return _select_copy(input, dim, index, out=out)


def slice_copy(input, dim=0, start=None, end=None, step=1, *, out=None):
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    return _slice_copy(input, dim, start, end, step, out=out)


def unfold_copy(input, dimension, size, step, *, out=None):
    return _unfold_copy(input, dimension, size, step, out=out)


def alias_copy(input, *, out=None):
    return _alias_copy(input, out=out)


def as_strided_copy(input, size, stride, storage_offset=None, *, out=None):
    return _as_strided_copy(input, tuple(size), tuple(stride), storage_offset, out=out)


def view_as_real_copy(input, *, out=None):
    return _view_as_real_copy(input, out=out)


def expand_copy(input, size, *, implicit=False, out=None):
    """A contiguous copy of input.expand(size); `implicit` only tags the op in PyTorch."""
    return _expand(input, tuple(size), out=out)


def squeeze_copy(input, dim=None, *, out=None):
    """No dim: SqueezeBackward0; one int: SqueezeBackward1; a tuple: SqueezeBackward2."""
    if dim is None:
        return _SQUEEZE[0](input, out=out)
    return _SQUEEZE[2 if isinstance(dim, (tuple, list)) else 1](input, dim, out=out)


def view_copy(input, size_or_dtype, *, out=None):
    """A contiguous copy of input viewed with a new shape (PyTorch copies in logical order,
    so any input works) or a new dtype (not differentiable, as in PyTorch)."""
    _require_tensor("view_copy", "input", 1, input)
    if not isinstance(size_or_dtype, _dtype.dtype):
        return _view_size_copy(input, tuple(size_or_dtype), out=out)
    with no_grad():
        result = _fresh(views.view(input.detach(), dtype=size_or_dtype))
    if out is not None:
        check_grad("aten::view_copy", out)
        return finish("view_copy", result, out, (input,), exact)
    return result


@derivative("NotImplemented")
def _detach_copy_backward(ctx, g):
    raise RuntimeError("derivative for aten::detach_copy is not implemented")


def detach_copy(input, *, out=None):
    """A copy of input; PyTorch marks it as requiring grad with a node that refuses
    backward, and numtensor does the same."""
    _require_tensor("detach_copy", "input", 1, input)
    if out is not None:
        return _with_out("detach_copy", detach_copy, input, out)
    with no_grad():
        result = _fresh(input.detach())
    return attach(_detach_copy_backward, result, (input,))


def view_as_complex_copy(input, *, out=None):
    _require_tensor("view_as_complex_copy", "input", 1, input)
    with no_grad():  # PyTorch checks the shape before refusing autograd
        result = _fresh(nt.view_as_complex(input.detach()))
    if input._requires_grad and is_grad_enabled():
        raise RuntimeError("view_as_complex_copy does not support automatic differentiation "
                           "for outputs with complex dtype.")
    if out is not None:
        return _with_out("view_as_complex_copy", view_as_complex_copy, input, out)
    return result


# ---- the multi-output *_copy ops ----------------------------------------------------------
def _pieces_out(kernel, pieces, out):
    """out= of the list-returning ops: a list of exactly as many tensors, filled by copy."""
    if len(out) != len(pieces):
        raise RuntimeError(f"{kernel} expected an out= argument of size {len(pieces)}, got "
                           f"size {len(out)}")
    for o, p in zip(out, pieces):
        o.copy_(p)


def _copied_pieces(input, pieces, d, node, kernel, out, **params):
    """Fresh copies of the view pieces, under one node named as PyTorch names it."""
    with no_grad():
        copies = tuple(_fresh(p) for p in pieces)
    if out is not None:
        return _pieces_out(kernel, copies, out)
    if node is joining._unbind_backward:
        attach(node, copies, (input,), node_name="UnbindBackward0_copy", dim=d,
               piece_shape=copies[0]._shape if copies else ())
    else:
        name = params.pop("name")
        attach(node, copies, (input,), node_name=f"{name}_copy", shape=input._shape, dim=d,
               sizes=tuple(p._shape[d] for p in copies))
    return list(copies)


def split_copy(input, split_size, dim=0, *, out=None):
    _require_tensor("split_copy", "input", 1, input)
    if isinstance(split_size, bool) or not isinstance(split_size, numbers.Integral):
        raise TypeError(f"split_copy(): argument 'split_size' (position 2) must be int, not "
                        f"{type(split_size).__name__}")
    d = wrap_dim(dim, input.ndim)
    pieces = joining.split(input.detach(), int(split_size), d)
    return _copied_pieces(input, pieces, d, joining._SPLIT["SplitBackward0"],
                          "split_copy_Tensor_out()", out, name="SplitBackward0")


def split_with_sizes_copy(input, split_sizes, dim=0, *, out=None):
    _require_tensor("split_with_sizes_copy", "input", 1, input)
    if not isinstance(split_sizes, (list, tuple)):
        raise TypeError(f"split_with_sizes_copy(): argument 'split_sizes' (position 2) must "
                        f"be tuple of ints, not {type(split_sizes).__name__}")
    d = wrap_dim(dim, input.ndim)
    pieces = joining.split(input.detach(), list(split_sizes), d)
    name = "SplitWithSizesBackward0"
    return _copied_pieces(input, pieces, d, joining._SPLIT[name], "split_with_sizes_copy_out",
                          out, name=name)


def unbind_copy(input, dim=0, *, out=None):
    _require_tensor("unbind_copy", "input", 1, input)
    d = wrap_dim(dim, input.ndim)
    pieces = joining.unbind(input.detach(), d)
    return _copied_pieces(input, pieces, d, joining._unbind_backward, "unbind_copy_int_out",
                          out)


# ---- diagonal_scatter, as_strided_scatter --------------------------------------------------
def _check_src(src, view):
    if tuple(src._shape) != tuple(view._shape):
        raise RuntimeError("expected src to have a size equal to the slice of self. src size = "
                           f"{list(src._shape)}, slice size = {list(view._shape)}")


@composite("DiagonalScatterBackward0", inputs=("input", "src"))
def _diagonal_scatter(input, src, offset, dim1, dim2):
    res = input.clone()  # keeps input's strides, as PyTorch's result does
    view = res.diagonal(offset, dim1, dim2)
    _check_src(src, view)
    view.copy_(src)
    return res


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """A copy of input whose diagonal (offset, dim1, dim2) is replaced by src."""
    _require_tensor("diagonal_scatter", "input", 1, input)
    _require_tensor("diagonal_scatter", "src", 2, src)
    return _diagonal_scatter(input, src, offset, dim1, dim2)


def _positions(n, size, stride, offset, device):
    """The storage positions (int64) a view of that geometry reads."""
    return views.as_strided(nt.arange(n, device=device), size, stride, offset)


@composite("AsStridedScatterBackward0")
def _as_strided_scatter(input, src, size, stride, storage_offset):
    # PyTorch clones input's whole storage, keeping its geometry, so size/stride/offset
    # address the same elements they would in input's storage; gathers and index_put by
    # storage position keep the gradient exact
    n = len(input._storage)
    whole = views.as_strided(input, (n,), (1,), 0)
    off = input._offset if storage_offset is None else storage_offset
    slot = _positions(n, size, stride, off, input.device)
    _check_src(src, slot)
    whole = whole.index_put((slot.reshape(-1),), src.reshape(-1).to(input.dtype))
    res = input.clone()  # keeps input's strides, as PyTorch's result does
    return res.copy_(whole[_positions(n, tuple(input._shape), tuple(input._strides),
                                      input._offset, input.device)])


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """A copy of input whose as_strided(size, stride, storage_offset) view is src."""
    _require_tensor("as_strided_scatter", "input", 1, input)
    _require_tensor("as_strided_scatter", "src", 2, src)
    return _as_strided_scatter(input, src, tuple(size), tuple(stride), storage_offset)


def _diagonal_scatter_method(self, src, offset=0, dim1=0, dim2=1):
    return diagonal_scatter(self, src, offset, dim1, dim2)


def _as_strided_scatter_method(self, src, size, stride, storage_offset=None):
    return as_strided_scatter(self, src, size, stride, storage_offset)


# ---- window functions ----------------------------------------------------------------------
def _options_str(dt, layout, given):
    name = CPP_TYPE_NAME.get(dt.name, scalar_type_name(dt))
    return (f"TensorOptions(dtype={name}{'' if given else ' (default)'}, device=cpu, "
            f"layout={'Sparse' if layout not in (None, strided) else 'Strided'}"
            f"{' (default)' if layout in (None, strided) else ''}, requires_grad=false (default), "
            f"pinned_memory=false, memory_format=(nullopt))")


def _window_checks(fname, window_length, dtype, layout):
    """PyTorch's window_function_checks, in its order; returns the dtype to make."""
    if isinstance(window_length, bool) or not isinstance(window_length, numbers.Integral):
        raise TypeError(f"{fname}(): argument 'window_length' (position 1) must be int, not "
                        f"{type(window_length).__name__}")
    dt = _dtype.get_default_dtype() if dtype is None else dtype
    if layout not in (None, strided):
        raise RuntimeError(f"{fname} is not implemented for sparse types, got: "
                           f"{_options_str(dt, layout, dtype is not None)}")
    if not (dt.is_floating_point or dt.is_complex):
        raise RuntimeError(f"{fname} expects floating point dtypes, got: "
                           f"{_options_str(dt, layout, dtype is not None)}")
    if window_length < 0:
        raise RuntimeError(f"{fname} requires non-negative window_length, got "
                           f"window_length={window_length}")
    return dt


def _window(fname, window_length, periodic, dtype, layout, device, pin_memory, requires_grad,
            body):
    """The shared frame: checks, the 0- and 1-long windows, periodic = one longer, cut."""
    dt = _window_checks(fname, window_length, dtype, layout)
    check_pin_memory(pin_memory)
    if window_length <= 1:
        w = (nt.empty if window_length == 0 else nt.ones)(window_length, dtype=dt,
                                                          device=device)
    else:
        n = window_length + 1 if periodic else window_length
        if dt.is_complex:  # PyTorch's arange refuses complex
            raise NotImplementedError(f"\"arange_cpu\" not implemented for "
                                      f"'{scalar_type_name(dt)}'")
        with no_grad():
            w = body(nt.arange(n, dtype=dt, device=device), n)
        w = w[:window_length] if periodic else w
    return w.requires_grad_() if requires_grad else w


def _cosine_sum(alpha, beta):
    # PyTorch's order of operations, so float32 rounds as it does there
    return lambda a, n: (a * (2 * math.pi / (n - 1))).cos() * (-beta) + alpha


def hann_window(window_length, periodic=True, *, dtype=None, layout=strided, device=None,
                pin_memory=False, requires_grad=False):
    return _window("hann_window", window_length, periodic, dtype, layout, device, pin_memory,
                   requires_grad, _cosine_sum(0.5, 0.5))


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None,
                   layout=None, device=None, pin_memory=False, requires_grad=False):
    return _window("hamming_window", window_length, periodic, dtype, layout, device, pin_memory,
                   requires_grad, _cosine_sum(alpha, beta))


def _blackman(a, n):
    w = a * (math.pi / (n - 1))
    return (w * 4).cos() * 0.08 - (w * 2).cos() * 0.5 + 0.42


def blackman_window(window_length, periodic=True, *, dtype=None, layout=strided, device=None,
                    pin_memory=False, requires_grad=False):
    return _window("blackman_window", window_length, periodic, dtype, layout, device, pin_memory,
                   requires_grad, _blackman)


def _bartlett(a, n):
    w = a * (2.0 / (n - 1))
    half = ((n - 1) >> 1) + 1  # the rising half; the rest falls as 2 - w
    return nt.cat([w[:half], 2 - w[half:]])


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=strided, device=None,
                    pin_memory=False, requires_grad=False):
    return _window("bartlett_window", window_length, periodic, dtype, layout, device, pin_memory,
                   requires_grad, _bartlett)


def _kaiser(beta):
    def body(a, n):
        # PyTorch computes in float32 for float16 (its opmath type)
        low = a.dtype is _dtype.float16
        x = a.float() if low else a
        alpha = (n - 1) / 2.0
        t = (x - alpha) / alpha
        w = (beta * (1 - t * t).sqrt()).i0() / nt.tensor(beta, dtype=x.dtype).i0()
        return w.to(a.dtype) if low else w
    return body


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=strided,
                  device=None, pin_memory=False, requires_grad=False):
    return _window("kaiser_window", window_length, periodic, dtype, layout, device, pin_memory,
                   requires_grad, _kaiser(beta))


# ---- small helpers -------------------------------------------------------------------------
def is_signed(input):
    _require_tensor("is_signed", "input", 1, input)
    return input.is_signed()


def get_device(input):
    """-1 for a CPU tensor, else the device index."""
    _require_tensor("get_device", "input", 1, input)
    return input.get_device()


def typename(obj, /):
    """A string naming obj's type: a tensor's legacy type name (torch.FloatTensor)."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=False,
                  requires_grad=False):
    """A 0-dim tensor holding s, of the default float dtype unless dtype says otherwise."""
    if isinstance(s, Tensor):
        s = s.item()
    if not isinstance(s, numbers.Number):
        raise TypeError(f"scalar_tensor(): argument 's' (position 1) must be Number, not "
                        f"{type(s).__name__}")
    dt = _dtype.get_default_dtype() if dtype is None else dtype
    if isinstance(s, complex) and not dt.is_complex:
        raise RuntimeError(f"value cannot be converted to type {CPP_TYPE_NAME[dt.name]} "
                           f"without overflow")
    return nt.full((), s, dtype=dt, device=device, requires_grad=requires_grad)


# ---- put / put_ -------------------------------------------------------------------------
def _put_checks(fname, input, index, source):
    _require_tensor(fname, "index", 1 if fname == "put_" else 2, index)
    _require_tensor(fname, "source", 2 if fname == "put_" else 3, source)
    if input.dtype is not source.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {scalar_type_name(input.dtype)} and source.dtype = "
                           f"{scalar_type_name(source.dtype)}")
    if index.dtype is not _dtype.int64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got "
                           f"{scalar_type_name(index.dtype)}")
    if index.numel() != source.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of "
                         f"elements, but got source.numel() = {source.numel()}, "
                         f"index.numel() = {index.numel()}")
    n = input.numel()
    if n == 0 and index.numel():
        raise IndexError("put_(): Tried to put elements into an empty tensor")
    bad = (index >= n) | (index < -n)
    if bad.any().item():
        raise IndexError(f"out of range: tried to access index {index[bad][0].item()} on a "
                         f"tensor of {n} elements.")


def _flat_put(cur, index, source, accumulate):
    """cur with its row-major flat positions `index` set to (or, accumulating, increased
    by) source; out of place and differentiable."""
    flat = cur.reshape(-1)
    idx = index.reshape(-1)
    idx = nt.where(idx < 0, idx + flat.numel(), idx)
    return flat.index_put((idx,), source.reshape(-1), accumulate).view(cur._shape)


def _put_(self, index, source, accumulate, fname):
    _put_checks(fname, self, index, source)
    if index.numel() == 0:
        return self
    if is_grad_enabled() and (self._requires_grad or source._requires_grad):
        # one PutBackward0 node, as PyTorch's in-place op has
        return apply_inplace(self, lambda cur: _put(cur, index, source, accumulate), (source,))
    return apply_inplace(self, lambda cur: _flat_put(cur, index, source, accumulate),
                         (source,))


def put_(self, index, source, accumulate=False):
    """In place: self's flat (row-major) positions `index` get source."""
    return _put_(self, index, source, accumulate, "put_")


@composite("PutBackward0", inputs=("input", "source"))
def _put(input, index, source, accumulate):
    res = input.clone()  # keeps input's strides, as PyTorch's result does
    return res.copy_(_flat_put(input, index, source, accumulate)) if index.numel() else res


def put(input, index, source, accumulate=False):
    """A copy of input whose flat (row-major) positions `index` hold source (summed into
    input's values with accumulate)."""
    _require_tensor("put", "input", 1, input)
    _put_checks("put", input, index, source)
    return _put(input, index, source, accumulate)


def _put_method(self, index, source, accumulate=False):
    _require_tensor("put", "index", 1, index)
    _require_tensor("put", "source", 2, source)
    return put(self, index, source, accumulate)


# ---- frexp ---------------------------------------------------------------------------------
@derivative("FrexpBackward0")
def _frexp_backward(ctx, g):
    return (g / ctx.exponent.to(g.dtype).exp2(),)


def _frexp_values(x):
    """mantissa in [0.5, 1) and an int32 exponent with x = mantissa * 2**exponent; zeros,
    infinities and nan keep x with exponent 0.  log2 can land one off near powers of two,
    so the exponent is corrected once either way."""
    work = x.float() if x.dtype is _dtype.float16 else x
    normal = work.isfinite() & (work != 0)
    a = nt.where(normal, work.abs(), nt.ones_like(work))
    e = a.log2().floor() + 1
    # 2**-e in two halves: one factor of 2**149 would overflow float32
    half = (e / 2).floor()
    m = a * (-half).exp2() * (half - e).exp2()
    e = nt.where(m >= 1, e + 1, nt.where(m < 0.5, e - 1, e))
    m = nt.where(m >= 1, m / 2, nt.where(m < 0.5, m * 2, m))
    mantissa = nt.where(normal, m.copysign(work), work).to(x.dtype)
    exponent = nt.where(normal, e, nt.zeros_like(e)).to(_dtype.int32)
    return mantissa, exponent


def frexp(input, *, out=None):
    _require_tensor("frexp", "input", 1, input)
    if not input.dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    with no_grad():
        mantissa, exponent = _frexp_values(input.detach())
    if out is not None:
        from .out_args import finish_pair
        check_grad("frexp", out[0] if isinstance(out, (tuple, list)) else out, input)
        return finish_pair("frexp", return_types.frexp(mantissa, exponent), out)
    attach(_frexp_backward, mantissa, (input,), exponent=exponent)
    return return_types.frexp(mantissa, exponent)


def _frexp_method(self):
    return frexp(self)


# torch.<name>
FUNCTIONS = {
    "view_copy": view_copy, "t_copy": t_copy, "transpose_copy": transpose_copy,
    "permute_copy": permute_copy, "unsqueeze_copy": unsqueeze_copy,
    "squeeze_copy": squeeze_copy, "expand_copy": expand_copy,
    "diagonal_copy": diagonal_copy, "select_copy": select_copy, "slice_copy": slice_copy,
    "split_copy": split_copy, "split_with_sizes_copy": split_with_sizes_copy,
    "unbind_copy": unbind_copy, "unfold_copy": unfold_copy, "detach_copy": detach_copy,
    "alias_copy": alias_copy, "as_strided_copy": as_strided_copy,
    "view_as_real_copy": view_as_real_copy, "view_as_complex_copy": view_as_complex_copy,
    "diagonal_scatter": diagonal_scatter, "as_strided_scatter": as_strided_scatter,
    "hann_window": hann_window, "hamming_window": hamming_window,
    "blackman_window": blackman_window, "bartlett_window": bartlett_window,
    "kaiser_window": kaiser_window, "is_signed": is_signed, "scalar_tensor": scalar_tensor,
    "get_device": get_device, "typename": typename, "put": put, "frexp": frexp,
}

# Tensor.<name>
METHODS = {
    "diagonal_scatter": _diagonal_scatter_method,
    "as_strided_scatter": _as_strided_scatter_method,
    "put": _put_method, "put_": put_, "frexp": _frexp_method,
}
for _name, _fn in METHODS.items():
    if _fn.__name__.startswith("_"):
        _fn.__name__ = _fn.__qualname__ = _name
        _fn.__doc__ = f"See torch.{_name}()."

# one line each for help(torch.<name>)
_DOCS = {
    "hann_window": "The Hann window: 0.5 - 0.5 cos(2 pi n / (N - 1)).",
    "hamming_window": "The Hamming window: alpha - beta cos(2 pi n / (N - 1)).",
    "blackman_window": "The Blackman window: 0.42 - 0.5 cos(2 pi n / (N-1)) + 0.08 cos(4 pi n / (N-1)).",
    "bartlett_window": "The Bartlett (triangular) window.",
    "kaiser_window": "The Kaiser window of shape parameter beta: I0(beta sqrt(1 - x^2)) / I0(beta).",
    "is_signed": "True if input's dtype is signed (floats, complex and signed integers).",
    "frexp": "Mantissa in [0.5, 1) and integer exponent with input = mantissa * 2**exponent.",
}
for _name, _fn in FUNCTIONS.items():
    if not (_fn.__doc__ or "").strip():
        view = _name[:-len("_copy")] if _name.endswith("_copy") else None
        _fn.__doc__ = _DOCS.get(_name) or (
            f"torch.{view}'s result as a tensor of its own (a copy, never a view)." if view else None)
