"""Reverse-mode automatic differentiation: backward, grad, grad mode, gradcheck."""
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .grad_mode import (detect_anomaly, set_detect_anomaly, is_anomaly_enabled,  # noqa: F401
                        is_anomaly_check_nan_enabled, set_anomaly_enabled,
                        is_inference_mode_enabled)
from .graph import AccumulateGrad, Node, _edge_for
from . import engine as _engine
from .. import _alloc


def _as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _root_grads(outputs, grad_outputs, shared_ones=False):
    """The gradient each output starts with; shared_ones: the implicit 1 of a scalar output
    may be a cached tensor (backward only: autograd.grad can hand it back to the caller)."""
    grads = []
    for i, out in enumerate(outputs):
        g = grad_outputs[i] if i < len(grad_outputs) else None
        if g is None:
            if out.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not out.dtype.is_floating_point and not out.dtype.is_complex:
                raise RuntimeError("grad can be implicitly created only for real scalar outputs "
                                   f"but got {out.dtype}")
            g = _engine.ones_for_root(out) if shared_ones else _alloc.ones(out._shape, out.dtype,
                                                                          out.device)
        elif not hasattr(g, "_shape"):
            g = _alloc.full(out._shape, g, out.dtype, out.device)
        elif tuple(g._shape) != tuple(out._shape):
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                f"has a shape of {out.shape}.")
        elif g.dtype is not out.dtype:  # PyTorch casts a root gradient to its output's dtype
            if g.dtype.is_complex or out.dtype.is_complex:  # ... within real dtypes only
                raise RuntimeError(
                    f"For complex Tensors, both grad_output and output are required to have "
                    f"the same dtype. Mismatch in dtype: grad_output[{i}] has a dtype of "
                    f"{g.dtype} and output[{i}] has a dtype of {out.dtype}.")
            g = g.to(out.dtype)
        grads.append(g)
    return grads


def _check_requires_grad(outputs):
    for i, out in enumerate(outputs):
        if not out.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    if grad_tensors is None and inputs is None and create_graph is False and not retain_graph:
        # loss.backward() of one scalar float loss with a history, the common call: its
        # root gradient straight to the engine (the lists and checks below cost about a
        # twentieth of a 10-element (x * w).sum().backward())
        fn = getattr(tensors, "grad_fn", None)
        if fn is not None and tensors.numel() == 1 and tensors.dtype.is_floating_point:
            _engine.run_backward([_edge_for(tensors)], [_engine.ones_for_root(tensors)])
            return
    if inputs is not None:  # accumulate only into the given tensors
        targets = _as_list(inputs)
        if not targets:  # PyTorch refuses rather than accumulate into nothing
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
        found = grad(tensors, targets, grad_tensors, retain_graph, create_graph, allow_unused=True)
        for t, g in zip(targets, found):
            if g is not None:
                _engine.accumulate_grad(t, g, create_graph)
                acc = t.__dict__.get("_accumulator") if t.grad_fn is None else None
                if acc is not None and acc._metadata is not None and \
                        "post_accumulate_hooks" in acc._metadata:
                    _engine.run_post_accumulate_hooks(acc)
        return
    outputs = _as_list(tensors)
    _check_requires_grad(outputs)
    grads = _root_grads(outputs, _as_list(grad_tensors), shared_ones=not create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    # a leaf output is its own AccumulateGrad root
    _engine.run_backward([_edge_for(out) for out in outputs], grads, retain_graph, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    outputs = _as_list(outputs)
    inputs_l = _as_list(inputs)
    if not inputs_l:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    _check_requires_grad(outputs)
    for t in inputs_l:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = _root_grads(outputs, _as_list(grad_outputs))
    if retain_graph is None:
        retain_graph = create_graph
    edges = [_edge_for(t) for t in inputs_l]
    capture = {edge: None for edge in edges}
    roots = [_edge_for(o) for o in outputs]
    _engine.run_backward(roots, grads, retain_graph, create_graph, capture=capture,
                         accumulate=False)
    result = []
    for index, (t, edge) in enumerate(zip(inputs_l, edges)):
        g = capture[edge]
        if g is None:
            if materialize_grads:
                g = _alloc.zeros(t._shape, t.dtype, t.device)
            elif not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {index} appears to not have been used "
                    "in the graph. Set allow_unused=True if this is the desired behavior.")
        elif tuple(g._shape) != tuple(t._shape):
            g = _engine._fit(g, (t._shape, t.dtype))
        result.append(g)
    return tuple(result)


from .gradcheck import gradcheck, gradgradcheck  # noqa: E402
from . import function  # noqa: E402
from .function import Function, FunctionCtx, InplaceFunction  # noqa: E402

__all__ = ["backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled",
           "inference_mode", "gradcheck", "gradgradcheck", "Node", "AccumulateGrad", "Function",
           "FunctionCtx", "detect_anomaly", "set_detect_anomaly"]

from .variable import Variable  # noqa: E402,F401  (the legacy name old tutorials import)


def __getattr__(name):
    # autograd.functional (jacobian, hessian ...) loads on first use: import time
    if name == "functional":
        import importlib
        return importlib.import_module(".functional", __name__)
    raise AttributeError(f"module 'numtensor.autograd' has no attribute '{name}'")
