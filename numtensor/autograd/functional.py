"""Higher-level autograd on whole functions: vjp, jvp, jacobian, hessian, vhp, hvp.

Everything runs on the reverse-mode engine (``autograd.grad``):
  vjp      one backward pass with ``v`` as the output gradient;
  jvp      the double-backward trick: the vjp is linear in its output gradient ``u``, so
           differentiating ``u -> J^T u`` with respect to ``u`` (against ``v``) gives ``J v``;
  jacobian one backward pass per output element (a row of the Jacobian each);
  hessian  the jacobian of the gradient (built with create_graph=True);
  vhp      the gradient of ``<grad f, v>``, i.e. grad of grad;
  hvp      the double-backward trick applied to the gradient.

Inputs and outputs may be one tensor or a tuple of tensors; results nest as PyTorch's do,
and error types and messages are PyTorch's.
"""
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]

_STRATEGIES = ("forward-mode", "reverse-mode")


# ---- tuples in, tuples out ----------------------------------------------------------------
def _is_tensor(x):
    from .._tensor import Tensor  # late: numtensor imports autograd while it loads
    return isinstance(x, Tensor)


def _as_tuple(value, arg_name, fn_name):
    """(whether value was a tuple, value as a tuple of tensors); anything else is a TypeError."""
    was_tuple = isinstance(value, tuple)
    items = value if was_tuple else (value,)
    for i, item in enumerate(items):
        if not _is_tensor(item):
            where = f"value at index {i}" if was_tuple else f"given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a "
                            f"tuple of Tensors but the {where} has type {type(item)}.")
    return was_tuple, items


def _unpack(result, was_tuple):
    """Undo _as_tuple on a result: its single element when the argument was not a tuple."""
    return result if was_tuple else result[0]


def _unpack_nested(result, outer_was_tuple, inner_was_tuple):
    """Undo _as_tuple on both levels of a tuple of tuples (outputs outside, inputs inside)."""
    if not inner_was_tuple:
        result = tuple(row[0] for row in result)
    return _unpack(result, outer_was_tuple)


# ---- preparing arguments and results -----------------------------------------------------
def _prepare(tensors, create_graph, need_graph):
    """New tensor objects for the function's arguments (and for v).

    A fresh object is always made, so that the gradient flows to the argument itself and
    not to the same tensor captured by the function from outside. With create_graph the
    copy is a differentiable view, so results keep their history back to the caller's
    tensors; otherwise it is detached and requires grad only when need_graph says so.
    """
    prepared = []
    for t in tensors:
        if create_graph and t.requires_grad:
            prepared.append(t.view_as(t))
        else:
            prepared.append(t.detach().requires_grad_(need_graph))
    return tuple(prepared)


def _finish(tensors, create_graph):
    """Results without history unless create_graph asked for it (tuples nest)."""
    if not _is_tensor(tensors[0]):
        return tuple(_finish(inner, create_graph) for inner in tensors)
    return tensors if create_graph else tuple(t.detach() for t in tensors)


def _check_v(v, like, like_is_tuple):
    """v must have one tensor per tensor of `like`, each of the same size."""
    if len(v) != len(like):
        if like_is_tuple:
            raise RuntimeError(
                f"v is a tuple of invalid length: should be {len(like)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (v_i, like_i) in enumerate(zip(v, like)):
        if v_i.size() != like_i.size():
            prefix = f"Entry {i} in " if like_is_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {like_i.size()} but "
                               f"got {v_i.size()}.")


def _prepare_v(v, like, like_is_tuple, create_graph, fn_name, none_message):
    """v as a checked tuple; None is allowed only where `like` is one single-element tensor."""
    if v is None:
        if len(like) != 1 or like[0].nelement() != 1:
            raise RuntimeError(none_message)
        return None
    _, v = _as_tuple(v, "v", fn_name)
    v = _prepare(v, create_graph, need_graph=False)
    _check_v(v, like, like_is_tuple)
    return v


_V_NONE_FOR_INPUT = ("The vector v can only be None if the input to the user-provided function "
                     "is a single Tensor with a single element.")


