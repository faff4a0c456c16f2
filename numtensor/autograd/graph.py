"""Graph nodes: what an op leaves behind so that backward can run later.

A Node is one recorded op.  It is created by derivatives.attach() from the op's entry
in the gradient registry, and it is also the `ctx` that entry's vjp receives: saved
tensors and parameters read back as attributes (ctx.self, ctx.result, ctx.dim), and
ctx.needs_input_grad tells which inputs want a gradient.  The engine undoes
broadcasting and dtype promotion on the way back (ops.sum_to_shape), so a vjp may
return broadcast-shaped gradients.
"""
import os

from .grad_mode import _anomaly, is_grad_enabled

FREED_ERROR = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward.")

# nodes that torch implements in C++ outside its generated table report a qualified name()
_QUALIFIED_NAMES = {"CopySlices": "torch::autograd::CopySlices",
                    "CopyBackwards": "torch::autograd::CopyBackwards",
                    "NotImplemented": "torch::autograd::NotImplemented"}


class Node:
    """One recorded op.  Its edges lead to the nodes that produced its inputs.

    Nodes are made from a subclass per name and derivative (derivatives.node_class),
    which holds the two as the class attributes _name and _derivative (its vjp maps
    output grads to input grads): two stores fewer per node recorded."""
    __slots__ = ("_edges", "_input_meta", "_saved", "_params", "_n_outputs", "_metadata",
                 "needs_input_grad", "_freed", "__weakref__")

    def __init__(self, edges, input_meta, n_outputs, needs_input_grad):
        self._edges = edges              # per input: (node, output_nr) or None
        self._input_meta = input_meta    # per input: (shape, dtype) or None
        self._saved = ()                 # (value, version, grad_fn when saved) triples
        self._params = None              # plain parameters the vjp reads by name
        self._n_outputs = n_outputs
        self._metadata = None
        self.needs_input_grad = needs_input_grad
        self._freed = False

    # ---- what the forward records ----------------------------------------------------
    def save(self, values):
        """Keep values for backward; a tensor's version is noted to catch later in-place
        changes (as PyTorch's saved variables do)."""
        saved = []
        for v in values:
            saved.append((v, v._storage._version, v.grad_fn) if hasattr(v, "_storage")
                         else (v, None, None))
        self._saved = tuple(saved)

    def keep_versioned(self, tensors):
        """Also version-check tensors the vjp reads through its parameters (the index
        tensors of x[idx]): written in place before backward, they raise as saved ones."""
        self._saved = self._saved + tuple((t, t._storage._version, t.grad_fn) for t in tensors)

    def set_outputs(self, outs, single):
        # called once per node created (attach, Function.apply): anomaly mode's one read
        if _anomaly.enabled:
            self.metadata["traceback_"] = forward_trace()
        if single:  # the common case, without the loop
            o = outs[0]
            if o is not None and o._storage.dtype.category >= 2:
                o.grad_fn = self
                o._requires_grad = True
                o._output_nr = 0
                o._history_version = o._storage._version
            return
        for i, o in enumerate(outs):
            if o is None or o._storage.dtype.category < 2:  # bool and integer outputs: no gradient
                continue
            o.grad_fn = self
            o._requires_grad = True
            o._output_nr = i
            o._history_version = o._storage._version
        if not single:  # the engine feeds zeros to outputs that received no gradient
            self.metadata["output_meta"] = [
                (o._shape, o.dtype, o.device) if o is not None and o.grad_fn is self else None
                for o in outs]

    # ---- ctx: what the vjp reads ------------------------------------------------------
    def __getattr__(self, name):
        # only reached when normal attribute lookup fails: saved values, then parameters.
        # The node classes of the gradient registry (one per name and derivative) read
        # them through properties instead (param_property), installed here on first use:
        # a failed lookup raises an AttributeError inside Python before this runs, and
        # cost 0.44 us per ctx read, against 0.05 us for a property
        pos = self._derivative.saved_pos.get(name)
        if pos is not None:
            if self._freed:
                raise RuntimeError(FREED_ERROR)
            return self._saved[pos][0]
        params = self._params
        if params is not None and name in params:
            cls = type(self)
            if cls.__dict__.get("_derivative") is self._derivative:
                setattr(cls, name, param_property(name))
            return params[name]
        raise AttributeError(f"'{self._name}' object has no attribute '{name}'")

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(FREED_ERROR)
        return tuple(v for v, _, _ in self._saved)

    def __call__(self, *grads):
        if self._freed:
            raise RuntimeError(FREED_ERROR)
        return self._derivative.vjp(self, *grads)

    # ---- PyTorch's public Node surface ---------------------------------------------------
    def name(self):
        return _QUALIFIED_NAMES.get(self._name, self._name)

    @property
    def metadata(self):
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    @property
    def next_functions(self):
        return tuple(e if e is not None else (None, 0) for e in self._edges)

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) runs after this node's backward; it may return
        replacement grad_inputs."""
        return _add_hook(self.metadata.setdefault("post_hooks", []), fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) runs before this node's backward; it may return replacements."""
        return _add_hook(self.metadata.setdefault("pre_hooks", []), fn)

    def __repr__(self):
        return f"<{self._name} object at {hex(id(self))}>"


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def forward_trace():
    """traceback.format_stack() of the forward call creating a node (anomaly mode), less
    the innermost frames inside numtensor: PyTorch's built-in ops are C++ and leave no
    frames of their own either."""
    import traceback
    frames = traceback.extract_stack()
    while frames and frames[-1].filename.startswith(_PACKAGE_DIR):
        frames.pop()
    return traceback.format_list(frames)


