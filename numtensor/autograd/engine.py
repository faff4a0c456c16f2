"""The backward engine: an iterative topological walk over the recorded graph.

Iterative on purpose: a recursive walk overflows Python's stack on a chain of a few
thousand ops.  Each node runs once, after every node that feeds it a gradient; the
gradients reaching one (node, output) are summed in a buffer first.
"""
import sys

from .._tensor import Tensor, make_tensor
from .graph import FREED_ERROR, AccumulateGrad
from ..amp import autocast_mode as _amp
from ..amp.autocast_mode import _ACTIVE as _autocast_regions
from .grad_mode import _anomaly, _set as _set_grad_mode, is_grad_enabled, no_grad

_HINT = ("Hint: enable anomaly detection to find the operation that failed to compute its "
         "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")


_ops_module = None
_dispatch_module = None


def _ops():
    """numtensor.ops, imported on first use (it imports this package)."""
    global _ops_module
    if _ops_module is None:
        from .. import ops
        _ops_module = ops
    return _ops_module


def _dispatch():
    """numtensor.ops.dispatch, the same way (an import statement in a function costs
    about 0.4 us a call, twice per backward of a two-leaf graph)."""
    global _dispatch_module
    if _dispatch_module is None:
        from ..ops import dispatch
        _dispatch_module = dispatch
    return _dispatch_module


_NO_LEGACY_NAME = ("Bool", "ComplexFloat", "ComplexDouble")


def _check_saved(node):
    """A tensor the node saved must not have been modified in place since."""
    for t, version, grad_fn in node._saved:
        if version is not None and t._version != version:
            from ..ops._common import scalar_type_name
            # PyTorch's type string: the legacy tensor type's name where there is one
            name = scalar_type_name(t.dtype)
            kind = f"CPU{name}Type" if name in _NO_LEGACY_NAME else f"torch.{name}Tensor"
            what = f"[{kind} [{', '.join(map(str, t._shape))}]]"
            if grad_fn is not None:
                producer = grad_fn._name
                producer = producer[:producer.rfind("Backward")] if "Backward" in producer else producer
                what += f", which is output {t._output_nr} of {producer},"
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: {what} is at version {t._version}; expected version "
                f"{version} instead. {_HINT}")


def _fit(grad, meta):
    """Undo broadcasting and promotion: grad summed to the input's shape, in its dtype."""
    shape, dtype = meta
    if grad._shape != shape and tuple(grad._shape) != tuple(shape):
        grad = _ops().sum_to_shape(grad, shape)
    if grad.dtype is not dtype:
        grad = _ops().to(grad, dtype)
    return grad


def _topo_order(roots, stop_at=()):
    """Nodes reachable from roots, each before every node it feeds: the reverse of a
    depth-first search's post-order (the walk does not go past nodes in stop_at)."""
    if len(roots) == 1:
        order = _chain_order(roots[0], stop_at)
        if order is not None:
            return order
    return _search_order(roots, stop_at)


def _search_order(roots, stop_at):
    """_topo_order of any graph, by an iterative depth-first search."""
    order, seen = [], set()
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(() if root in stop_at else root._edges))]
        while stack:
            node, edges = stack[-1]
            for edge in edges:
                if edge is not None and edge[0] not in seen:
                    child = edge[0]
                    seen.add(child)
                    stack.append((child, iter(() if child in stop_at else child._edges)))
                    break
            else:
                stack.pop()
                order.append(node)
    order.reverse()
    return order