# ---- strict mode ------------------------------------------------------------------------------
_NOT_REQUIRING_GRAD = {
    "outputs": ("Output {i} of the user-provided function does not require gradients. The "
                "outputs must be computed in a differentiable manner from the input when running "
                "in strict mode."),
    "grad_inputs": ("The gradient with respect to input {i} is independent of the inputs of the "
                    "user-provided function. This is not allowed in strict mode."),
    "jacobian": ("While computing the hessian, found that the jacobian of the user-provided "
                 "function with respect to input {i} is independent of the input. This is not "
                 "allowed in strict mode. You should ensure that your function is twice "
                 "differentiable and that the jacobian depends on the inputs (this would be "
                 "violated by a linear function for example)."),
}


def _check_differentiable(tensors, kind, strict):
    """In strict mode, every tensor must exist and require grad (kind words the error)."""
    if not strict:
        return
    for i, t in enumerate(tensors):
        if t is None:
            raise RuntimeError(f"The output of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode.")
        if not t.requires_grad:
            raise RuntimeError(_NOT_REQUIRING_GRAD[kind].format(i=i))


_INDEPENDENT = {
    "back": ("The output of the user-provided function is independent of input {i}. This is "
             "not allowed in strict mode."),
    "back_trick": ("The gradient with respect to the input is independent of entry {i} in the "
                   "grad_outputs when using the double backward trick to compute forward mode "
                   "gradients. This is not allowed in strict mode."),
    "double_back": ("The jacobian of the user-provided function is independent of input {i}. "
                    "This is not allowed in strict mode."),
    "double_back_trick": ("The hessian of the user-provided function is independent of entry "
                          "{i} in the grad_jacobian. This is not allowed in strict mode as it "
                          "prevents from using the double backward trick to replace forward "
                          "mode AD."),
}


def _zeros_for_missing(grads, refs, strict, create_graph, stage):
    """Replace each None gradient by zeros shaped like its reference (an error if strict)."""
    from .. import zeros_like
    filled = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_INDEPENDENT[stage].format(i=i))
            g = zeros_like(refs[i])
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode when "
                               "create_graph=True.")
        filled.append(g)
    return tuple(filled)


# ---- the engine call ------------------------------------------------------------------------
def _grad(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """autograd.grad over the outputs that require grad (None ones and constants are skipped);
    a None per input when no output is differentiable."""
    from . import grad
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    kept = [(out, g) for out, g in zip(outputs, grad_outputs)
            if out is not None and out.requires_grad]
    if not kept:
        return (None,) * len(inputs)
    kept_outputs, kept_grads = zip(*kept)
    return grad(kept_outputs, inputs, kept_grads, retain_graph=retain_graph,
                create_graph=create_graph, allow_unused=True)


def _call(func, inputs, fn_name, strict):
    """func(*inputs) as (whether it returned a tuple, its outputs as a tuple)."""
    was_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                   fn_name)
    _check_differentiable(outputs, "outputs", strict)
    return was_tuple, outputs


def _second_pass_grad_mode(create_graph):
    """The grad mode of the final backward pass: on with create_graph, else the caller's."""
    return set_grad_enabled(True if create_graph else is_grad_enabled())


