"""The gradient registry: every differentiable op declares its backward here, in one style.

Next to its forward, an op declares (like a row of PyTorch's derivatives.yaml, or HIPS
autograd's defvjp):

    @derivative("MulBackward0", inputs=("self", "other"), saves=("self", "other"))
    def mul_backward(ctx, grad):
        return grad * ctx.other, grad * ctx.self

  * the node's name, as PyTorch names it (what `grad_fn` prints);
  * `inputs`: names for the op's differentiable arguments, in the order the forward
    passes them to attach();
  * `saves`: what backward reads: input names, "result" (or "result0", "result1", ...
    for several outputs) and extra names the forward passes to attach() by keyword.
    Saved tensors are version-checked: modifying one in place before backward raises
    PyTorch's error, and nothing else is kept alive by the graph.  When the gradient of
    each input reads different things, `saves` maps input name -> names, and only what
    the inputs that require grad read is saved (mul saves `other` for `self`'s gradient
    only when `self` requires grad), as PyTorch does;
  * the vector-Jacobian product: grads of the outputs in, one grad (or None) per input
    out, written with public tensor ops, so it runs on every device and can itself be
    differentiated (create_graph=True).

The forward then calls `attach(mul_backward, result, (a, b))`.  Plain parameters (a dim,
a shape, an alpha) go to attach() by keyword too and read back as ctx attributes.
`ctx.needs_input_grad[i]` says whether input i wants a gradient, so a backward can skip
work.  REGISTRY lists every derivative, for audits and for the gradcheck tests.
"""
from .._tensor import Tensor
from .grad_mode import _anomaly, _state as _grad_mode
from .graph import Node, edge_for, is_grad_enabled, saved_property

REGISTRY = []


def node_class(name, d):
    """The Node subclass of derivative d named like PyTorch's node class
    (type(y.grad_fn).__name__ is 'MulBackward0' there too); one per name and
    derivative, made on first use, with a property per saved name (and, added on first
    read, per plain parameter) for its vjp's ctx reads."""
    cls = d.node_classes.get(name)
    if cls is None:  # kept by d: a custom Function's classes go with it
        attrs = {"__slots__": (), "_name": name, "_derivative": d}
        for pos, saved in enumerate(d.saves):
            if not hasattr(Node, saved):
                attrs[saved] = saved_property(pos)
        cls = d.node_classes[name] = type(name, (Node,), attrs)
    return cls


class Derivative:
    """One op's backward: its node name, argument names, saved names and vjp."""
    __slots__ = ("name", "vjp", "inputs", "saves", "reads", "saved_pos", "materialize",
                 "plans", "node_classes", "complex_aware", "__weakref__")

    def __init__(self, name, vjp, inputs, saves, materialize=False, complex_aware=False):
        self.name = name
        # complex_aware: the vjp follows PyTorch's convention for complex gradients itself
        # (grad_in = grad * conj(f'(z)) for a holomorphic f).  The others are written as
        # grad * f'(z), which is right for real tensors; the engine conjugates around
        # them when a gradient is complex (see engine.complex_vjp)
        self.complex_aware = complex_aware
        # materialize(node) -> True: outputs without a gradient get zeros, not None
        self.materialize = materialize
        self.vjp = vjp
        self.inputs = tuple(inputs)
        if isinstance(saves, dict):  # per input: what its gradient reads
            self.reads = tuple(tuple(saves.get(n, ())) for n in self.inputs)
            names = []
            for group in self.reads:
                names += [n for n in group if n not in names]
            self.saves = tuple(names)
        else:
            self.saves = tuple(saves)
            self.reads = None
        self.saved_pos = {n: i for i, n in enumerate(self.saves)}
        self.plans = {}  # needs_input_grad -> save_plan
        self.node_classes = {}  # node name -> its Node subclass (node_class)

    def save_plan(self, needs):
        """Per saved name, (name, where attach finds its value): None when no gradient
        that will be computed reads it, i >= 0 for input i, -1 - j for output j, or
        _FROM_EXTRA for a value passed to attach() by keyword.  A keyword argument of
        the same name is taken first in every case."""
        plan = self.plans.get(needs)
        if plan is None:
            if self.reads is None:
                wanted = set(self.saves)
            else:
                wanted = {n for group, need in zip(self.reads, needs) if need for n in group}
            plan = []
            for name in self.saves:
                if name not in wanted:
                    source = None
                elif name == "result":
                    source = -1
                elif name.startswith("result") and name[6:].isdigit():
                    source = -1 - int(name[6:])
                elif name in self.inputs:
                    source = self.inputs.index(name)
                else:
                    source = _FROM_EXTRA
                plan.append((name, source))
            plan = self.plans[needs] = tuple(plan)
        return plan

    def __repr__(self):
        return f"<derivative {self.name} of {self.vjp.__module__}.{self.vjp.__name__}>"


