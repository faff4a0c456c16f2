"""The backward engine: an iterative topological walk over the recorded graph.

Iterative on purpose: a recursive walk overflows Python's stack on a chain of a few
thousand ops.  Gradients are summed per (node, output) before the node runs.
"""
from .graph import AccumulateGrad
from .grad_mode import is_grad_enabled, no_grad, set_grad_enabled

_FREED = ("Trying to backward through the graph a second time (or directly access saved "
          "tensors after they have already been freed). Saved intermediate values of the graph "
          "are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if "
          "you need to backward through the graph a second time or if you need to access saved "
          "tensors after calling backward.")


def _ops():
    from .. import ops
    return ops


def _check_saved(node):
    for t, version in node._saved:
        if t._version != version:
            from ..ops._common import scalar_type_name
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [torch.{scalar_type_name(t.dtype)}Tensor "
                f"[{', '.join(str(s) for s in t._shape)}]], which is output {t._output_nr} of "
                f"{t.grad_fn.name() if t.grad_fn is not None else 'a leaf'}, is at version "
                f"{t._version}; expected version {version} instead. Hint: the backtrace further "
                "above can point to the operation that failed to compute its gradient.")


def _fit(grad, meta):
    """Undo broadcasting and promotion: grad summed to the input's shape, in its dtype."""
    shape, dtype = meta
    ops = _ops()
    if tuple(grad._shape) != tuple(shape):
        grad = ops.sum_to_shape(grad, shape)
    if grad.dtype is not dtype:
        grad = ops.to(grad, dtype)
    return grad


def _topo_order(roots):
    """Nodes reachable from roots, each before every node it feeds (iterative DFS)."""
    order, seen = [], set()
    for root in roots:
        if root is None or id(root) in seen:
            continue
        seen.add(id(root))
        stack = [(root, iter(root._edges))]
        while stack:
            node, it = stack[-1]
            for edge in it:
                if edge is not None and id(edge[0]) not in seen:
                    seen.add(id(edge[0]))
                    stack.append((edge[0], iter(edge[0]._edges)))
                    break
            else:
                stack.pop()
                order.append(node)
    order.reverse()
    return order


def run_backward(roots, grad_roots, retain_graph=False, create_graph=False, capture=None,
                 accumulate=True):
    """Propagate grad_roots from roots = [(node, output_nr)].

    capture: optional dict {(id(node), output_nr): None} whose values are filled with the
    gradient reaching that point (for autograd.grad); leaves are then not accumulated.
    """
    ops = _ops()
    buffers = {}
    for (node, nr), g in zip(roots, grad_roots):
        slot = buffers.setdefault(id(node), [None] * node._n_outputs)
        slot[nr] = g if slot[nr] is None else ops.add(slot[nr], g)
    order = _topo_order([n for n, _ in roots])
    with set_grad_enabled(create_graph):
        for node in order:
            grads = buffers.pop(id(node), None)
            if grads is None:
                continue
            if capture is not None:
                for nr, g in enumerate(grads):
                    if (id(node), nr) in capture:
                        capture[(id(node), nr)] = g
            if isinstance(node, AccumulateGrad):
                if accumulate and grads[0] is not None:
                    _accumulate(node.variable, grads[0], create_graph)
                continue
            if node._backward is None:
                raise RuntimeError(_FREED)
            _check_saved(node)
            if all(g is None for g in grads):
                continue
            grads = [g if g is not None else _zeros_for(node, i) for i, g in enumerate(grads)]
            in_grads = node._backward(*grads)
            if not isinstance(in_grads, (tuple, list)):
                in_grads = (in_grads,)
            if not retain_graph:
                node._backward = None
                node._saved = ()
            for edge, meta, g in zip(node._edges, node._input_meta, in_grads):
                if edge is None or g is None:
                    continue
                g = _fit(g, meta)
                slot = buffers.setdefault(id(edge[0]), [None] * edge[0]._n_outputs)
                slot[edge[1]] = g if slot[edge[1]] is None else ops.add(slot[edge[1]], g)
            _retain(node, grads)


def _zeros_for(node, i):
    meta = node.metadata.get("output_meta")
    if meta is None:
        return None
    shape, dtype, device = meta[i]
    return _ops().zeros(shape, dtype=dtype, device=device)


def _retain(node, grads):
    for ref in node.metadata.get("retained", ()):
        t = ref()
        if t is not None and grads[t._output_nr] is not None:
            g = grads[t._output_nr].detach()
            t.grad = g if t.grad is None else _ops().add(t.grad, g)


def _accumulate(leaf, grad, create_graph):
    if not create_graph:
        grad = grad.detach()
    if leaf.grad is None:
        # own the memory: a grad that aliases another tensor must not be written later
        leaf.grad = grad if create_graph else _ops().clone(grad)
    elif create_graph:
        leaf.grad = _ops().add(leaf.grad, grad)
    else:
        with no_grad():
            leaf.grad.add_(grad)