def _chain_order(node, stop_at):
    """_search_order([node]) when the nodes form a chain with leaves: each node has at
    most one edge to a node other than a leaf's AccumulateGrad (y = f(g(x * w)), the
    loss of a small model), else None.  The search's order is built without its stack
    and iterators (x * w then sum: 1.55 -> 0.69 us): its post-order is every node's
    leaves before its chain child, the child's post-order, the node's leaves after that
    child, then the node; a leaf comes at its first visit."""
    chain, before, after = [], [], None  # after: {chain index: leaves after its child}
    leaf = AccumulateGrad
    while node is not None:
        chain.append(node)
        child = None
        if node not in stop_at:
            for edge in node._edges:
                if edge is None:
                    continue
                target = edge[0]
                if type(target) is leaf:
                    if child is None:
                        before.append(target)
                    else:
                        if after is None:
                            after = {}
                        after.setdefault(len(chain) - 1, []).append(target)
                elif child is not None:
                    return None  # two edges to nodes: a graph, not a chain
                else:
                    child = target
        node = child
    post = before
    if after is None:
        chain.reverse()
        post += chain
    else:
        for i in range(len(chain) - 1, -1, -1):
            post += after.get(i, ())
            post.append(chain[i])
    if len(post) > len(chain) + 1 and len(set(post)) < len(post):
        seen = set()  # a leaf reached twice comes at its first visit only
        post = [n for n in post if not (n in seen or seen.add(n))]
    post.reverse()
    return post


def _leading_to(targets, order):
    """The nodes of `order` (kept in order) from which some target node can be reached
    through at least one edge: the only ones autograd.grad needs to run."""
    reaches = set()
    for node in reversed(order):  # children before parents
        for edge in node._edges:
            if edge is not None and (edge[0] in targets or edge[0] in reaches):
                reaches.add(node)
                break
    return [node for node in order if node in reaches]


def _add_to_buffer(buffers, node, output_nr, grad):
    slot = buffers.get(node)
    if slot is None:
        slot = buffers[node] = [None] * node._n_outputs
    old = slot[output_nr]
    slot[output_nr] = grad if old is None else _ops().add(old, grad)