# ---- vector products ------------------------------------------------------------------------
def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J): the vector v (shaped like func's output; may be omitted for a
    one-element output) times the Jacobian of func at inputs, shaped like the inputs.
    create_graph keeps both results differentiable; strict raises where an input does
    not affect the output (else its part is zeros)."""
    with enable_grad():
        inputs_were_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        outputs_were_tuple, outputs = _call(func, inputs, "vjp", strict)
        v = _prepare_v(v, outputs, outputs_were_tuple, create_graph, "vjp",
                       "The vector v can only be None if the user-provided function returns a "
                       "single Tensor with a single element.")

    with _second_pass_grad_mode(create_graph):
        grads = _grad(outputs, inputs, v, create_graph=create_graph)
        result = _zeros_for_missing(grads, inputs, strict, create_graph, "back")

    return (_unpack(_finish(outputs, create_graph), outputs_were_tuple),
            _unpack(_finish(result, create_graph), inputs_were_tuple))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v): the Jacobian of func at inputs times the vector v (shaped like the
    inputs; may be omitted for a one-element input), shaped like the output.  Computed
    by differentiating a vjp (numtensor has no forward mode).  create_graph and strict
    as in vjp."""
    from .. import zeros_like
    with enable_grad():
        inputs_were_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        v = _prepare_v(v, inputs, inputs_were_tuple, create_graph, "jvp", _V_NONE_FOR_INPUT)
        outputs_were_tuple, outputs = _call(func, inputs, "jvp", strict)
        # the backward is linear in its output gradient, so any finite value serves here
        dummy_grads = tuple(zeros_like(out, requires_grad=True) for out in outputs)
        grad_inputs = _grad(outputs, inputs, dummy_grads, create_graph=True)
        _check_differentiable(grad_inputs, "grad_inputs", strict)

    with _second_pass_grad_mode(create_graph):
        grads = _grad(grad_inputs, dummy_grads, v, create_graph=create_graph)
        result = _zeros_for_missing(grads, outputs, strict, create_graph, "back_trick")

    return (_unpack(_finish(outputs, create_graph), outputs_were_tuple),
            _unpack(_finish(result, create_graph), outputs_were_tuple))


def _check_single_scalar(outputs_were_tuple, outputs, fn_name):
    """The function given to fn_name must have returned one Tensor holding a single element."""
    if outputs_were_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].nelement() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should "
                           "contain a single element")


def _prepare_hessian_product(func, inputs, v, create_graph, strict, fn_name):
    """The shared first half of vhp and hvp: (inputs flag, inputs, v, outputs, gradient)."""
    inputs_were_tuple, inputs = _as_tuple(inputs, "inputs", fn_name)
    inputs = _prepare(inputs, create_graph, need_graph=True)
    v = _prepare_v(v, inputs, inputs_were_tuple, create_graph, fn_name, _V_NONE_FOR_INPUT)
    outputs_were_tuple, outputs = _call(func, inputs, fn_name, strict)
    _check_single_scalar(outputs_were_tuple, outputs, fn_name)
    gradient = _grad(outputs, inputs, create_graph=True)
    _check_differentiable(gradient, "jacobian", strict)
    return inputs_were_tuple, inputs, v, outputs, gradient


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H): v times the Hessian of the scalar function func at inputs,
    shaped like the inputs (the gradient of <grad func, v>).  create_graph and strict as
    in vjp."""
    with enable_grad():
        inputs_were_tuple, inputs, v, outputs, gradient = _prepare_hessian_product(
            func, inputs, v, create_graph, strict, "vhp")

    with _second_pass_grad_mode(create_graph):
        grads = _grad(gradient, inputs, v, create_graph=create_graph)
        result = _zeros_for_missing(grads, inputs, strict, create_graph, "double_back")

    return (_unpack(_finish(outputs, create_graph), False),
            _unpack(_finish(result, create_graph), inputs_were_tuple))


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v): the Hessian of the scalar function func at inputs times v, shaped
    like the inputs (double backward of the gradient).  create_graph and strict as in
    vjp."""
    from .. import zeros_like
    with enable_grad():
        inputs_were_tuple, inputs, v, outputs, gradient = _prepare_hessian_product(
            func, inputs, v, create_graph, strict, "hvp")
        dummy_grads = tuple(zeros_like(inp, requires_grad=True) for inp in inputs)
        double_back = _grad(gradient, inputs, dummy_grads, create_graph=True)

    with _second_pass_grad_mode(create_graph):
        grads = _grad(double_back, dummy_grads, v, create_graph=create_graph)
        result = _zeros_for_missing(grads, inputs, strict, create_graph, "double_back_trick")

    return (_unpack(_finish(outputs, create_graph), False),
            _unpack(_finish(result, create_graph), inputs_were_tuple))


# ---- jacobian and hessian -------------------------------------------------------------------
def _check_strategy(strategy, hint):
    if strategy not in _STRATEGIES:
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".'
                             + hint)


