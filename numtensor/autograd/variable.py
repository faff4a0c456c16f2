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
