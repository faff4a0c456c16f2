"""Variable: the pre-0.4 wrapper that old tutorials still import.

Since PyTorch 0.4 a Variable is a Tensor: Variable(t, requires_grad=True) returns a
tensor sharing t's data that requires grad, and isinstance(x, Variable) holds for
every tensor.
"""
import warnings


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        from .._tensor import Tensor
        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    """Variable(data, requires_grad=False, volatile=False) -> data as a Tensor."""

    def __new__(cls, data=None, requires_grad=False, volatile=False):
        from .. import _dtype
        from .._alloc import empty
        from .._tensor import Tensor
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` "
                          "instead.", UserWarning, stacklevel=2)
        if data is None:
            return empty((0,), _dtype.get_default_dtype())
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        out = data.detach()
        if requires_grad:
            out.requires_grad_(True)
        return out


# ---- Tensor.grad: what PyTorch says when it is read or set --------------------------------
def warn_non_leaf_grad():
    """A non-leaf tensor's .grad read while it holds nothing (it is never filled without
    retain_grad()): PyTorch's warning on every such read."""
    warnings.warn(
        "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
        "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
        "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
        "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
        "instead. See github.com/pytorch/pytorch/pull/30531 for more information.",
        UserWarning, stacklevel=3)


def check_assigned_grad(t, grad):
    """PyTorch's checks on `t.grad = grad`: a tensor of t's shape, dtype and device."""
    from .._tensor import Tensor
    from ..ops._common import scalar_type_name
    from ..ops.out_args import CPP_TYPE_NAME
    if not isinstance(grad, Tensor):
        raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                        f"{type(grad).__name__}")
    if grad is t:
        raise RuntimeError("can't assign Variable as its own grad")
    if grad.dtype is not t.dtype:
        raise RuntimeError(
            f"attempting to assign a gradient with dtype '{CPP_TYPE_NAME[grad.dtype.name]}' to "
            f"a tensor with grad_dtype '{scalar_type_name(t.dtype)}'. The gradient must match "
            f"the tensor's grad_dtype (defaults to the tensor's dtype). You can set the "
            f"tensor's grad_dtype attribute with a specific dtype, or None to allow any dtype. "
            f"Set grad_dtype with caution. Diverging the dtypes of a tensor and its gradient "
            f"may break downstream systems that assume they match.")
    if grad.device != t.device:
        raise RuntimeError("assigned grad has data located on a different device")
    if grad._shape != t._shape:
        raise RuntimeError(
            f"attempting to assign a gradient of size '{list(grad._shape)}' to a tensor of "
            f"size '{list(t._shape)}'. Please ensure that the gradient and the tensor are the "
            f"same size")