def _reject_forward_mode(inputs, create_graph, strict, vectorize):
    """strategy="forward-mode": PyTorch's errors for the combinations it rejects, and for the
    one it accepts an error too, as numtensor has no forward-mode AD."""
    if create_graph:
        raise NotImplementedError(
            "torch.autograd.functional.jacobian: `create_graph=True` and "
            '`strategy="forward-mode"` are not supported together (yet). Please either set '
            '`create_graph=False` or `strategy="reverse-mode"`.')
    if strict:
        raise RuntimeError(
            "torch.autograd.functional.jacobian: `strict=True` and "
            '`strategy="forward-mode"` are not supported together (yet). Please either set '
            '`strict=False` or `strategy="reverse-mode"`.')
    _as_tuple(inputs, "inputs", "jacobian")
    if not vectorize:
        # PyTorch's message, missing space included
        raise NotImplementedError(
            "Computing Jacobian using forward-AD or forward-over-reverse Hessian is"
            "only implemented for `vectorize=True`.")
    raise RuntimeError(
        'torch.autograd.functional.jacobian: `strategy="forward-mode"` needs forward-mode AD, '
        'which numtensor does not have. Please use `strategy="reverse-mode"` (the default), '
        "which gives the same Jacobian.")


def _jacobian_rows(out, out_index, inputs, create_graph, strict):
    """The Jacobian of one output against each input: one backward per output element."""
    from .. import stack, zeros_like
    rows = tuple([] for _ in inputs)
    flat = out.reshape(-1)
    for j in range(out.nelement()):
        grads = _grad((flat[j],), inputs, retain_graph=True, create_graph=create_graph)
        for k, (g, inp) in enumerate(zip(grads, inputs)):
            if g is None:
                if strict:
                    raise RuntimeError(
                        f"Output {out_index} of the user-provided function is independent of "
                        f"input {k}. This is not allowed in strict mode.")
                g = zeros_like(inp)
            elif strict and create_graph and not g.requires_grad:
                # PyTorch names the output's index here; its message is kept as it is
                raise RuntimeError(
                    "The jacobian of the user-provided function is independent of input "
                    f"{out_index}. This is not allowed in strict mode when create_graph=True.")
            rows[k].append(g)
    return tuple(stack(rows_k, dim=0).view(out.size() + inp.size())
                 for rows_k, inp in zip(rows, inputs))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of func at inputs: for each output and input, a tensor of shape
    output.shape + input.shape (nested tuples when func takes or returns several tensors),
    one backward pass per output element.  vectorize=True gives the same result by the
    same loop; strategy='forward-mode' is not available (no forward-mode AD).
    create_graph and strict as in vjp."""
    _check_strategy(strategy, ' Hint: If your function has more outputs than inputs, '
                              '"forward-mode" tends to be more performant. Otherwise, prefer '
                              'to use "reverse-mode".')
    if strategy == "forward-mode":
        _reject_forward_mode(inputs, create_graph, strict, vectorize)

    with enable_grad():
        inputs_were_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        outputs_were_tuple, outputs = _call(func, inputs, "jacobian", strict)
        if vectorize and strict:
            raise RuntimeError(
                "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are "
                "not supported together. Please either set `strict=False` or "
                "`vectorize=False`.")
        result = tuple(_jacobian_rows(out, i, inputs, create_graph, strict)
                       for i, out in enumerate(outputs))

    return _unpack_nested(_finish(result, create_graph), outputs_were_tuple, inputs_were_tuple)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of the scalar function func at inputs: shape input.shape + input.shape
    (nested tuples of blocks for several inputs), the Jacobian of the gradient.
    vectorize and the strategies as in jacobian; create_graph and strict as in vjp."""
    inputs_were_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    _check_strategy(outer_jacobian_strategy, "")

    def scalar_func(*args):
        outputs_were_tuple, outputs = _call(func, args, "hessian", strict)
        _check_single_scalar(outputs_were_tuple, outputs, "hessian")
        return outputs[0].squeeze()

    def gradient_func(*args):
        gradient = jacobian(scalar_func, args, create_graph=True)
        _check_differentiable(gradient, "jacobian", strict)
        return gradient

    result = jacobian(gradient_func, inputs, create_graph=create_graph, strict=strict,
                      vectorize=vectorize, strategy=outer_jacobian_strategy)
    return _unpack_nested(result, inputs_were_tuple, inputs_were_tuple)
