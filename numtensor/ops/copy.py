"""Copies: clone, contiguous, copy_ (with cast and broadcast), fill_, zero_."""
from .. import _alloc
from .._tensor import Tensor
from ..autograd.derivatives import attach, derivative
from ..autograd.grad_mode import is_grad_enabled
from .._backends.plan import output_order, strides_for_order
from ._common import (aliases_differently, check_no_internal_overlap, check_no_partial_overlap,
                      empty, is_contiguous, is_non_overlapping_and_dense, is_scalar,
                      scalar_for_dtype, warn_if_complex_to_real)
from .dispatch import copy_into
from .inplace import check_leaf, write
from .._type_names import python_type_name
from .._layout import dense_strides, preserve_format


def contiguous_copy(x):
    """A contiguous copy of x's values (no autograd)."""
    out = empty(x._shape, x.dtype, x.device)
    copy_into(out, x)
    return out


def contiguous_values(x):
    """x if it is contiguous, else a contiguous copy of its values (no autograd): the
    layout the fused kernels (convolution weights, softmax, nll_loss) read."""
    return x if is_contiguous(x) else contiguous_copy(x)


@derivative("CloneBackward0")
def _clone_backward(ctx, g):
    return (g,)


def clone(input, memory_format=None):
    # by default torch preserves the memory layout: dense tensors keep their strides,
    # others get dense strides in the same dim order; a memory_format asks for its own
    x = input  # torch's parameter name, short local
    if memory_format is None or memory_format is preserve_format:
        if is_non_overlapping_and_dense(x):
            strides = x._strides
        else:
            strides = strides_for_order(x._shape, output_order(x._shape, [x._strides]))
    else:
        strides = dense_strides(x._shape, memory_format)
    out = empty(x._shape, x.dtype, x.device, strides)
    copy_into(out, x)
    if x.requires_grad:
        attach(_clone_backward, out, (x,))
    return out


def contiguous(x, memory_format=None):
    if is_contiguous(x):
        return x
    out = contiguous_copy(x)
    if x.requires_grad:
        attach(_clone_backward, out, (x,))
    return out


def copy_(self, src, non_blocking=False):
    if is_scalar(src):
        return fill_(self, src)
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not {python_type_name(src)}")
    check_leaf(self)
    from .._backends.plan import broadcast_shapes
    shape = broadcast_shapes(self._shape, src._shape)
    if shape != tuple(self._shape):
        from ._common import shape_str
        raise RuntimeError(f"output with shape {shape_str(self._shape)} doesn't match the "
                           f"broadcast shape {shape_str(shape)}")
    if src.device != self.device:
        src = src.to(self.device)
    warn_if_complex_to_real(src.dtype, self.dtype)
    check_no_internal_overlap(self)
    if aliases_differently(src, self):
        check_no_partial_overlap(self, src)
        src = contiguous_copy(src)
    write(self, src)
    return self


def fill_(self, value):
    return _fill(self, value, "FillBackward2")


def _fill(self, value, grad_name, check_floats=True):
    """fill_ and zero_; grad_name: the node a tensor with history gets (as in torch);
    check_floats: see _common.scalar_for_dtype."""
    if not (isinstance(value, Tensor) or is_scalar(value)):
        kind = type(value).__name__
        raise TypeError(
            f"fill_() received an invalid combination of arguments - got ({kind}), but "
            f"expected one of:\n * (Tensor value)\n      didn't match because some of the "
            f"arguments have invalid types: (!{kind}!)\n * (Number value)\n      didn't match "
            f"because some of the arguments have invalid types: (!{kind}!)\n")
    if isinstance(value, Tensor):
        check_floats = False
        if value.ndim != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value.ndim} dimensions.")
        if value.requires_grad:
            from .views import expand
            return copy_(self, expand(value, self._shape))
        value = value.item()
    check_leaf(self)
    base = self._base
    if is_grad_enabled() and (self.requires_grad or (base is not None and base.requires_grad)):
        # history must be rewritten: go through the general in-place path
        write(self, _alloc.full(self._shape, scalar_for_dtype(value, self.dtype, check_floats),
                                self.dtype, self.device), grad_name)
        return self
    value = scalar_for_dtype(value, self.dtype, check_floats)
    _alloc.fill_(self, value)
    self._storage._version += 1
    return self


def zero_(self):
    return _fill(self, 0, "ZeroBackward0")


def resize_and_copy_out(out, res):
    if tuple(out._shape) != tuple(res._shape):
        if out.numel() == res.numel() or out.numel() == 0:
            from .._backends.plan import contiguous_strides
            if out.numel() == 0:
                from ._common import empty as _empty
                fresh = _empty(res._shape, out.dtype, out.device)
                out._storage = fresh._storage
                out._offset = 0
            out._shape, out._strides = tuple(res._shape), contiguous_strides(res._shape)
        else:
            raise RuntimeError("out tensor has the wrong shape")
    copy_into(out, res)
    out._storage._version += 1
    return out


def write_out(result, out):
    """torch's out= contract: out takes result's shape (resized, with torch's warning
    when it held elements of another shape) and values, and is returned."""
    if out is None:
        return result
    if tuple(out._shape) != tuple(result._shape):
        if out.numel():
            import warnings
            warnings.warn(
                f"An output with one or more elements was resized since it had shape "
                f"{list(out._shape)}, which does not match the required output shape "
                f"{list(result._shape)}. This behavior is deprecated, and in a future PyTorch "
                f"release outputs will not be resized unless they have zero elements. You can "
                f"explicitly reuse an out tensor t by resizing it, inplace, to zero elements "
                f"with t.resize_(0).", UserWarning, stacklevel=3)
        # a fresh buffer in out's dtype: out never shares memory with an input that the
        # op returned as is, and keeps its own dtype
        from .._backends.plan import contiguous_strides
        fresh = empty(result._shape, out.dtype, out.device)
        copy_into(fresh, result)
        out._storage, out._offset = fresh._storage, 0
        out._shape, out._strides = tuple(result._shape), contiguous_strides(result._shape)
        out._storage._version += 1
        return out
    from ..autograd.grad_mode import no_grad
    with no_grad():
        out.copy_(result)
    return out
