"""Custom differentiable functions (torch.autograd.Function) and tensor hooks.

    class MyReLU(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            x, = ctx.saved_tensors
            return grad_output * (x > 0)

    y = MyReLU.apply(x)

apply() runs forward without recording, then records one node named after the class
(`MyReLUBackward`) whose backward calls the user's backward.  Each subclass is a
derivative of the gradient registry like any built-in op; the context keeps what
forward saved, version-checked like every saved tensor.
"""
from .derivatives import Derivative
from .grad_mode import is_grad_enabled, no_grad
from .graph import FREED_ERROR, RemovableHandle, edge_for


class FunctionCtx:
    """The `ctx` of a custom Function: what forward leaves for backward."""

    def __init__(self):
        self.to_save = ()
        self.needs_input_grad = ()
        self.non_differentiable = set()
        self.dirty = set()
        self.materialize_grads = True
        self._node = None

    def save_for_backward(self, *tensors):
        self.to_save = tensors

    def save_for_forward(self, *tensors):
        self.to_save = tensors

    @property
    def saved_tensors(self):
        node = self._node
        if node is None:  # read inside forward, before the node exists
            return tuple(self.to_save)
        if node._freed:
            raise RuntimeError(FREED_ERROR)
        from .engine import _check_saved
        _check_saved(node)
        return tuple(v for v, _, _ in node._saved)

    def mark_non_differentiable(self, *tensors):
        self.non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        self.dirty.update(id(t) for t in tensors)

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)


def _run_user_backward(node, *grads):
    ctx = node._params["ctx"]
    cls = node._params["cls"]
    result = cls.backward(ctx, *grads)
    if not isinstance(result, tuple):
        result = (result,)
    n = len(node._edges)
    if len(result) < n:
        raise RuntimeError(f"function {cls.__name__}Backward returned an incorrect number of "
                           f"gradients (expected {n}, got {len(result)})")
    return tuple(result[:n]) if len(result) > n and all(g is None for g in result[n:]) else result


def _materializes(node):
    return node._params["ctx"].materialize_grads


class FunctionMeta(type):
    """Gives every Function subclass its own derivative (its node name, its backward)."""

    def __init__(cls, name, bases, namespace):
        super().__init__(name, bases, namespace)
        cls._derivative = Derivative(f"{name}Backward", _run_user_backward, (), (),
                                     materialize=_materializes)


class Function(metaclass=FunctionMeta):
    """Subclass with static forward(ctx, *args) and backward(ctx, *grad_outputs); call
    apply(*args)."""

    def __init__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is "
                           "deprecated. Please use new-style autograd function with static "
                           "forward method.")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor, make_tensor
        from .derivatives import node_class
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with no_grad():
            outputs = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        if not (is_grad_enabled() and any(ctx.needs_input_grad)):
            return outputs
        inputs = [a if isinstance(a, Tensor) else None for a in args]
        # an input returned as is gets a fresh tensor object (its history must not change)
        input_ids = {id(a) for a in inputs if a is not None}
        fixed = []
        for o in outs:
            if isinstance(o, Tensor) and id(o) in input_ids and id(o) not in ctx.dirty:
                o = make_tensor(o._storage, o._offset, o._shape, o._strides)
            fixed.append(o)
        outs = tuple(fixed)
        edges, meta = [], []
        for t in inputs:
            if t is not None and t._requires_grad:
                edges.append(edge_for(t))
                meta.append((t._shape, t._storage.dtype))
            else:
                edges.append(None)
                meta.append(None)
        name = cls._derivative.name
        node = node_class(name, cls._derivative)(tuple(edges), tuple(meta), len(outs),
                                                 ctx.needs_input_grad)
        differentiable = [o if isinstance(o, Tensor) and id(o) not in ctx.non_differentiable
                          else None for o in outs]
        node.set_outputs(differentiable, single)
        node.save([t for t in ctx.to_save])
        node._params = {"ctx": ctx, "cls": cls}
        ctx._node = node
        return outs[0] if single else outs


class InplaceFunction(Function):
    pass


class NestedIOFunction(Function):
    pass


def register_hook(t, hook):
    """Tensor.register_hook: hook(grad) runs when the gradient of t is computed and may
    return a replacement; for a leaf it runs before the gradient is accumulated."""
    if not t.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    node, nr = edge_for(t)
    hooks = node.metadata.setdefault("tensor_hooks", {}).setdefault(nr, [])
    hooks.append(hook)
    return RemovableHandle(hooks, hook)
