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
forward saved, version-checked like every saved tensor.  As in PyTorch, forward may
instead take no ctx, with a static setup_context(ctx, inputs, output) filling the
context; and the gradients backward returns are checked as PyTorch checks them (one
per input, None for a non-tensor input, of a shape that sums back to the input's).
"""
import functools
import inspect
import warnings
import weakref

from .derivatives import Derivative
from .grad_mode import is_grad_enabled, no_grad
from .graph import FREED_ERROR, Node, RemovableHandle, edge_for


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


# ---- backward: the user's function, its gradients checked as PyTorch's PyNode does ------
_DTYPE_ERROR = ("Expected isFloatingType(grad.scalar_type()) || (input_is_complex == "
                "grad_is_complex) to be true, but got false.  (Could this error message be "
                "improved?  If so, please report an enhancement request to PyTorch.)")


def _run_user_backward(node, *grads):
    params = node._params
    result = _user_backward(params["cls"])(params["ctx"], *grads)
    return _checked_grads(node, result, params["tensor_inputs"])


def _user_backward(cls):
    """backward, or vjp where the subclass defines that one instead (never both)."""
    backward, vjp = cls.backward, cls.vjp
    if vjp is Function.vjp:
        return backward
    if backward is not Function.backward:
        raise RuntimeError("Implementing both 'backward' and 'vjp' for a custom Function is "
                           "not allowed. You should only implement one of them.")
    return vjp


def _checked_grads(node, grads, tensor_inputs):
    """One gradient (or None) per forward input; extra trailing Nones are dropped.  The
    engine sums a broadcast-shaped gradient to its input's shape and casts its dtype."""
    if not isinstance(grads, tuple):
        grads = (grads,)
    n = len(tensor_inputs)
    if len(grads) > n and all(g is None for g in grads[n:]):
        grads = grads[:n]
    if len(grads) != n:
        raise RuntimeError(f"function {node._name} returned an incorrect number of gradients "
                           f"(expected {n}, got {len(grads)})")
    for i, (g, is_tensor) in enumerate(zip(grads, tensor_inputs)):
        if g is None:
            continue
        if not is_tensor:
            raise RuntimeError(f"function {node._name} returned a gradient different than None "
                               f"at position {i + 1}, but the corresponding forward input was "
                               "not a Variable")
        if not hasattr(g, "_storage"):
            raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
    _check_fits(node, grads, tensor_inputs)
    return grads


def _check_fits(node, grads, tensor_inputs):
    """Each gradient must broadcast to its input (PyTorch's validate_outputs); its index
    counts tensor inputs only, as PyTorch's node has no slot for the others."""
    index = -1
    for g, meta, is_tensor in zip(grads, node._input_meta, tensor_inputs):
        index += is_tensor
        if g is None or meta is None:  # meta None: the input wants no gradient
            continue
        shape, dtype = meta
        if g._shape != shape and not _expandable(tuple(shape), tuple(g._shape)):
            raise RuntimeError(f"Function {node._name} returned an invalid gradient at index "
                               f"{index} - got {list(g._shape)} but expected shape compatible "
                               f"with {list(shape)}")
        got = g._storage.dtype
        if got is not dtype and not got.is_floating_point and got.is_complex != dtype.is_complex:
            raise RuntimeError(_DTYPE_ERROR)


def _expandable(shape, to):
    """PyTorch's is_expandable_to: shape broadcasts to `to`."""
    lead = len(to) - len(shape)
    return lead >= 0 and all(s == t or s == 1 for s, t in zip(shape, to[lead:]))


def _materializes(node):
    return node._params["ctx"].materialize_grads


class BackwardCFunction(Node):
    """Base of the node classes of custom Functions (PyTorch's name for it): one subclass
    per Function, named <Function>Backward.  PyTorch creates those classes in
    torch.autograd.function, and their default repr shows that module."""
    __slots__ = ()
    __module__ = "torch.autograd.function"

    def __repr__(self):
        return f"<{self.__module__}.{self._name} object at {hex(id(self))}>"


class FunctionMeta(type):
    """Gives every Function subclass its own derivative (its node name, its backward) and
    node class."""

    def __init__(cls, name, bases, namespace):
        super().__init__(name, bases, namespace)
        d = cls._derivative = Derivative(f"{name}Backward", _run_user_backward, (), (),
                                         materialize=_materializes, complex_aware=True)
        cls._backward_cls = d.node_classes[d.name] = type(
            d.name, (BackwardCFunction,), {"__slots__": (), "_name": d.name, "_derivative": d,
                                           "__module__": BackwardCFunction.__module__})


# ---- forward ------------------------------------------------------------------------------
_SIGNATURES = weakref.WeakKeyDictionary()  # forward function -> its inspect.Signature


def _bind(forward, args, kwargs, separate):
    """args and kwargs as PyTorch's apply passes them on: arguments given by keyword go to
    their positional slots; with setup_context (separate), defaults are filled in too, as
    setup_context's `inputs` holds every argument."""
    sig = _SIGNATURES.get(forward)
    if sig is None:
        sig = _SIGNATURES[forward] = inspect.signature(forward)
    if separate:
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        return bound.args, bound.kwargs
    bound = sig.bind(None, *args, **kwargs)  # None: the ctx slot
    return bound.args[1:], bound.kwargs


class Function(metaclass=FunctionMeta):
    """Subclass with static forward(ctx, *args) and backward(ctx, *grad_outputs), or
    forward(*args) plus setup_context(ctx, inputs, output); call apply(*args)."""

    def __init__(self, *args, **kwargs):
        warnings.warn(
            f"{self.__class__} should not be instantiated. Methods on autograd functions "
            "are all static, so you should invoke them on the class itself. "
            "Instantiating an autograd function will raise an "
            "error in a future version of PyTorch.",
            DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. "
            "Please use new-style autograd function with static forward method. "
            "(Example: https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor
        separate = cls.setup_context is not Function.setup_context
        if separate or kwargs:
            args, kwargs = _bind(cls.forward, args, kwargs, separate)
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with no_grad():  # setup_context too sees the outputs before they get a history
            if separate:
                outputs = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, outputs)
            else:
                outputs = cls.forward(ctx, *args, **kwargs)
        if not (is_grad_enabled() and any(ctx.needs_input_grad)):
            return outputs
        return _record(cls, ctx, args, outputs)


def _record(cls, ctx, args, outputs):
    """The node of one apply() whose inputs want a gradient, set on its outputs."""
    from .._tensor import Tensor, make_tensor
    single = not isinstance(outputs, tuple)
    outs = (outputs,) if single else outputs
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
    node = cls._backward_cls(tuple(edges), tuple(meta), len(outs), ctx.needs_input_grad)
    differentiable = [o if isinstance(o, Tensor) and id(o) not in ctx.non_differentiable
                      else None for o in outs]
    node.set_outputs(differentiable, single)
    if not single:  # non-differentiable tensor outputs get zeros in backward too
        node.metadata["output_meta"] = [(o._shape, o.dtype, o.device) if isinstance(o, Tensor)
                                        else None for o in outs]
    node.save([t for t in ctx.to_save])
    node._params = {"ctx": ctx, "cls": cls,
                    "tensor_inputs": tuple(t is not None for t in inputs)}
    ctx._node = node
    return outs[0] if single else outs


class InplaceFunction(Function):
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace


class NestedIOFunction(Function):
    pass


# ---- once_differentiable ------------------------------------------------------------------
_TWICE = ("trying to differentiate twice a function that was marked with "
          "@once_differentiable")


def _raise_twice(node, *grads):
    raise RuntimeError(_TWICE)


class _ErrorNode(Node):
    """PyTorch's Error node: what a once_differentiable backward's gradients lead to under
    create_graph; backward reaching it raises."""
    __slots__ = ()
    _name = "Error"
    _derivative = Derivative("Error", _raise_twice, (), ())

    def name(self):
        return "torch::autograd::Error"


def once_differentiable(fn):
    """Decorator of a backward that cannot itself be differentiated: it runs under no_grad,
    and when a graph of the backward is being recorded (create_graph) while some incoming
    gradient requires grad, its gradients come back as aliases whose grad_fn raises, so
    that a second differentiation fails instead of silently giving zeros."""
    @functools.wraps(fn)
    def wrapper(ctx, *args, **kwargs):
        with no_grad():
            outputs = fn(ctx, *args, **kwargs)
        if not is_grad_enabled():
            return outputs
        if not any(getattr(a, "requires_grad", False) is True for a in args):
            return outputs
        outs = _delayed_error(outputs if isinstance(outputs, tuple) else (outputs,))
        return outs[0] if len(outs) == 1 else outs
    return wrapper


def _delayed_error(outputs):
    """Aliases of outputs recorded as the outputs of an Error node, whose edges lead to
    leaf aliases of them (PyTorch's DelayedError)."""
    leaves = [o.detach().requires_grad_() if o is not None else None for o in outputs]
    node = _ErrorNode(tuple(edge_for(t) if t is not None else None for t in leaves),
                      tuple((t._shape, t._storage.dtype) if t is not None else None
                            for t in leaves),
                      len(leaves), tuple(t is not None for t in leaves))
    outs = [t.detach() if t is not None else None for t in leaves]
    node.set_outputs(outs, False)
    return tuple(outs)


def register_hook(t, hook):
    """Tensor.register_hook: hook(grad) runs when the gradient of t is computed and may
    return a replacement; for a leaf it runs before the gradient is accumulated."""
    if not t.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    node, nr = edge_for(t)
    hooks = node.metadata.setdefault("tensor_hooks", {}).setdefault(nr, [])
    hooks.append(hook)
    return RemovableHandle(hooks, hook)