def derivative(name, inputs=("self",), saves=(), complex_aware=False):
    """Decorator: register the decorated vjp(ctx, *grads) as a backward named `name`."""
    def register(vjp):
        d = Derivative(name, vjp, inputs, saves, complex_aware=complex_aware)
        REGISTRY.append(d)
        return d
    return register


def attach(d, outputs, inputs, node_name=None, **extra):
    """Record a node of derivative d on outputs when grad mode is on and some tensor in
    `inputs` (ordered as d.inputs; None or a number for a non-tensor argument) requires
    grad.  extra: tensors or values named in d.saves, and plain parameters for ctx.
    node_name: a different name for the node (one formula that PyTorch names by the op
    that used it, such as FillBackward2 and ZeroBackward0).  Returns outputs."""
    if len(inputs) == 2:  # binary ops, the common case: the tuples built directly
        a, b = inputs
        wants_a = getattr(a, "_requires_grad", False) is True
        wants_b = getattr(b, "_requires_grad", False) is True
        if not (wants_a or wants_b) or not _grad_mode.enabled:  # record nothing
            return outputs
        edges = (edge_for(a) if wants_a else None, edge_for(b) if wants_b else None)
        meta = ((a._shape, a._storage.dtype) if wants_a else None,
                (b._shape, b._storage.dtype) if wants_b else None)
        needs = (wants_a, wants_b)
    elif len(inputs) == 1:  # unary ops (exp, relu, sum, mean ...): likewise
        a = inputs[0]
        if getattr(a, "_requires_grad", False) is not True or not _grad_mode.enabled:
            return outputs
        edges = (edge_for(a),)
        meta = ((a._shape, a._storage.dtype),)
        needs = _NEEDS_ONE
    else:
        for t in inputs:  # the common case first: nothing requires grad, record nothing
            if getattr(t, "_requires_grad", False):
                break
        else:
            return outputs
        if not _grad_mode.enabled:  # is_grad_enabled(), without its call
            return outputs
        edges, meta, needs = [], [], []
        for t in inputs:  # some input requires grad: the loop above found one
            if getattr(t, "_requires_grad", False):
                edges.append(edge_for(t))
                meta.append((t._shape, t._storage.dtype))
                needs.append(True)
            else:
                edges.append(None)
                meta.append(None)
                needs.append(False)
        edges, meta, needs = tuple(edges), tuple(meta), tuple(needs)
    single = type(outputs) is not tuple and type(outputs) is not list
    outs = (outputs,) if single else outputs
    name = node_name or d.name
    node = (d.node_classes.get(name) or node_class(name, d))(
        edges, meta, 1 if single else len(outs), needs)
    # first: a saved result remembers its grad_fn
    if single and not _anomaly.enabled and outputs._storage.dtype.category >= 2:
        outputs.grad_fn = node  # set_outputs' common case, less a call
        outputs._requires_grad = True
        outputs._output_nr = 0
        outputs._history_version = outputs._storage._version
    else:
        node.set_outputs(outs, single)
    if not d.saves:  # (add, sub, neg...): at most plain parameters, nothing to save
        if extra:
            node._params = extra
        return outputs
    saved = []  # (value, its version, its grad_fn) triples, as Node.save keeps them
    for name, source in d.plans.get(needs) or d.save_plan(needs):
        if extra and name in extra:
            value = extra.pop(name)
            if source is None:
                saved.append(_UNSAVED)
                continue
        elif source is None:  # not read by any gradient that will be computed
            saved.append(_UNSAVED)
            continue
        elif source is _FROM_EXTRA:
            raise TypeError(f"attach(): {d.name} saves '{name}', which was not passed")
        else:
            value = inputs[source] if source >= 0 else outs[-1 - source]
        if isinstance(value, Tensor):
            saved.append((value, value._storage._version, value.grad_fn))
        else:
            saved.append((value, None, None))
    node._saved = tuple(saved)
    if extra:
        node._params = extra
    return outputs


