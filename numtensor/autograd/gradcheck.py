"""gradcheck: compare the Jacobians backward computes with central finite differences.

For every differentiable input x and every output y, two Jacobians of shape
(x.numel(), y.numel()) are built:
  numerical  row j   = (y(x + eps*e_j) - y(x - eps*e_j)) / (2*eps), one pair of forward
                       calls per input element, perturbing x's memory in place;
  analytical column i = autograd.grad(y, x, grad_outputs=e_i), one backward per output
                       element.
They must agree elementwise within atol + rtol * |numerical|.  Inputs should be float64:
in float32 the finite differences are dominated by rounding.
"""
import warnings

from .grad_mode import no_grad


class GradcheckError(RuntimeError):
    """Raised by gradcheck when the two Jacobians disagree (a RuntimeError, as in PyTorch)."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _is_tensor(x):
    from .._tensor import Tensor
    return isinstance(x, Tensor)


def _differentiable_outputs(func, inputs):
    """func's outputs as a tuple of flat float64 tensors (no history), floating ones only."""
    outs = _as_tuple(func(*inputs))
    return [o for o in outs if _is_tensor(o) and (o.dtype.is_floating_point or o.dtype.is_complex)]


def _flat_values(t):
    from .. import float64
    # a copy: an output may be a view of the input that is about to be perturbed again
    return t.detach().reshape(-1).to(float64, copy=True)


def _numerical_jacobians(func, inputs, x, eps):
    """One (x.numel(), y.numel()) Jacobian per output y, by central differences in x."""
    from .. import zeros, float64
    with no_grad():
        n_outputs = [o.numel() for o in _differentiable_outputs(func, inputs)]
        jacobians = [zeros((x.numel(), n), dtype=float64) for n in n_outputs]
        # a detached alias shares x's memory, so writing it perturbs the input func sees
        x_flat_view = x.detach()
        for j, index in enumerate(_all_indices(x.shape)):
            element = x_flat_view[index] if index else x_flat_view
            original = element.item()
            element.fill_(original + eps)
            plus = [_flat_values(o) for o in _differentiable_outputs(func, inputs)]
            element.fill_(original - eps)
            minus = [_flat_values(o) for o in _differentiable_outputs(func, inputs)]
            element.fill_(original)
            for jac, p, m in zip(jacobians, plus, minus):
                jac[j] = (p - m) / (2 * eps)
    return jacobians


def _analytical_jacobians(func, inputs, x):
    """One (x.numel(), y.numel()) Jacobian per output y, a column per backward call."""
    from .. import zeros, zeros_like, float64
    from . import grad
    outputs = _differentiable_outputs(func, inputs)
    jacobians = []
    for y in outputs:
        jac = zeros((x.numel(), y.numel()), dtype=float64)
        if y.requires_grad:
            for i, index in enumerate(_all_indices(y.shape)):
                one_hot = zeros_like(y)
                if index:
                    one_hot[index] = 1
                else:
                    one_hot.fill_(1)
                g, = grad([y], [x], grad_outputs=[one_hot], retain_graph=True, allow_unused=True)
                if g is not None:
                    jac[:, i] = _flat_values(g)
        jacobians.append(jac)
    return jacobians


def _all_indices(shape):
    """Every index tuple of shape in row-major order (the order of reshape(-1))."""
    indices = [()]
    for size in shape:
        indices = [idx + (k,) for idx in indices for k in range(size)]
    return indices


def _warn_if_not_double(inputs):
    for t in inputs:
        if _is_tensor(t) and t.requires_grad and t.dtype.name not in ("float64", "complex128"):
            warnings.warn("Input requires gradient and is not a double precision floating point "
                          "or complex. This check will likely fail if all the inputs are not of "
                          "double precision floating point or complex.", UserWarning)


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **_ignored):
    """True when func's backward matches finite differences for every differentiable input."""
    inputs = _as_tuple(inputs)
    _warn_if_not_double(inputs)
    differentiable = [(k, t) for k, t in enumerate(inputs) if _is_tensor(t) and t.requires_grad]
    if not differentiable:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but "
                         "none of the them have requires_grad=True.")
    for k, x in differentiable:
        numerical = _numerical_jacobians(func, inputs, x, eps)
        analytical = _analytical_jacobians(func, inputs, x)
        for out_index, (num, ana) in enumerate(zip(numerical, analytical)):
            close = ((ana - num).abs() <= atol + rtol * num.abs()).all()
            if not bool(close):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {out_index} with respect to input {k},\n"
                    f"numerical:{num}\nanalytical:{ana}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, **kwargs):
    """gradcheck of the first derivative (its backward built with create_graph=True)."""
    from .. import ones_like
    from . import grad
    inputs = _as_tuple(inputs)

    def first_derivative(*xs):
        outs = [o for o in _as_tuple(func(*xs)) if _is_tensor(o) and o.requires_grad]
        wrt = [x for x in xs if _is_tensor(x) and x.requires_grad]
        gos = [ones_like(o) for o in outs] if grad_outputs is None else list(_as_tuple(grad_outputs))
        return grad(outs, wrt, grad_outputs=gos, create_graph=True, allow_unused=True)
    return gradcheck(first_derivative, inputs, **kwargs)
