"""Real views of complex tensors: .real, .imag, view_as_real.

A complex64 element is two float32 numbers side by side, so a complex tensor's values
can be seen as floats without a copy: the view gets a float storage over the same
memory (storage.reinterpret) with every stride doubled, and .imag starts one float later.
Writing through the view writes the complex tensor.
"""
from .. import _dtype
from .._tensor import make_tensor
from ..autograd.derivatives import attach, derivative


def _float_storage(x):
    """A float storage sharing x's complex memory."""
    return x._storage.reinterpret(x._storage.dtype.to_real())


def _part(x, which):
    strides = tuple(2 * s for s in x._strides)
    v = make_tensor(_float_storage(x), 2 * x._offset + which, x._shape, strides)
    v._base = x if x._base is None else x._base
    return v


def real(input):
    x = input  # torch's parameter name, short local
    if not x.dtype.is_complex:
        return x
    return attach(_real_backward, _part(x, 0), (x,), dtype=x.dtype)


def imag(input):
    x = input  # torch's parameter name, short local
    if not x.dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return attach(_imag_backward, _part(x, 1), (x,), dtype=x.dtype)


@derivative("RealBackward0")
def _real_backward(ctx, g):
    return (g.to(ctx.dtype),)          # g + 0i


@derivative("ImagBackward0")
def _imag_backward(ctx, g):
    return (g.to(ctx.dtype) * 1j,)     # 0 + g i


def view_as_real(input):
    x = input  # torch's parameter name, short local
    if not x.dtype.is_complex:
        raise RuntimeError("view_as_real is only supported for complex tensors")
    v = make_tensor(_float_storage(x), 2 * x._offset, x._shape + (2,),
               tuple(2 * s for s in x._strides) + (1,))
    v._base = x if x._base is None else x._base
    return attach(_view_as_real_backward, v, (x,))


def view_as_complex(input):
    x = input  # torch's parameter name, short local
    if x.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError("view_as_complex is only supported for float and double tensors, "
                           f"but got a tensor of scalar type: {x.dtype}")
    if x.ndim == 0 or x._shape[-1] != 2 or x._strides[-1] != 1:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if x._offset % 2 or any(s % 2 for s in x._strides[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    cdt = x.dtype.to_complex()
    st = x._storage.reinterpret(cdt)
    v = make_tensor(st, x._offset // 2, x._shape[:-1], tuple(s // 2 for s in x._strides[:-1]))
    v._base = x if x._base is None else x._base
    return attach(_view_as_complex_backward, v, (x,))


@derivative("ViewAsRealBackward0")
def _view_as_real_backward(ctx, g):
    return (view_as_complex(g.contiguous()),)  # (the gradient may be expanded: stride 0)


@derivative("ViewAsComplexBackward0", complex_aware=True)
def _view_as_complex_backward(ctx, g):
    return (view_as_real(g),)