_NEEDS_ONE = (True,)  # needs_input_grad of a unary op's node
_FROM_EXTRA = "extra"  # save_plan's source of a value passed to attach() by keyword
_UNSAVED = (None, None, None)


# ---- composite ops: composed from tensor ops, one node named as PyTorch's ------------------
def composite(name, nondifferentiable=(), kernel=None, inputs=None):
    """Decorator for a function that PyTorch runs as one op with its own backward node
    (layer_norm: NativeLayerNormBackward0, batch_norm: NativeBatchNormBackward0) and
    that numtensor composes from differentiable tensor ops.

    The function runs on aliases of its tensor arguments (identity views, so that the
    composed graph hangs off the real arguments), and its result is handed out detached,
    with one node named `name` whose vjp runs the composed graph's backward down to the
    aliases and no further.  So grad_fn, printing and next_functions read as in PyTorch,
    the gradient is exactly the composition's, and under create_graph the gradient's own
    graph reaches the real arguments (double backward).  Without grad mode, or with no
    tensor argument requiring grad, the function runs as is.  It must not modify its
    tensor arguments in place.  Arguments named in `nondifferentiable` (a loss's class
    weights) may not require grad, as in PyTorch, whose message names `kernel`.  `inputs`
    names the arguments that are inputs of PyTorch's node (mse_loss: input and target):
    each is an edge of the node, (None, 0) in next_functions when it does not require
    grad; without it, the tensor arguments that require grad are the node's inputs."""
    d = Derivative(name, _composite_vjp, inputs=(), saves=(), complex_aware=True)  # (its
    # inner graph's nodes see to it)
    REGISTRY.append(d)

    def wrap(fn):
        import inspect
        params = list(inspect.signature(fn).parameters)
        refused = [(params.index(n), n) for n in nondifferentiable]
        named = None if inputs is None else [(params.index(n), n) for n in inputs]

        def run(*args, **kwargs):
            if not is_grad_enabled():
                return fn(*args, **kwargs)
            for pos, pname in refused:
                value = args[pos] if pos < len(args) else kwargs.get(pname)
                if getattr(value, "_requires_grad", False):
                    raise RuntimeError(
                        f"The function '{kernel or fn.__name__}' is not differentiable with "
                        f"respect to argument '{pname}'. This input cannot have requires_grad "
                        f"True.")
            slots = [i for i, a in enumerate(args) if getattr(a, "_requires_grad", False)]
            keys = [k for k, v in kwargs.items() if getattr(v, "_requires_grad", False)]
            if not slots and not keys:
                return fn(*args, **kwargs)
            args, kwargs = list(args), dict(kwargs)
            originals, aliases = [], []
            for container, key in [(args, i) for i in slots] + [(kwargs, k) for k in keys]:
                t = container[key]
                container[key] = alias = t.view_as(t)
                originals.append(t)
                aliases.append(alias)
            inner = fn(*args, **kwargs)
            if not getattr(inner, "_requires_grad", False):
                return inner
            # the aliases' nodes now: an in-place op on an argument later re-bases views
            targets = [edge_for(a) for a in aliases]
            if named is not None:  # PyTorch's node inputs, an edge each (None: no gradient)
                by_id = {id(a): (t, target) for a, t, target in zip(aliases, originals, targets)}
                pairs = [by_id.get(id(args[pos] if pos < len(args) else kwargs.get(pname)),
                                   (None, None)) for pos, pname in named]
                originals, targets = [t for t, _ in pairs], [target for _, target in pairs]
            return attach(d, inner.detach(), tuple(originals), inner=inner,
                          targets=tuple(targets))
        run.__name__, run.__qualname__, run.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
        run.__module__, run.__wrapped__ = fn.__module__, fn
        return run
    return wrap


def _composite_vjp(ctx, grad):
    from . import engine
    targets = ctx.targets
    capture = dict.fromkeys(t for t in targets if t is not None)
    engine.run_backward([edge_for(ctx.inner)], [grad], retain_graph=True,
                        create_graph=is_grad_enabled(), capture=capture, accumulate=False,
                        stop_at={node for node, _ in capture})
    return tuple(None if t is None else capture[t] for t in targets)