def run_backward(roots, grad_roots, retain_graph=False, create_graph=False, capture=None,
                 accumulate=True, stop_at=()):
    """Propagate grad_roots from roots = [(node, output_nr)].

    capture: optional dict {(node, output_nr): None} whose values are filled with the
    gradient reaching that point (autograd.grad); accumulate=False leaves .grad alone.
    stop_at: nodes the run neither walks past nor runs (a composite op's backward ends
    at the aliases of its arguments).
    """
    if _autocast_regions:  # backward runs without autocast, as PyTorch's does
        saved = _amp.suspended()
        try:
            return run_backward(roots, grad_roots, retain_graph, create_graph, capture,
                                accumulate, stop_at)
        finally:
            _amp.resume(saved)
    buffers = {}
    for (node, nr), g in zip(roots, grad_roots):
        _add_to_buffer(buffers, node, nr, g)
    order = _topo_order([n for n, _ in roots], stop_at)
    if capture is not None:  # autograd.grad: run only the nodes that lead to an input
        order = _leading_to({node for node, _ in capture}, order)
    previous_mode = is_grad_enabled()
    _set_grad_mode(create_graph)  # backward formulas record history only for create_graph
    node = None
    try:
        for node in order:
            grads = buffers.pop(node, None)
            if grads is None:
                continue
            hooked = False
            if capture is not None:
                # a captured gradient is the one the tensor's own hooks returned
                if node._metadata is not None and "tensor_hooks" in node._metadata:
                    grads, hooked = _tensor_hooks(node, grads), True
                for nr, g in enumerate(grads):
                    if (node, nr) in capture and g is not None:
                        capture[(node, nr)] = g
            if node._metadata is not None:
                grads = _pre_hooks(node, grads, hooked)
            if type(node) is AccumulateGrad:
                g = grads[0]
                grads = None  # so that the engine holds g once: accumulate_grad may keep it
                if accumulate and g is not None:
                    accumulate_grad(node.variable, g, create_graph, _ENGINE_REFS)
                    if node._metadata is not None and "post_accumulate_hooks" in node._metadata:
                        g = None
                        run_post_accumulate_hooks(node)
                continue
            if node._freed:
                raise RuntimeError(FREED_ERROR)
            for t, version, _ in node._saved:  # _check_saved's test, without its call
                if version is not None and t._version != version:
                    _check_saved(node)
            derivative = node._derivative
            if node._n_outputs > 1 and derivative.materialize and derivative.materialize(node):
                # custom Functions see zeros for outputs that got no gradient (PyTorch's
                # default); built-in backwards get None and skip that work
                grads = [g if g is not None else _zeros_for(node, i) for i, g in enumerate(grads)]
            g = grads[0]  # (one gradient for most nodes: its test written out)
            if derivative.complex_aware or not (
                    (g is not None and g._storage.dtype.is_complex) if len(grads) == 1
                    else _any_complex(grads)):
                in_grads = derivative.vjp(node, *grads)  # node(*grads), less a call
            else:
                in_grads = complex_vjp(derivative, node, grads)
            if node._metadata is not None and "post_hooks" in node._metadata:
                in_grads = _post_hooks(node, in_grads, grads)
            if _anomaly.enabled and _anomaly.check_nan:  # anomaly mode's one read per node
                _check_nan(node, in_grads)
            if not retain_graph and (node._saved or _holds_tensors(node._params)):
                # free what backward needed.  As PyTorch, only a node that kept tensors
                # fails a second backward; one that kept none (sum's, add's) runs again
                node._freed = True
                node._saved = ()
                node._params = None
            for edge, meta, g in zip(node._edges, node._input_meta, in_grads):
                if edge is None or g is None:
                    continue
                if g._shape != meta[0] or g._storage.dtype is not meta[1]:
                    g = _fit(g, meta)
                target, nr = edge
                slot = buffers.get(target)  # _add_to_buffer's common case written out
                if slot is None and target._n_outputs == 1:
                    buffers[target] = [g]
                else:
                    _add_to_buffer(buffers, target, nr, g)
            in_grads = g = None
    except BaseException:
        if node is not None and node._metadata is not None and "traceback_" in node._metadata:
            _warn_forward_trace(node)  # anomaly mode: the forward call that made the node
        raise
    finally:
        _set_grad_mode(previous_mode)
    if capture is not None:  # targets that did not run: what reached them, through the
        hooked = {}          # hooks registered on them (Tensor.register_hook), once a node
        for node, nr in capture:
            if capture[(node, nr)] is None and node in buffers:
                grads = hooked.get(node)
                if grads is None:
                    grads = buffers[node]
                    if node._metadata is not None and "tensor_hooks" in node._metadata:
                        grads = _tensor_hooks(node, grads)
                    hooked[node] = grads
                capture[(node, nr)] = grads[nr]


_ROOT_ONES = {}


def ones_for_root(out):
    """The implicit gradient 1 of a scalar output, shared between calls: backward
    formulas never write into their incoming gradient, and leaves copy it."""
    key = (out._shape, out.dtype, out.device)
    ones = _ROOT_ONES.get(key)
    if ones is None:
        from .._alloc import ones
        ones = _ROOT_ONES[key] = ones(out._shape, out.dtype, out.device)
    return ones


def _zeros_for(node, i):
    """An output that received no gradient contributes zeros (multi-output nodes)."""
    meta = node.metadata.get("output_meta")
    if meta is None or meta[i] is None:  # None: an output recorded without history
        return None
    shape, dtype, device = meta[i]
    from .._alloc import zeros
    return zeros(shape, dtype, device)


def _tensor_hooks(node, grads):
    """The hooks registered on node's output tensors (Tensor.register_hook), each on its
    output's gradient; a hook may return a replacement."""
    tensor_hooks = node._metadata.get("tensor_hooks")
    if tensor_hooks:
        grads = list(grads)
        for nr, hooks in tensor_hooks.items():
            for hook in list(hooks):
                if grads[nr] is not None:
                    res = hook(grads[nr])
                    if res is not None:
                        grads[nr] = res
    return grads


