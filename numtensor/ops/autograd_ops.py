"""Tensor-level autograd entry points: requires_grad_, backward, retain_grad."""
import weakref

from .. import autograd as _autograd
from ._common import scalar_type_name

NON_LEAF_FLAG_ERROR = (
    "you can only change requires_grad flags of leaf variables. If you want to use a computed "
    "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")


def _can_require_grad(t):
    return t.dtype.is_floating_point or t.dtype.is_complex


def set_requires_grad(t, flag, message="only Tensors of floating point and complex dtype can "
                                       "require gradients"):
    """The one place the flag changes; PyTorch words the dtype error per entry point."""
    flag = bool(flag)
    if flag and not _can_require_grad(t):
        raise RuntimeError(message)
    if not flag and t.grad_fn is not None:
        raise RuntimeError(NON_LEAF_FLAG_ERROR)
    t._requires_grad = flag


def requires_grad_(t, requires_grad=True):
    set_requires_grad(t, requires_grad, "only Tensors of floating point dtype can require gradients")
    return t


def requires_grad_on_creation(t):
    """The requires_grad= keyword of creation functions (torch.tensor, zeros, ...)."""
    set_requires_grad(t, True, "Only Tensors of floating point and complex dtype can require "
                               "gradients")
    return t


def backward(t, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    _autograd.backward(t, gradient, retain_graph, create_graph, inputs)


# PyTorch's backward is a Python method of Tensor, so a wrong keyword (d2l's slide writes
# y.backward(grad=...)) says "Tensor.backward() got an unexpected keyword argument"
backward.__qualname__ = "Tensor.backward"


def retain_grad(t):
    """Keep the gradient reaching this non-leaf tensor in .grad (leaves always do)."""
    if not t.requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    if t.grad_fn is None or t._retains_grad:
        return
    t._retains_grad = True
    t.grad_fn.metadata.setdefault("retained", []).append(weakref.ref(t))


def register_hook(t, hook):
    from ..autograd.function import register_hook as register
    return register(t, hook)


__all__ = ["requires_grad_", "backward", "retain_grad", "register_hook", "scalar_type_name"]
