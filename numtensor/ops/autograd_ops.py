"""Tensor-level autograd entry points: requires_grad_, backward, retain_grad."""
import weakref

from ._common import scalar_type_name


def requires_grad_(t, requires_grad=True):
    if requires_grad and not (t.dtype.is_floating_point or t.dtype.is_complex):
        raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
    if not requires_grad and t.grad_fn is not None:
        raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want "
                           "to use a computed variable in a subgraph that doesn't require "
                           "differentiation use var_no_grad = var.detach().")
    t.requires_grad = bool(requires_grad)
    return t


def set_requires_grad(t, flag):
    requires_grad_(t, flag)


def backward(t, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    from ..autograd import backward as run
    run(t, gradient, retain_graph, create_graph, inputs)


def retain_grad(t):
    if t.grad_fn is None:
        return
    t._retains_grad = True
    t.grad_fn.metadata.setdefault("retained", []).append(weakref.ref(t))


__all__ = ["requires_grad_", "backward", "retain_grad", "scalar_type_name"]
