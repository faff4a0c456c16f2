"""gradcheck: analytical Jacobians (from backward) against central finite differences."""


def _flat_inputs(inputs):
    return inputs if isinstance(inputs, (tuple, list)) else (inputs,)


def _jacobians(fn, inputs, eps):
    from .. import ops
    from . import grad as autograd_grad
    from .grad_mode import no_grad
    diff = [t for t in inputs if hasattr(t, "requires_grad") and t.requires_grad]
    out = fn(*inputs)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    outs = [o for o in outs if o.requires_grad or o.dtype.is_floating_point]
    numeric, analytic = [], []
    for o_idx, o in enumerate(outs):
        n_out = o.numel()
        for t in diff:
            n_in = t.numel()
            num = [[0.0] * n_out for _ in range(n_in)]
            flat = t.detach().view(-1) if t.is_contiguous() else None
            for j in range(n_in):
                with no_grad():
                    base = t.detach()
                    idx = _unravel(j, t.shape)
                    orig = base[idx].item()
                    base[idx] = orig + eps
                    plus = _nth(fn(*inputs), o_idx).detach().reshape(-1).tolist()
                    base[idx] = orig - eps
                    minus = _nth(fn(*inputs), o_idx).detach().reshape(-1).tolist()
                    base[idx] = orig
                for i in range(n_out):
                    num[j][i] = (plus[i] - minus[i]) / (2 * eps)
            ana = [[0.0] * n_out for _ in range(n_in)]
            for i in range(n_out):
                go = ops.zeros_like(o)
                go.view(-1)[i] = 1.0 if o.is_contiguous() else None
                if not o.is_contiguous():
                    go = ops.zeros(o.shape, dtype=o.dtype)
                    go.view(-1)[i] = 1.0
                g, = autograd_grad([o], [t], grad_outputs=[go], retain_graph=True,
                                   allow_unused=True)
                col = [0.0] * n_in if g is None else g.reshape(-1).tolist()
                for j in range(n_in):
                    ana[j][i] = col[j]
            numeric.append(num)
            analytic.append(ana)
            del flat
    return numeric, analytic


def _nth(out, i):
    return out[i] if isinstance(out, (tuple, list)) else out


def _unravel(j, shape):
    idx = []
    for s in reversed(tuple(shape)):
        idx.append(j % s)
        j //= s
    return tuple(reversed(idx))


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **_ignored):
    inputs = tuple(_flat_inputs(inputs))
    for t in inputs:
        if hasattr(t, "requires_grad") and t.requires_grad and t.dtype.name != "float64":
            import warnings
            warnings.warn("Input is not a double precision floating point tensor: gradcheck "
                          "may fail from rounding")
    numeric, analytic = _jacobians(func, inputs, eps)
    for k, (num, ana) in enumerate(zip(numeric, analytic)):
        for j, (rn, ra) in enumerate(zip(num, ana)):
            for i, (a, b) in enumerate(zip(rn, ra)):
                if abs(a - b) > atol + rtol * abs(a):
                    if raise_exception:
                        raise GradcheckError(
                            f"Jacobian mismatch for output {i} with respect to input {j} "
                            f"(pair {k}):\nnumerical:{a}\nanalytical:{b}\n")
                    return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, **kwargs):
    from . import grad as autograd_grad
    from .. import ops
    inputs = tuple(_flat_inputs(inputs))
    diff = [t for t in inputs if getattr(t, "requires_grad", False)]

    def first_grads(*xs):
        out = func(*xs)
        outs = out if isinstance(out, (tuple, list)) else (out,)
        gos = [ops.ones_like(o) for o in outs]
        d = [x for x in xs if getattr(x, "requires_grad", False)]
        return autograd_grad(outs, d, grad_outputs=gos, create_graph=True, allow_unused=True)
    del diff
    return gradcheck(first_grads, inputs, **kwargs)


class GradcheckError(RuntimeError):
    pass
