"""Graph nodes: what an op records so that backward can run later.

record() is the one entry point ops use: given the outputs, the inputs and a backward
function (grad outputs -> grad inputs, written with tensor ops so it runs on any
device), it creates a Node named like PyTorch's (MulBackward0 ...) when grad mode is on
and some input requires grad.  The engine undoes broadcasting and dtype promotion on
the way back (ops.sum_to_shape), so backward functions may return broadcast-shaped grads.
"""
from .grad_mode import is_grad_enabled

# nodes that torch implements in C++ outside its generated table report a qualified name()
_QUALIFIED_NAMES = {"CopySlices": "torch::autograd::CopySlices",
                    "CopyBackwards": "torch::autograd::CopyBackwards"}


class Node:
    """One recorded op.  Its edges lead to the nodes that produced its inputs."""
    __slots__ = ("_name", "_backward", "_edges", "_input_meta", "_saved", "_n_outputs",
                 "_metadata", "__weakref__")

    def __init__(self, name, backward, edges, input_meta, saved, n_outputs):
        self._name = name
        self._backward = backward        # grads of outputs -> grads of inputs; None once freed
        self._edges = edges              # per input: (node, output_nr) or None
        self._input_meta = input_meta    # per input: (shape, dtype) or None
        self._saved = saved              # (tensor, version, grad_fn when saved) triples
        self._n_outputs = n_outputs
        self._metadata = None

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

    def __repr__(self):
        return f"<{self._name} object at {hex(id(self))}>"

    def __call__(self, *grads):
        if self._backward is None:
            from .engine import FREED_ERROR
            raise RuntimeError(FREED_ERROR)
        return self._backward(*grads)


class AccumulateGrad:
    """The sink of a leaf tensor: gradients reaching it are added to leaf.grad."""
    __slots__ = ("variable", "__weakref__")
    _edges = ()
    _n_outputs = 1
    _metadata = None

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "torch::autograd::AccumulateGrad"

    @property
    def next_functions(self):
        return ()

    def __repr__(self):
        return f"<AccumulateGrad object at {hex(id(self))}>"


def _edge_for(t):
    """Where a gradient for tensor t goes: its grad_fn, or its leaf's AccumulateGrad."""
    if t._base is not None and t._history_version != t._storage._version:
        from ..ops.inplace import refresh_view_history
        refresh_view_history(t)
    if t.grad_fn is not None:
        return (t.grad_fn, t._output_nr)
    d = t.__dict__
    acc = d.get("_accumulator")
    if acc is None:
        acc = d["_accumulator"] = AccumulateGrad(t)
    return (acc, 0)


def needs_grad(*inputs):
    if not is_grad_enabled():
        return False
    for t in inputs:
        if getattr(t, "_requires_grad", False):
            return True
    return False


def record(name, outputs, inputs, backward, saved=()):
    """Attach a Node to outputs when any tensor input requires grad (and grad mode is on).

    inputs: tensors (or None for a non-tensor argument).
    backward(*grad_outputs) -> tuple with one grad (or None) per entry of inputs.
    saved: tensors backward reads; modifying one in place before backward is an error.
    """
    if not is_grad_enabled():
        return outputs
    edges = []
    meta = []
    any_grad = False
    for t in inputs:
        if t is not None and t._requires_grad:
            any_grad = True
            edges.append(_edge_for(t))
            meta.append((t._shape, t._storage.dtype))
        else:
            edges.append(None)
            meta.append(None)
    if not any_grad:
        return outputs
    single = not isinstance(outputs, (tuple, list))
    outs = (outputs,) if single else outputs
    node = Node(name, backward, edges, meta, (), len(outs))
    for i, o in enumerate(outs):
        if o is None or o._storage.dtype.category < 2:  # bool and integer outputs: no gradient
            continue
        o.grad_fn = node
        o._requires_grad = True
        o._output_nr = i
        o._history_version = o._storage._version
    if not single:  # the engine feeds zeros to outputs that received no gradient
        node.metadata["output_meta"] = [
            (o._shape, o.dtype, o.device) if o is not None and o.grad_fn is node else None
            for o in outs]
    if saved:
        node._saved = tuple((s, s._version, s.grad_fn) for s in saved if s is not None)
    return outputs