def saved_property(pos):
    """ctx.<name> of a saved value: the value at position pos of the node's saves."""
    def saved_value(node):
        if node._freed:
            raise RuntimeError(FREED_ERROR)
        return node._saved[pos][0]
    return property(saved_value)


def param_property(name):
    """ctx.<name> of a plain parameter the forward passed to attach()."""
    def param(node):
        params = node._params
        if params is not None and name in params:
            return params[name]
        raise AttributeError(f"'{node._name}' object has no attribute '{name}'")
    return property(param)


class AccumulateGrad:
    """The sink of a leaf tensor: gradients reaching it are added to leaf.grad."""
    __slots__ = ("variable", "_metadata", "__weakref__")
    _edges = ()
    _n_outputs = 1

    def __init__(self, variable):
        self.variable = variable
        self._metadata = None

    def name(self):
        return "torch::autograd::AccumulateGrad"

    @property
    def metadata(self):
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    @property
    def next_functions(self):
        return ()

    def register_hook(self, fn):
        return _add_hook(self.metadata.setdefault("post_hooks", []), fn)

    def register_prehook(self, fn):
        return _add_hook(self.metadata.setdefault("pre_hooks", []), fn)

    def __repr__(self):
        return f"<AccumulateGrad object at {hex(id(self))}>"


class RemovableHandle:
    """What register_hook returns: handle.remove() takes the hook out again."""
    __slots__ = ("_hooks", "_fn")

    def __init__(self, hooks, fn):
        self._hooks, self._fn = hooks, fn

    def remove(self):
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_post_accumulate_grad_hook(t, hook):
    """Tensor.register_post_accumulate_grad_hook: hook(t) runs in backward after the
    gradients reaching the leaf t have been accumulated into t.grad (it must return
    None).  Returns a handle whose remove() takes the hook out."""
    if not t.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if t.grad_fn is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    node, _ = edge_for(t)
    return _add_hook(node.metadata.setdefault("post_accumulate_hooks", []), hook)


def _add_hook(hooks, fn):
    hooks.append(fn)
    return RemovableHandle(hooks, fn)


def edge_for(t):
    """Where a gradient for tensor t goes: its grad_fn, or its leaf's AccumulateGrad."""
    if t._base is not None and t._history_version != t._storage._version:
        from .history import refresh_view_history
        refresh_view_history(t)
    if t.grad_fn is not None:
        return (t.grad_fn, t._output_nr)
    d = t.__dict__
    acc = d.get("_accumulator")
    if acc is None:
        acc = d["_accumulator"] = AccumulateGrad(t)
    return (acc, 0)


_edge_for = edge_for


def needs_grad(*inputs):
    if not is_grad_enabled():
        return False
    for t in inputs:
        if getattr(t, "_requires_grad", False):
            return True
    return False

