"""Graph nodes: what an op records so that backward can run later.

record() is the one entry point ops use: given the outputs, the inputs and a backward
function (grad outputs -> grad inputs, written with tensor ops so it runs on any
device), it creates a Node named like PyTorch's (MulBackward0 ...) when grad mode is on
and some input requires grad.  The engine undoes broadcasting and dtype promotion on
the way back (sum_to_shape), so backward functions may return broadcast-shaped grads.
"""
from .grad_mode import is_grad_enabled


class Node:
    __slots__ = ("_name", "_backward", "_edges", "_input_meta", "_saved", "_n_outputs",
                 "__weakref__", "metadata")

    def __init__(self, name, backward, edges, input_meta, saved, n_outputs):
        self._name = name
        self._backward = backward
        self._edges = edges              # per input: (node, output_nr) or None
        self._input_meta = input_meta    # per input: (shape, dtype) or None
        self._saved = saved              # (tensor, version at save time) pairs
        self._n_outputs = n_outputs
        self.metadata = {}

    def name(self):
        return self._name

    @property
    def next_functions(self):
        return tuple((e[0], e[1]) if e is not None else (None, 0) for e in self._edges)

    def __repr__(self):
        return f"<{self._name} object at {hex(id(self))}>"

    def __call__(self, *grads):
        return self._backward(*grads)


class AccumulateGrad:
    """The sink of a leaf tensor: gradients reaching it are added to leaf.grad."""
    __slots__ = ("variable", "__weakref__")
    _edges = ()
    _n_outputs = 1

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
    if t.grad_fn is not None:
        return (t.grad_fn, t._output_nr)
    acc = t.__dict__.get("_accumulator")
    if acc is None:
        acc = AccumulateGrad(t)
        t.__dict__["_accumulator"] = acc
    return (acc, 0)


def needs_grad(*inputs):
    if not is_grad_enabled():
        return False
    for t in inputs:
        if getattr(t, "requires_grad", False):
            return True
    return False


def record(name, outputs, inputs, backward, saved=()):
    """Attach a Node to outputs when any tensor input requires grad (and grad mode is on).

    backward(*grad_outputs) -> tuple with one grad (or None) per entry of inputs.
    saved: tensors backward reads; modifying one in place before backward is an error.
    """
    if not needs_grad(*inputs):
        return outputs
    edges, meta = [], []
    for t in inputs:
        if getattr(t, "requires_grad", False):
            edges.append(_edge_for(t))
            meta.append((t._shape, t.dtype))
        else:
            edges.append(None)
            meta.append(None)
    single = not isinstance(outputs, (tuple, list))
    outs = (outputs,) if single else outputs
    node = Node(name, backward, edges, meta,
                tuple((s, s._version) for s in saved if s is not None), len(outs))
    for i, o in enumerate(outs):
        if o is None or not (o.dtype.is_floating_point or o.dtype.is_complex):
            continue
        o.grad_fn = node
        o.requires_grad = True
        o._output_nr = i
    return outputs