def _pre_hooks(node, grads, tensor_hooks_done=False):
    """Before a node runs: tensor hooks (Tensor.register_hook) on each output's gradient
    (unless already run: tensor_hooks_done), then node pre-hooks, then retain_grad, which
    PyTorch always runs last."""
    meta = node._metadata
    if not tensor_hooks_done:
        grads = _tensor_hooks(node, grads)
    for hook in list(meta.get("pre_hooks", ())):
        res = hook(tuple(grads))
        if res is not None:
            grads = list(res)
    if "retained" in meta:
        _retain(node, grads)
    return grads


def run_post_accumulate_hooks(acc):
    """Tensor.register_post_accumulate_grad_hook: each hook(leaf), once the leaf's .grad
    holds what backward accumulated; a hook must return None."""
    leaf = acc.variable
    for hook in list(acc._metadata["post_accumulate_hooks"]):
        res = hook(leaf)
        if res is not None:
            if hasattr(res, "_storage"):
                raise RuntimeError("Tensor post accumulate grad hooks should return None.")
            raise TypeError(f"expected Variable, but hook returned '{type(res).__name__}'")


def _check_nan(node, in_grads):
    """Anomaly mode with check_nan: a backward that returned NaN is an error."""
    from ..ops.elementwise import isnan
    for i, g in enumerate(in_grads):
        if g is not None and hasattr(g, "_storage") and bool(isnan(g.detach()).any()):
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th "
                               f"output.")


def _warn_forward_trace(node):
    """Anomaly mode: an error in node's backward first warns with the stack of the forward
    call that created the node (PyTorch's warning text)."""
    import warnings
    warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused "
                  f"the error:\n{''.join(node._metadata['traceback_'])}", UserWarning,
                  stacklevel=4)


def _post_hooks(node, in_grads, out_grads):
    for hook in list(node._metadata["post_hooks"]):
        res = hook(tuple(in_grads), tuple(out_grads))
        if res is not None:
            in_grads = tuple(res)
    return in_grads


def _retain(node, grads):
    """retain_grad(): copy the gradient reaching a non-leaf tensor into its .grad."""
    for ref in node.metadata.get("retained", ()):
        t = ref()
        if t is not None and t.grad_fn is node and grads[t._output_nr] is not None:
            g = grads[t._output_nr].detach()
            t._grad = _ops().clone(g) if t._grad is None else _ops().add(t._grad, g)


# references to a gradient that only the engine holds, as seen by sys.getrefcount inside
# accumulate_grad: run_backward's local, accumulate_grad's argument, getrefcount's argument.
# Python 3.14 borrows references to locals, so counts there mean less: never steal.
_ENGINE_REFS = 3 if sys.version_info < (3, 14) else None


def _exclusively_owned(grad, refs_allowed):
    """True when nothing but the engine refers to grad or to its memory (PyTorch steals
    such a gradient instead of copying it; the rule here is the same)."""
    return (refs_allowed is not None and grad._base is None and grad.grad_fn is None
            and sys.getrefcount(grad) <= refs_allowed + 1          # + accumulate_grad's frame
            and sys.getrefcount(grad._storage) <= 2                # grad's slot + the argument
            and grad.numel() == len(grad._storage))


def _whole_view_owned(grad, leaf, refs_allowed):
    """True when grad is a view laid out like leaf over the whole memory of a base that
    nothing but this view holds: Linear's W.grad, the transpose of the product computed
    for W.t() (PyTorch steals it; a copy of a 784x256 gradient is a tenth of an MLP step)."""
    return (refs_allowed is not None and grad._base is not None and grad.grad_fn is None
            and grad._base.grad_fn is None and grad._offset == 0
            and grad._strides == leaf._strides and grad.numel() == len(grad._storage)
            and sys.getrefcount(grad) <= refs_allowed + 1          # + accumulate_grad's frame
            and sys.getrefcount(grad._base) <= 2                   # grad's _base + the argument
            and sys.getrefcount(grad._storage) <= 3)               # grad's, its base's, the argument


