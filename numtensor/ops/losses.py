"""nll_loss: the negative log-likelihood of class indices, one backend primitive each way.

The classes lie along dim 1 of (N, C, d1, ...) log-probabilities (dim 0 of a single
sample (C,)); the backend sees rows of C classes, so a K-dimensional input is moved
to (N * d1 * ..., C) first.  The forward is the backend's nll_loss kernel (the sum in
PyTorch's order on the CPU), the backward its nll_loss_backward kernel, recorded as
NllLossBackward0.  Under create_graph the backward is written with public ops instead,
so it can be differentiated again.  The caller (nn.functional.nll_loss) checks the
arguments.
"""
from .._backends import backend_for
from .._tensor import operand
from ..autograd.derivatives import attach, derivative
from ..autograd.grad_mode import is_grad_enabled, no_grad
from ._common import empty
from .copy import contiguous_values as _contiguous
from .dispatch import cast


def _rows(x):
    """x as a contiguous (rows, classes) tensor: the class dim moved last."""
    if x.ndim == 2:
        return _contiguous(x)
    if x.ndim == 1:
        return _contiguous(x).view(1, -1)
    x = x.movedim(1, -1)
    return _contiguous(x).reshape(-1, x.shape[-1])


def nll_loss(input, target, weight, ignore_index, reduction):
    """The loss of log-probabilities `input` at class indices `target` (int64, input's
    shape without the class dim); weight: C class weights or None."""
    be = backend_for(input.device)
    kdtype = be.compute_dtype("nll_loss", input.dtype)
    with no_grad():
        x = _rows(cast(input, kdtype))
        t = _contiguous(target)
        if t.ndim != 1:
            t = t.reshape(-1)
        w = None if weight is None else _contiguous(cast(weight, kdtype))
    m, c = x._shape
    out = empty((m,) if reduction == "none" else (), kdtype, input.device)
    total = None if reduction == "none" else empty((), kdtype, input.device)
    bad = be.nll_loss(operand(x), operand(t), None if w is None else operand(w), m, c,
                      int(ignore_index), reduction, operand(out),
                      None if total is None else operand(total))
    if bad is not None:
        raise IndexError(f"Target {bad} is out of bounds.")
    if reduction == "none" and input.ndim != 2:
        out = out.view(tuple(target.shape))
    return attach(_nll_loss_backward, cast(out, input.dtype), (input,), target=t, weight=w,
                  total_weight=total, ignore_index=int(ignore_index), reduction=reduction,
                  shape=tuple(input._shape))


@derivative("NllLossBackward0", saves=("target", "weight", "total_weight"))
def _nll_loss_backward(ctx, g):
    t, w, total, shape = ctx.target, ctx.weight, ctx.total_weight, ctx.shape
    m = t._shape[0]
    c = shape[0] if len(shape) == 1 else shape[1]
    if is_grad_enabled() and g.requires_grad:
        rows = _composed_grad(g, t, w, total, ctx.ignore_index, ctx.reduction, m, c)
    else:
        be = backend_for(g.device)
        kdtype = be.compute_dtype("nll_loss", g.dtype)
        gk = _contiguous(cast(g, kdtype))
        rows = empty((m, c), kdtype, g.device)
        be.nll_loss_backward(operand(gk), operand(t), None if w is None else operand(w), m, c,
                             ctx.ignore_index, ctx.reduction,
                             None if total is None else operand(total), operand(rows))
        rows = cast(rows, g.dtype)
    return (_unrows(rows, shape),)


def _unrows(rows, shape):
    """The (rows, classes) gradient back in the input's shape (contiguous)."""
    if len(shape) <= 2:
        return rows.view(shape)
    moved = rows.view((shape[0],) + tuple(shape[2:]) + (shape[1],)).movedim(-1, 1)
    return moved.contiguous()


def _composed_grad(g, t, w, total, ignore_index, reduction, m, c):
    """The backward kernel's result written with public ops (differentiable in g)."""
    from .._alloc import zeros
    ignored = t == ignore_index
    safe = t.masked_fill(ignored, 0)
    coef = (~ignored).to(g.dtype) if w is None else w[safe] * (~ignored).to(w.dtype)
    if reduction == "none":
        per_row = g.reshape(-1)
    elif reduction == "mean":
        per_row = (g / total).expand(m)
    else:
        per_row = g.expand(m)
    values = per_row * -coef
    return zeros((m, c), dtype=g.dtype, device=g.device).scatter(1, safe.unsqueeze(1),
                                                                  values.unsqueeze(1))
