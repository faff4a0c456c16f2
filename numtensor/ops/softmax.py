"""softmax and log_softmax along one dim: one fused backend primitive each way.

The forward is the backend's softmax kernel (max, sum of exponentials, output: three
passes over each line, numerically stable); backward is its softmax_backward kernel.
Gradients are recorded as SoftmaxBackward0 / LogSoftmaxBackward0.  Under create_graph
the backward is written with public ops instead, so it can be differentiated again.
"""
from .._backends import backend_for, plan
from .._tensor import operand
from ..autograd.derivatives import attach, derivative
from ..autograd.grad_mode import is_grad_enabled
from ._common import empty
from .copy import contiguous_values as _contiguous
from .dispatch import cast


def _run(x, dim, log):
    """The fused kernel on a contiguous copy of x in the backend's compute dtype."""
    kdtype = backend_for(x.device).compute_dtype("softmax", x.dtype)
    xk = _contiguous(cast(x, kdtype))
    out = empty(x._shape, kdtype, x.device)
    p = plan.softmax(x._shape, dim)
    backend_for(x.device).softmax(p, operand(xk), operand(out), log)
    return cast(out, x.dtype)


def softmax(x, dim):
    """softmax of a float tensor x along the (wrapped) dim; the caller checks arguments."""
    return attach(_softmax_backward, _run(x, dim, False), (x,), dim=dim)


def log_softmax(x, dim):
    """log_softmax of a float tensor x along the (wrapped) dim."""
    return attach(_log_softmax_backward, _run(x, dim, True), (x,), dim=dim)


@derivative("SoftmaxBackward0", saves=("result",))
def _softmax_backward(ctx, g):
    return (softmax_backward_data(g, ctx.result, ctx.dim, False),)


@derivative("LogSoftmaxBackward0", saves=("result",))
def _log_softmax_backward(ctx, g):
    return (softmax_backward_data(g, ctx.result, ctx.dim, True),)


def softmax_backward_data(g, result, dim, log):
    """The input gradient of softmax (log_softmax) from the output gradient g and the
    forward's result."""
    if is_grad_enabled() and (g.requires_grad or result.requires_grad):
        # create_graph: composed of public ops, so it has a gradient of its own
        if log:
            return g - result.exp() * g.sum(dim, keepdim=True)
        return result * (g - (g * result).sum(dim, keepdim=True))
    kdtype = backend_for(g.device).compute_dtype("softmax", g.dtype)
    gk = _contiguous(cast(g, kdtype))
    yk = _contiguous(cast(result, kdtype))
    out = empty(g._shape, kdtype, g.device)
    p = plan.softmax(g._shape, dim)
    backend_for(g.device).softmax_backward(p, operand(gk), operand(yk), operand(out), log)
    return cast(out, g.dtype)
