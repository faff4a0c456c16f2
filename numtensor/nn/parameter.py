"""Parameter: a tensor that a Module registers as one of its learnable weights.

A Parameter views its data's memory (no copy) and requires grad by default.  Ops on a
Parameter return plain Tensors, as in PyTorch; copy.deepcopy and pickling keep the class.

UninitializedParameter is the placeholder of the Lazy modules: an empty Parameter whose
shape is unknown until the first forward call, when materialize() gives it memory and
turns the same object into a Parameter (so optimizers built before that still hold it).
"""
from .._tensor import Tensor, make_tensor
from .._type_names import python_type_name


def _wrap(cls, data, requires_grad):
    if data is None:
        from .._creation import empty
        data = empty(0)
    if not isinstance(data, Tensor):
        raise TypeError(f"Parameter(): argument 'data' must be Tensor, not {python_type_name(data)}")
    if requires_grad and not (data.dtype.is_floating_point or data.dtype.is_complex):
        raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                           "gradients")
    p = make_tensor(data._storage, data._offset, data._shape, data._strides, cls=cls)
    p.requires_grad = requires_grad
    return p


class Parameter(Tensor):
    """Parameter(data=None, requires_grad=True)."""

    # type(p) prints <class 'torch.nn.parameter.Parameter'> as in PyTorch (d2l prints it);
    # pickling goes through __reduce_ex__ (_rebuild_parameter), not this path
    __module__ = "torch.nn.parameter"

    def __new__(cls, data=None, requires_grad=True):
        return _wrap(cls, data, requires_grad)

    def __init__(self, data=None, requires_grad=True):
        pass  # __new__ did everything

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        from ..ops.copy import clone
        with _no_grad():
            copied = type(self)(clone(self.detach()), self.requires_grad)
        memo[id(self)] = copied
        return copied

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (self.detach().cpu().numpy().copy(), self.requires_grad,
                                     str(self.device)))


def _rebuild_parameter(array, requires_grad, device):
    from .._creation import from_numpy
    data = from_numpy(array)
    if device != "cpu":
        data = data.to(device)
    return Parameter(data, requires_grad)


def _no_grad():
    from ..autograd.grad_mode import no_grad
    return no_grad()


class UninitializedParameter(Parameter):
    """A Parameter without a shape yet: UninitializedParameter(requires_grad=True,
    device=None, dtype=None).  Its .data is an empty tensor until materialize()."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        from .._creation import empty
        return _wrap(cls, empty(0, device=device, dtype=dtype), requires_grad)

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    def __repr__(self):
        return "<UninitializedParameter>"

    __str__ = __repr__

    def materialize(self, shape, device=None, dtype=None):
        """Give this parameter memory of the given shape, in place: the object keeps its
        identity (and its place in optimizers) and becomes a Parameter."""
        from .._creation import empty
        data = empty(tuple(shape), device=device if device is not None else self.device,
                     dtype=dtype if dtype is not None else self.dtype)
        self._storage, self._offset = data._storage, data._offset
        self._shape, self._strides = data._shape, data._strides
        self.__class__ = self.cls_to_become

    def __deepcopy__(self, memo):
        copied = type(self)(self.requires_grad, self.device, self.dtype)
        memo[id(self)] = copied
        return copied

    def __reduce_ex__(self, proto):
        return (UninitializedParameter, (self.requires_grad, None, self.dtype))


class UninitializedBuffer(Tensor):
    """A buffer without a shape yet (the running statistics of the lazy norm layers)."""

    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None):
        from .._creation import empty
        data = empty(0, device=device, dtype=dtype)
        return make_tensor(data._storage, data._offset, data._shape, data._strides, cls=cls)

    def __init__(self, requires_grad=False, device=None, dtype=None):
        pass

    def __repr__(self):
        return "<UninitializedBuffer>"

    __str__ = __repr__

    materialize = UninitializedParameter.materialize


def is_lazy(t):
    """True for the placeholders of lazy modules (not yet materialized)."""
    return isinstance(t, (UninitializedParameter, UninitializedBuffer))