def _leaf_layout(leaf):
    """The strides a leaf's .grad gets: the leaf's own where it is dense, else row-major."""
    from ..ops._common import is_non_overlapping_and_dense
    from .._backends.plan import dense_strides
    return leaf._strides if is_non_overlapping_and_dense(leaf) else dense_strides(leaf._shape)


def _copy_in_layout(grad, strides):
    from .._alloc import empty
    from ..ops.dispatch import copy_into
    out = empty(grad._shape, grad.dtype, grad.device, strides)
    copy_into(out, grad.detach())
    return out


def accumulate_grad(leaf, grad, create_graph, refs_allowed=None):
    """leaf.grad += grad (the first gradient is stored as a tensor leaf.grad owns).

    refs_allowed: how many references the caller's own bookkeeping holds on grad (a
    gradient nobody else refers to is kept as is instead of being copied)."""
    if leaf._grad is None:
        if create_graph:
            leaf._grad = grad
        elif grad._strides != leaf._strides and _leaf_layout(leaf) != grad._strides:
            # PyTorch's layout contract: .grad is laid out as its (dense) leaf, so that
            # w.grad.view(-1) works after w.t() * x
            leaf._grad = _copy_in_layout(grad, _leaf_layout(leaf))
        elif _exclusively_owned(grad, refs_allowed):
            leaf._grad = grad
        elif _whole_view_owned(grad, leaf, refs_allowed):
            # the memory changes hands: a tensor of its own over it, no view of anything
            leaf._grad = make_tensor(grad._storage, 0, grad._shape, grad._strides)
        else:
            # own the memory: the incoming grad may alias another tensor (expand, a view of g)
            leaf._grad = _ops().clone(grad.detach())
    elif create_graph:
        leaf._grad = _ops().add(leaf._grad, grad)
    else:
        old = leaf._grad
        if (old._shape == grad._shape and old.dtype is grad.dtype and old._base is None
                and old._storage is not grad._storage and old.is_contiguous()):
            # the common case, straight to the kernel: old += grad (the prepared dense
            # route when grad is dense too)
            dispatch = _dispatch()
            if not dispatch.run_into_self("add", (old, grad), old.dtype, old):
                dispatch.run_elementwise("add", (old, grad), old.dtype, old.dtype, out=old)
            old._storage._version += 1
            return
        with no_grad():
            old.add_(grad)


def _any_complex(grads):
    for g in grads:
        if g is not None and g._storage.dtype.is_complex:
            return True
    return False


def complex_vjp(derivative, node, grads):
    """PyTorch's gradient of a real loss through a complex op, grad * conj(f'(z)), from a
    vjp written for real tensors (grad * f'(z)): conj(vjp(conj(grad))).  The same for
    every op linear in grad with real coefficients (sums, views, adds), exact for the
    holomorphic ones (mul, matmul, exp, pow, ...)."""
    from ..ops.elementwise import conj
    in_grads = derivative.vjp(node, *[g if g is None else conj(g) for g in grads])
    return tuple(g if g is None or not g._storage.dtype.is_complex else conj(g)
                 for g in in_grads)


def _holds_tensors(params):
    """Whether a node's plain parameters keep a tensor (a composite's inner graph, the
    index tensors of x[idx]): PyTorch would have saved it, and frees it after backward."""
    if params is None:
        return False
    for v in params.values():
        if isinstance(v, Tensor):
            return True
        if type(v) is tuple or type(v) is list:
            for e in v:
                if isinstance(e, Tensor):
                    return True
    return False


__all__ = ["run_backward", "accumulate_grad", "is_grad_enabled", "FREED_ERROR"]
